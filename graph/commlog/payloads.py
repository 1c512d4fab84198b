"""Mutation payloads of the communication log."""

import strawberry

from graph.commlog.types import CommLogEntry, CommLogMemo, NoteFinding
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of addNote.")
class AddNotePayload:
    entry: CommLogEntry | None = strawberry.field(default=None, description="The new entry.")
    findings: list[NoteFinding] = strawberry.field(
        default_factory=list, description="Notes-policy findings (warnings, or why a blocking client refused the note)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of addMemo.")
class AddMemoPayload:
    entry: CommLogEntry | None = strawberry.field(default=None, description="The entry, with its memos.")
    memo: CommLogMemo | None = strawberry.field(default=None, description="The new memo.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
