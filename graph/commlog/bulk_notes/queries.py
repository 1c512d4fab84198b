"""Root query of bulk note jobs."""

import strawberry

from graph.commlog.bulk_notes.types import BulkNoteJob
from graph.core.errors import client_error
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    page_request,
    to_connection,
)
from resolvers.commlog.bulk_notes import batches as bulk_batches
from resolvers.errors import UserInputError

JOB_CURSOR = CursorShape("bulk-job", (int,))


@strawberry.type
class BulkNoteQueries:
    @strawberry.field(
        description="The client's bulk note jobs, newest first, dry runs included (TEAM_LEAD or ADMIN; "
        "others get a FORBIDDEN error)."
    )
    async def bulk_note_jobs(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[BulkNoteJob]:
        request = page_request(first, after, last, before, JOB_CURSOR)
        try:
            async with info.context.session_scope() as scope:
                page = await bulk_batches.list_jobs(scope, request)
        except UserInputError as error:
            raise client_error(error) from None

        async def count() -> int:
            async with info.context.session_scope() as scope:
                return await bulk_batches.count_jobs(scope)

        return to_connection(page, JOB_CURSOR, BulkNoteJob.from_row, count)
