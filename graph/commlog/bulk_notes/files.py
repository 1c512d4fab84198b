"""GET /files/bulk-note-jobs/{id}.csv: a job's results as CSV, streamed a page at a time."""

from typing import Any

from starlette.routing import Route

from graph.core.job_files import JobResults
from resolvers.commlog.bulk_notes import batches as bulk_batches


def shown(row: tuple[Any, ...]) -> tuple[Any, ...]:
    _id, line, number, outcome, status, detail, customer = row
    return line, number, outcome.value, status.value if status else "", detail, customer


RESULTS = JobResults("bulk note job", bulk_batches.get_job, bulk_batches.csv_rows,
                     ("line", "account_number", "outcome", "status", "detail", "customer_number"), shown)
ROUTES = [Route("/files/bulk-note-jobs/{id:int}.csv", RESULTS.download, methods=["GET"])]
