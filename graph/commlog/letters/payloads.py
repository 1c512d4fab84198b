"""Mutation payloads of letters."""

import strawberry

from graph.commlog.letters.types import Document, Notification
from graph.commlog.types import CommLogEntry
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of sendLetter.")
class SendLetterPayload:
    document: Document | None = strawberry.field(default=None, description="The generated PDF document.")
    notification: Notification | None = strawberry.field(
        default=None, description="Its delivery: queued email or mail."
    )
    entry: CommLogEntry | None = strawberry.field(default=None, description="The LETTER entry in the customer's log.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of resendLetter.")
class ResendLetterPayload:
    document: Document | None = strawberry.field(default=None, description="The document, unchanged.")
    notification: Notification | None = strawberry.field(default=None, description="The new delivery, with its reason.")
    entry: CommLogEntry | None = strawberry.field(default=None, description="The LETTER entry in the customer's log.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
