"""GET /files/customer-import-jobs/{id}.csv: a job's per-row results as CSV, streamed a page at a time."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from graph.auth import request_scope
from graph.commlog.bulk_files import PAGE_ROWS, cell, csv_text
from resolvers.context import RequestScope
from resolvers.customers import import_batches

HEADER = ("line", "customer_number", "ldc_account_number", "outcome", "reason", "detail", "changes")


async def customer_import_job_csv(request: Request) -> Response:
    """The results of one of the viewer's client's jobs (ADMIN); any other id is 404."""
    scope, job_id = request_scope(request), request.path_params["id"]
    sessionmaker = request.state.sessionmaker
    async with sessionmaker() as session:
        job = await import_batches.get_job(scope.with_session(session), job_id)
    if job is None:
        return JSONResponse({"error": "Customer import job not found."}, status_code=404)
    headers = {"content-disposition": f'attachment; filename="customer-import-job-{job_id}.csv"'}
    return StreamingResponse(csv_chunks(sessionmaker, scope, job_id), media_type="text/csv; charset=utf-8",
                             headers=headers)


async def csv_chunks(sessionmaker: async_sessionmaker[AsyncSession], scope: RequestScope, job_id: int) -> AsyncIterator[str]:
    yield csv_text([HEADER])
    after = 0
    async with sessionmaker() as session:
        while rows := await import_batches.csv_rows(scope.with_session(session), job_id, after, PAGE_ROWS):
            after = rows[-1][0]
            yield csv_text([(line, cell(number), cell(ldc), outcome.value if outcome else "", reason.value if reason else "",
                         cell(detail), cell(changes))
                        for _id, line, number, ldc, outcome, reason, detail, changes in rows])


ROUTES = [Route("/files/customer-import-jobs/{id:int}.csv", customer_import_job_csv, methods=["GET"])]
