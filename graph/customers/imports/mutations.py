"""importCustomers: the upload to plain Python, through the job wrapper (the job commits its own batches)."""

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from db.models import CustomerImportJob as JobRow
from db.writes import Writes
from graph.core.errors import CLIENT_MUTATION_ID, INPUT, USER_ERRORS, UserError, run_job_mutation
from graph.core.text import client_mutation_id_field, text_field
from graph.core.uploads import uploaded_file
from graph.customers.imports.types import CustomerImportJob
from resolvers.context import RequestScope
from resolvers.customers.imports import commands as imports


@strawberry.input(
    description="A customer file to import (ADMIN); its columns are in the README (one row per utility account)."
)
class ImportCustomersInput:
    file: Upload = strawberry.field(
        description="The CSV file, UTF-8 (a BOM is fine), with a header row naming the columns. Multipart requests "
        "need an Apollo-Require-Preflight or GraphQL-Preflight header; very large books go through `csrgraph import "
        "customers`, which has no upload limit."
    )
    dry_run: bool = strawberry.field(default=False, description="Check every row and keep the outcomes; write nothing.")
    idempotency_key: str | None = text_field(
        "A client-made key: the same key and file return the finished job, or resume it where it stopped (SQLite); "
        "the same key with another file is an error.", JobRow.idempotency_key, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.type(description="Result of importCustomers.")
class ImportCustomersPayload:
    job: CustomerImportJob | None = strawberry.field(default=None, description="The job, DONE, with its counts.")
    replayed: bool = strawberry.field(default=False, description="The key's job had finished before; nothing ran now.")
    resumed: bool = strawberry.field(
        default=False, description="The key's job had been interrupted and was carried on."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type
class CustomerImportMutations:
    @strawberry.mutation(
        description="Load customers and their utility accounts from a CSV file (ADMIN): rows are checked one by one "
        "and across the file; refused rows are written nowhere and the rest goes in; loading the same file again "
        "changes nothing, a changed row updates its customer or account (audited from-to)."
    )
    async def import_customers(
        self, info: strawberry.Info, input: Annotated[ImportCustomersInput, INPUT]
    ) -> ImportCustomersPayload:
        async def action(scope: RequestScope, writes: Writes) -> dict[str, Any]:
            upload = uploaded_file(input.file)
            request = imports.ImportRequest(imports.CustomerFile(upload.filename or "", upload.file),
                                            dry_run=input.dry_run, idempotency_key=input.idempotency_key)
            done = await imports.import_customers(scope, writes, request)
            return {"job": CustomerImportJob.from_row(done.job), "replayed": done.replayed, "resumed": done.resumed}

        return await run_job_mutation(info, ImportCustomersPayload, action, input)
