"""GET /files/bulk-note-jobs/{id}.csv: a job's results as CSV, streamed a page at a time."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from graph.auth import request_scope
from graph.core.files import not_found, path_key
from resolvers.commlog import bulk_batches
from resolvers.context import RequestScope
from resolvers.rules.csv_cells import csv_text, safe_csv_text

HEADER = ("line", "account_number", "outcome", "status", "detail", "customer_number")
PAGE_ROWS = 5_000  # rows read per statement: 100,000 results never sit in memory at once


async def bulk_note_job_csv(request: Request) -> Response:
    """The results of one of the viewer's client's jobs; any other id is 404."""
    scope, job_id = request_scope(request), path_key(request)
    if job_id is None:
        return not_found("Bulk note job not found.")
    sessionmaker = request.state.sessionmaker
    async with sessionmaker() as session:
        job = await bulk_batches.get_job(scope.with_session(session), job_id)
    if job is None:
        return not_found("Bulk note job not found.")
    headers = {"content-disposition": f'attachment; filename="bulk-note-job-{job_id}.csv"'}
    return StreamingResponse(csv_chunks(sessionmaker, scope, job_id), media_type="text/csv; charset=utf-8",
                             headers=headers)


async def csv_chunks(sessionmaker: async_sessionmaker[AsyncSession], scope: RequestScope, job_id: int) -> AsyncIterator[str]:
    """The header, then one chunk of rows per page of results, in list order (keyset on id)."""
    yield csv_text([HEADER])
    after = 0
    async with sessionmaker() as session:
        while rows := await bulk_batches.csv_rows(scope.with_session(session), job_id, after, PAGE_ROWS):
            after = rows[-1][0]
            # listed numbers come from clients' files: a cell a spreadsheet would run as a formula is defused
            yield safe_csv_text([(line, number, outcome.value, status.value if status else "", detail, customer)
                                 for _id, line, number, outcome, status, detail, customer in rows])


ROUTES = [Route("/files/bulk-note-jobs/{id:int}.csv", bulk_note_job_csv, methods=["GET"])]
