"""Mutations of letters: input to plain Python, through the one wrapper."""

from typing import Annotated, Any

import strawberry

from db.enums import NotificationChannel as DbChannel
from graph.commlog.letters.inputs import ResendLetterInput, SendLetterInput
from graph.commlog.letters.payloads import ResendLetterPayload, SendLetterPayload
from graph.commlog.letters.types import Document, Notification
from graph.commlog.types import CommLogEntry
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from resolvers.commlog.letters import commands as letters
from resolvers.context import RequestScope


def letter_request(input: SendLetterInput) -> letters.LetterRequest:
    """The input as plain Python; IDs decoded (a wrong type or another client's is not found)."""
    account, template = input.utility_account_id, input.template_id
    return letters.LetterRequest(
        customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
        channel=DbChannel(input.channel.value),
        template_id=decode_id(template, "LetterTemplate", "template_id") if template else None,
        template_code=input.template_code,
        utility_account_id=decode_id(account, "UtilityAccount", "utility_account_id") if account else None,
    )


def delivered(delivery: letters.Delivery) -> dict[str, Any]:
    return {"document": Document.from_row(delivery.document), "entry": CommLogEntry.from_row(delivery.entry),
            "notification": Notification.from_row(delivery.notification)}


@strawberry.type
class LetterMutations:
    @strawberry.mutation(description=(
        "Render a letter template for a customer into a PDF document and send it: EMAIL queues it for the outbox "
        "(the PDF attached); MAIL records it as sent to the billing address (printing happens outside this system). "
        "Logs a LETTER entry (\"Email queued: <title>\" or \"Sent by mail: <title>\") pointing at the notification, "
        "whose status tells how delivery went. Any role (AGENT and up)."
    ))
    async def send_letter(self, info: strawberry.Info, input: Annotated[SendLetterInput, INPUT]) -> SendLetterPayload:
        async def prepare(scope: RequestScope) -> letters.PreparedLetter:
            return await letters.prepare_letter(scope, letter_request(input))

        async def action(scope: RequestScope, letter: letters.PreparedLetter) -> dict[str, Any]:
            return delivered(await letters.send_letter(scope, letter))

        return await run_mutation(info, SendLetterPayload, action, input, prepare=prepare)

    @strawberry.mutation(description=(
        "Send an existing document again, unchanged, as a new notification with the reason; logs "
        "\"Email queued again: <title> (<reason>)\" or \"Resent by mail: <title> (<reason>)\". Goes to the "
        "customer's current email or billing address."
    ))
    async def resend_letter(
        self, info: strawberry.Info, input: Annotated[ResendLetterInput, INPUT]
    ) -> ResendLetterPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            document_id = decode_id(input.document_id, "Document", "document_id")
            channel = DbChannel(input.channel.value) if input.channel else None
            return delivered(await letters.resend_letter(scope, document_id, input.reason, channel))

        return await run_mutation(info, ResendLetterPayload, action, input)
