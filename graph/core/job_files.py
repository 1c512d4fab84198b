"""A job's per-row results as a CSV download, streamed a page at a time (bulk notes, customer imports)."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from graph.auth import request_scope
from graph.core.files import not_found, path_key
from resolvers.context import RequestScope
from resolvers.rules.csv_cells import csv_text, safe_csv_text

PAGE_ROWS = 5_000  # rows read per statement: 100,000 results never sit in memory at once


@dataclass(frozen=True, slots=True)
class JobResults:
    """How one kind of job reads and shows its results."""

    name: str  # "bulk note job": the 404 message and the file name
    get_job: Callable[[RequestScope, int], Awaitable[Any]]  # None for another client's or a hidden job
    page: Callable[[RequestScope, int, int, int], Awaitable[list[tuple[Any, ...]]]]  # (scope, job, after id, limit)
    header: Sequence[str]
    shown: Callable[[tuple[Any, ...]], tuple[Any, ...]]  # a page row (id first) as a CSV row

    async def download(self, request: Request) -> Response:
        """The results of one of the viewer's client's jobs; any other id is 404."""
        scope, job_id = request_scope(request), path_key(request)
        if job_id is None:
            return not_found(f"{self.name.capitalize()} not found.")
        sessionmaker = request.state.sessionmaker
        async with sessionmaker() as session:
            job = await self.get_job(scope.with_session(session), job_id)
        if job is None:
            return not_found(f"{self.name.capitalize()} not found.")
        filename = f"{self.name.replace(' ', '-')}-{job_id}.csv"
        return StreamingResponse(self.chunks(sessionmaker, scope, job_id), media_type="text/csv; charset=utf-8",
                                 headers={"content-disposition": f'attachment; filename="{filename}"'})

    async def chunks(self, sessionmaker: Any, scope: RequestScope, job_id: int) -> AsyncIterator[str]:
        """The header, then one chunk of rows per page of results, in order (keyset on id)."""
        yield csv_text([tuple(self.header)])
        after = 0
        async with sessionmaker() as session:
            while rows := await self.page(scope.with_session(session), job_id, after, PAGE_ROWS):
                after = rows[-1][0]
                # listed numbers come from clients' files: a cell a spreadsheet would run as a formula is defused
                yield safe_csv_text([self.shown(row) for row in rows])

