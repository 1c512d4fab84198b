"""Root query of customer import jobs."""

import strawberry

from graph.core.errors import client_error
from graph.core.relay import After, Before, Connection, CursorShape, First, Last, page_request, to_connection
from graph.customers.imports.types import CustomerImportJob
from resolvers.customers.imports import batches as import_batches
from resolvers.errors import UserInputError

JOB_CURSOR = CursorShape("import-job", (int,))


@strawberry.type
class CustomerImportQueries:
    @strawberry.field(
        description="The client's customer import jobs, newest first: uploads and `csrgraph import customers` runs, "
        "dry runs and interrupted jobs included (ADMIN; others get a FORBIDDEN error)."
    )
    async def customer_import_jobs(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[CustomerImportJob]:
        request = page_request(first, after, last, before, JOB_CURSOR)
        try:
            async with info.context.session_scope() as scope:
                page = await import_batches.list_jobs(scope, request)
        except UserInputError as error:
            raise client_error(error) from None

        async def count() -> int:
            async with info.context.session_scope() as scope:
                return await import_batches.count_jobs(scope)

        return to_connection(page, JOB_CURSOR, CustomerImportJob.from_row, count)
