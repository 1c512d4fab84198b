"""GET /files/customer-import-jobs/{id}.csv: a job's per-row results as CSV, streamed a page at a time."""

from typing import Any

from starlette.routing import Route

from graph.core.job_files import JobResults
from resolvers.customers.imports import batches as import_batches


def shown(row: tuple[Any, ...]) -> tuple[Any, ...]:
    _id, line, number, ldc, outcome, reason, detail, changes = row
    return line, number, ldc, outcome.value if outcome else "", reason.value if reason else "", detail, changes


RESULTS = JobResults("customer import job", import_batches.get_job, import_batches.csv_rows,
                     ("line", "customer_number", "ldc_account_number", "outcome", "reason", "detail", "changes"), shown)
ROUTES = [Route("/files/customer-import-jobs/{id:int}.csv", RESULTS.download, methods=["GET"])]
