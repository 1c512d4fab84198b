"""updateContactInfo (seed 004): a holder's or authorized contact's request to change email, phone or billing
address, carried out in one transaction with everything the procedure asks for:

1. the customer changed, audited from-to (search keys follow a billing-address change);
2. a ticket in the account-servicing queue, so the system of record is updated too;
3. an email telling the customer the request is being worked on (and, when the email itself changes,
   a security notice to the old address: the real holder must hear of a takeover);
4. a NOTE in the notes-policy shape (seed 003): who asked, their relationship, why, and the changes from-to.

Anyone else asking is refused and nothing is written.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from db.enums import (
    CommLogKind,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
)
from db.models import CommLogEntry, Customer, Disposition, Notification, Ticket, User
from resolvers import audit
from resolvers.accounts.batches import primary_accounts
from resolvers.admin.commands import viewer_user
from resolvers.commlog.entries import NewNote, add_note
from resolvers.context import RequestScope
from resolvers.customers.commands import ADDRESS_FIELDS, clean_changes, snapshot
from resolvers.customers.queries import get_customer
from resolvers.customers.search.index import billing_address, reindex_address
from resolvers.errors import Invalid, UserInputError, ensure_text, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.note_policy import Finding
from resolvers.rules.requesters import Verdict, identify
from resolvers.scope import tenant_scoped
from resolvers.tickets import messages
from resolvers.tickets.contacts import (
    MAX_NAME,
    MAX_REASON,
    MAX_RELATIONSHIP,
    active_contacts,
    as_rule_contacts,
    required_text,
)
from resolvers.tickets.errors import TicketErrorCode
from resolvers.tickets.numbers import ticket_number
from resolvers.tickets.tickets import Opening, open_ticket, queue_email

ZIP = re.compile(r"^\d{5}(-\d{4})?$")
STATE = re.compile(r"^[A-Z]{2}$")
NOTE_SUBJECT = "Contact information update"
# The disposition a contact change is filed under, if the client's list has one.
DISPOSITION_CODE = "CONTACT"


@dataclass(frozen=True, slots=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@dataclass(frozen=True, slots=True)
class ContactChangeRequest:
    customer_id: int
    requester_name: str | None
    relationship: str | None = None
    email: str | None = None
    phone: str | None = None
    billing_address: Address | None = None
    reason: str | None = None
    support_channel: SupportChannel = SupportChannel.PHONE


@dataclass(frozen=True, slots=True)
class ContactChange:
    customer: Customer
    ticket: Ticket
    entry: CommLogEntry
    findings: list[Finding]
    notification: Notification | None
    security_notice: Notification | None


async def update_contact_info(scope: RequestScope, request: ContactChangeRequest) -> ContactChange:
    ensure_allowed(scope, Action.UPDATE_CONTACT_INFO)
    wanted = _wanted_fields(request)
    name = required_text(request.requester_name, MAX_NAME, ("requested_by", "name"), "The requester's name")
    relationship = " ".join((request.relationship or "").split()) or None
    ensure_text(relationship, ("requested_by", "relationship"), MAX_RELATIONSHIP)
    reason = _reason(request.reason)
    customer = get_or_not_found(await get_customer(scope, request.customer_id), "Customer", "customer_id")
    verdict = identify(customer.name, as_rule_contacts(await active_contacts(scope, customer.id)), name, relationship)
    if not verdict.authorized:
        raise UserInputError(TicketErrorCode.REQUESTER_NOT_AUTHORIZED, verdict.why_not or "Not authorized.",
                             ("requested_by", "name"))
    old_email, old_address = customer.email, messages.one_line(billing_address(customer))
    changed = await _apply(scope, customer, wanted)
    requester = messages.requester_text(name, verdict.relationship, verdict.is_account_holder)
    await audit.record(scope, "customer.update_contact_info", "Customer", customer.id,
                       {**changed, "requested_by": {"from": None, "to": requester}})
    changes = _readable(changed, old_address, customer)
    agent = await viewer_user(scope)
    ticket = await _open_ticket(scope, customer, request.support_channel, requester, changes, verdict, name, agent)
    replaced_email = old_email if "email" in changed else None
    note = NewNote(
        customer_id=customer.id, kind=CommLogKind.NOTE, disposition=await _disposition(scope), subject=NOTE_SUBJECT,
        contact_name=name, relationship=verdict.relationship, is_account_holder=verdict.is_account_holder,
        reason=reason, resolution=messages.note_resolution(changes, ticket_number(ticket.id), customer.email,
                                                           replaced_email),
    )
    entry, findings = await add_note(scope, note)
    notification, security = await _tell_customer(scope, customer, replaced_email, agent, entry)
    return ContactChange(customer, ticket, entry, findings, notification, security)


async def _tell_customer(scope: RequestScope, customer: Customer, replaced_email: str | None, agent: User,
                         note: CommLogEntry) -> tuple[Notification | None, Notification | None]:
    """ "We're working on your request" to the email on file (now the new one), and a security notice to the
    email it replaced, if any; both recorded by the note."""
    working = security = None
    if customer.email:
        working = await queue_email(scope, customer, customer.email, messages.WORKING_SUBJECT,
                                    messages.working_email(customer.name, agent.name), note)
    if replaced_email:
        notice = messages.security_email(customer.name, replaced_email, customer.email or "", agent.name)
        security = await queue_email(scope, customer, replaced_email, messages.SECURITY_SUBJECT, notice, note)
    return working, security


def _wanted_fields(request: ContactChangeRequest) -> dict[str, str | None]:
    """The customer fields asked for, validated and normalized; at least one must be given."""
    wanted: dict[str, str | None] = {}
    for field in ("email", "phone"):
        value = getattr(request, field)
        if value is not None:
            if not value.strip():
                raise Invalid(f"The new {field} cannot be blank.", field)
            wanted[field] = value
    if request.billing_address is not None:
        wanted.update(_address_fields(request.billing_address))
    if not wanted:
        raise Invalid("Give a new email, phone or billing address.", ())
    return clean_changes(wanted)


def _address_fields(address: Address) -> dict[str, str | None]:
    """A billing address the post can deliver to: street, city, state and ZIP are required."""
    path = "billing_address"
    keys = ("line1", "line2", "city", "state", "zip")
    parts = {k: " ".join((getattr(address, k) or "").split()) or None for k in keys}

    def required(key: str, label: str) -> str:
        if not (value := parts[key]):
            raise Invalid(f"The billing address needs a {label}.", (path, key))
        return value

    line1, city = required("line1", "street"), required("city", "city")
    state, zip_code = required("state", "state").upper(), required("zip", "ZIP code")
    line2 = parts["line2"]
    if not STATE.match(state):
        raise Invalid("The state is a two-letter code, e.g. TX.", (path, "state"))
    if not ZIP.match(zip_code):
        raise Invalid("The ZIP code is 5 digits, or ZIP+4 (75201-1234).", (path, "zip"))
    for key, value, limit in (("line1", line1, 200), ("line2", line2 or "", 200), ("city", city, 100)):
        if len(value) > limit:
            raise Invalid(f"At most {limit} characters.", (path, key))
    return {"billing_line1": line1, "billing_line2": line2, "billing_city": city, "billing_state": state,
            "billing_zip": zip_code}


def _reason(reason: str | None) -> str:
    cleaned = " ".join((reason or "").split())
    if len(cleaned) > MAX_REASON:
        raise Invalid(f"The reason is at most {MAX_REASON} characters.", "reason")
    return cleaned or messages.DEFAULT_REASON


async def _apply(scope: RequestScope, customer: Customer, wanted: dict[str, str | None]) -> dict[str, dict]:
    """Set the fields; the from-to of those that really changed. Asking for what is on file changes nothing."""
    before = snapshot(customer, list(wanted))
    changed = audit.diff(before, wanted)
    if not changed:
        raise Invalid("That is already the customer's contact information; nothing to change.", ())
    for field in changed:
        setattr(customer, field, wanted[field])
    if ADDRESS_FIELDS & changed.keys():
        await reindex_address(scope, customer)
    await scope.db.flush()
    return changed


def _readable(changed: dict[str, dict], old_address: str | None, customer: Customer) -> dict[str, dict]:
    """The changes as the customer and account servicing read them: the address as one line."""
    changes: dict[str, dict] = {f: changed[f] for f in ("email", "phone") if f in changed}
    if ADDRESS_FIELDS & changed.keys():
        changes["billing_address"] = {"from": old_address, "to": messages.one_line(billing_address(customer))}
    return changes


async def _open_ticket(scope: RequestScope, customer: Customer, channel: SupportChannel, requester: str,
                       changes: dict[str, dict], verdict: Verdict, name: str, agent: User) -> Ticket:
    primary = (await primary_accounts(scope, [customer.id]))[0]
    service = messages.one_line((primary.service_line1, primary.service_line2, primary.service_city,
                                 primary.service_state, primary.service_zip)) if primary else None
    description = messages.ticket_description(customer_name=customer.name, customer_number=customer.number,
                                              service_address=service, requester=requester, changes=changes,
                                              agent_name=agent.name)
    details = {"changes": changes, "requested_by": {
        "name": name, "relationship": verdict.relationship, "is_account_holder": verdict.is_account_holder,
        "authorized_contact_id": verdict.contact_id}}
    opening = Opening(summary=messages.ticket_summary(customer.name), description=description,
                      request_type=TicketRequestType.ACCOUNT_MANAGEMENT, queue=TicketQueue.ACCOUNT_SERVICING,
                      reporter=customer.email or agent.email, support_channel=channel, kind=TicketKind.CONTACT_CHANGE,
                      details=details)
    return await open_ticket(scope, customer, opening)


async def _disposition(scope: RequestScope) -> str | None:
    """The client's contact-update disposition: the CONTACT code, else one whose label says "contact"."""
    stmt = select(Disposition.code, Disposition.label).where(Disposition.active.is_(True)).order_by(Disposition.id)
    rows = (await scope.db.execute(tenant_scoped(stmt, Disposition, scope))).all()
    by_code = [code for code, _ in rows if code == DISPOSITION_CODE]
    by_label = [code for code, label in rows if "contact" in label.lower()]
    return (by_code or by_label or [None])[0]
