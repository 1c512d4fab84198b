"""The words of contact changes: from-to lines, the ticket's note to account servicing, the note's resolution,
and the emails to the customer (seed 004's templates). Pure text; nothing here touches the database."""

from collections.abc import Mapping
from typing import Any

from resolvers.commlog.letters.commands import SEE_NOTIFICATION

# How each changed field is named in notes, tickets and emails.
LABELS = {"email": "Email", "phone": "Phone number", "billing_address": "Billing address"}
NOTHING = "(none)"
DEFAULT_REASON = "Contact information update requested"
WORKING_SUBJECT = "We're working on your request"
DONE_SUBJECT = "Your contact information update is complete"
SECURITY_SUBJECT = "The email address on your account was changed"


def one_line(parts: tuple[str | None, ...]) -> str | None:
    """An address as "1 Main St, Apt 2, Dallas, TX 75201"; None when it has no parts."""
    line1, line2, city, state, zip_code = parts
    tail = " ".join(p for p in (state, zip_code) if p)
    text = ", ".join(p for p in (line1, line2, city, tail) if p)
    return text or None


def change_lines(changes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """ "Email changed from a@x.example to b@y.example", one per changed field, in a fixed order."""
    return [f"{LABELS[f]} changed from {changes[f]['from'] or NOTHING} to {changes[f]['to'] or NOTHING}"
            for f in LABELS if f in changes]


def requester_text(name: str, relationship: str | None, is_account_holder: bool) -> str:
    return f"{name} (account holder)" if is_account_holder else f"{name} ({relationship}, authorized contact)"


def ticket_summary(customer_name: str) -> str:
    return f"Contact information update - {customer_name}"[:200]


def ticket_description(*, customer_name: str, customer_number: str, service_address: str | None, requester: str,
                       changes: Mapping[str, Mapping[str, Any]], agent_name: str) -> str:
    """Seed 004's note to account servicing: who, where, what changed from-to, and the ask."""
    lines = [
        "Hello,",
        "",
        "Per the account holder's request, we've updated their contact information as follows:",
        f"Account holder: {customer_name} (customer {customer_number})",
        f"Service address: {service_address or NOTHING}",
        f"Requested by: {requester}",
        *(f"- {line}" for line in change_lines(changes)),
        "",
        "Please update your system of record and confirm when complete.",
        agent_name,
    ]
    return "\n".join(lines)


def note_resolution(changes: Mapping[str, Mapping[str, Any]], ticket_number: str, notified: str | None,
                    warned: str | None = None) -> str:
    """The note's resolution (seed 003): every change from-to, the ticket, and the emails queued to the customer.
    Queued, not sent: the note is written before the outbox delivers, and is never edited after."""
    told = (f"Queued an email to {notified} saying the request is being worked on."
            if notified else "No email on file, so the customer was not emailed.")
    if warned:
        told += f" Queued a security notice of the change to the previous email {warned}."
    if notified or warned:
        told += f" {SEE_NOTIFICATION}"
    return (". ".join(change_lines(changes)) + f". Opened ticket {ticket_number} in the Account Servicing queue "
            f"to update the system of record. {told}")


def done_queued(recipient: str) -> str:
    """What a closed contact change's log entry says of the email telling the customer it is done."""
    return f"Queued an email to {recipient} saying the update is complete. {SEE_NOTIFICATION}"


def working_email(customer_name: str, agent_name: str) -> str:
    return (f"Hi {customer_name},\n\nWe're working on your request. We will let you know once it is complete.\n\n"
            f"Regards,\n{agent_name}\n")


def done_email(customer_name: str, changes: Mapping[str, Mapping[str, Any]], agent_name: str) -> str:
    done = "\n".join(f"- {line}" for line in change_lines(changes)) or "- Your contact information was reviewed."
    return (f"Hi {customer_name},\n\nYour contact information update is complete:\n{done}\n\n"
            f"Regards,\n{agent_name}\n")


def security_email(customer_name: str, old: str, new: str, agent_name: str) -> str:
    """To the old address: a takeover would otherwise go unnoticed by the real holder."""
    return (f"Hi {customer_name},\n\nAt a request on your account, its email address was changed from {old} to {new}. "
            "If you did not ask for this change, please call our customer service team right away.\n\n"
            f"Regards,\n{agent_name}\n")
