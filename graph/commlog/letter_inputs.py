"""Inputs of letters."""

import strawberry

from graph.commlog.letter_types import NotificationChannel
from graph.customers.inputs import CMID


@strawberry.input(description="A letter to render from a template and send. Choose the template by id or by code.")
class SendLetterInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer to write to.")
    template_id: strawberry.ID | None = strawberry.field(default=None, description="The template (see `letterTemplates`).")
    template_code: str | None = strawberry.field(default=None, description="Or the template's code, e.g. WELCOME_KIT.")
    utility_account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer's utility account whose data the letter shows; default: the customer's primary account.",
    )
    channel: NotificationChannel = strawberry.field(  # type: ignore[valid-type]
        default=NotificationChannel.EMAIL,
        description="EMAIL (to the customer's email, with the PDF attached) or MAIL (to the billing address).",
    )
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Send an existing document again, as it was generated.")
class ResendLetterInput:
    document_id: strawberry.ID = strawberry.field(description="The document to send again.")
    reason: str = strawberry.field(description="Why it is sent again (required; at most 500 characters).")
    channel: NotificationChannel | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="EMAIL or MAIL; default: the channel of the document's first send."
    )
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)
