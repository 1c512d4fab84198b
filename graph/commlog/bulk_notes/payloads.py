"""Payload of bulkAddNote."""

import strawberry

from graph.commlog.bulk_notes.types import BulkNoteJob
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of bulkAddNote.")
class BulkAddNotePayload:
    job: BulkNoteJob | None = strawberry.field(default=None, description="The job, with its counts and results.")
    replayed: bool = strawberry.field(
        default=False, description="True when an earlier request with the same idempotency key made this job."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
