"""bulkAddNote: the input to plain Python, run through the one mutation wrapper."""

from typing import Annotated, Any

import strawberry

from db import enums
from graph.commlog.bulk_notes.inputs import BulkAddNoteInput
from graph.commlog.bulk_notes.payloads import BulkAddNotePayload
from graph.commlog.bulk_notes.types import BulkNoteJob
from graph.core.errors import INPUT, run_mutation
from graph.core.uploads import read_upload
from resolvers.commlog.bulk_notes import commands as bulk_notes
from resolvers.context import RequestScope


async def to_request(input: BulkAddNoteInput) -> bulk_notes.BulkNoteRequest:
    """The input as the resolver takes it; an upload is read here (a Starlette UploadFile)."""
    upload = await read_upload(input.file)
    note = bulk_notes.BulkNote(
        kind=enums.CommLogKind(input.kind.value) if input.kind is not None else None, category=input.category,
        disposition=input.disposition, critical=input.critical, subject=input.subject, body=input.body,
    )
    return bulk_notes.BulkNoteRequest(
        note=note, file=upload, accounts=input.accounts,
        number_type=enums.AccountNumberType(input.number_type.value),
        only_statuses=tuple(enums.EnrollmentStatus(s.value) for s in input.only_statuses or ()),
        dry_run=input.dry_run, idempotency_key=input.idempotency_key,
    )


@strawberry.type
class BulkNoteMutations:
    @strawberry.mutation(
        description="Add one note to many accounts listed in a CSV upload or typed (seed 000; TEAM_LEAD or ADMIN). "
        "All or nothing; per-account outcomes are on the job. Publishes no communicationLogUpdated events."
    )
    async def bulk_add_note(
        self, info: strawberry.Info, input: Annotated[BulkAddNoteInput, INPUT]
    ) -> BulkAddNotePayload:
        async def prepare(_scope: RequestScope) -> bulk_notes.BulkNoteRequest:
            return await to_request(input)  # the upload is read before the transaction: no lock held meanwhile

        async def action(scope: RequestScope, request: bulk_notes.BulkNoteRequest) -> dict[str, Any]:
            done = await bulk_notes.bulk_add_note(scope, request)
            return {"job": BulkNoteJob.from_row(done.job), "replayed": done.replayed}

        return await run_mutation(info, BulkAddNotePayload, action, input, prepare=prepare, bulk=True)
