"""Inputs of letters."""

import strawberry

from db.models import LetterTemplate
from graph.commlog.letters.types import NotificationChannel
from graph.core.text import client_mutation_id_field, text_field
from resolvers.commlog.letters.commands import MAX_REASON_CHARS


@strawberry.input(description="A letter to render from a template and send. Choose the template by id or by code.")
class SendLetterInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer to write to.")
    template_id: strawberry.ID | None = strawberry.field(
        default=None, description="The template (see `letterTemplates`)."
    )
    template_code: str | None = text_field(
        "Or the template's code, e.g. WELCOME_KIT.", LetterTemplate.code, default=None
    )
    utility_account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=("The customer's utility account whose data the letter shows; default: the customer's primary "
                     "account."),
    )
    channel: NotificationChannel = strawberry.field(
        default=NotificationChannel.EMAIL,
        description="EMAIL (to the customer's email, with the PDF attached) or MAIL (to the billing address).",
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Send an existing document again, as it was generated.")
class ResendLetterInput:
    document_id: strawberry.ID = strawberry.field(description="The document to send again.")
    reason: str = text_field("Why it is sent again; required.", MAX_REASON_CHARS)
    channel: NotificationChannel | None = strawberry.field(
        default=None, description="EMAIL or MAIL; default: the channel of the document's first send."
    )
    client_mutation_id: str | None = client_mutation_id_field()
