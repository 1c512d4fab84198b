"""Authorized contacts: people the holder allows to request changes. Removal is recorded, never a delete."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from db.base import utcnow
from db.enums import CommLogKind
from db.models import AuthorizedContact
from db.search_keys import name_key
from resolvers import audit
from resolvers.commlog.entries import append_entry
from resolvers.context import RequestScope
from resolvers.customers.contact import normalize_email, normalize_phone
from resolvers.customers.queries import get_customer
from resolvers.errors import Invalid, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.requesters import Contact, names_match, says_holder
from resolvers.scope import tenant_scoped
from resolvers.tickets.batches import contacts_by_customer_ids
from resolvers.tickets.errors import DESCRIPTIONS, TicketErrorCode
from resolvers.tickets.text import required_text

MAX_NAME = 200
MAX_RELATIONSHIP = 100
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class NewContact:
    customer_id: int
    name: str
    relationship: str
    phone: str | None = None
    email: str | None = None


async def add_authorized_contact(scope: RequestScope, new: NewContact) -> AuthorizedContact:
    ensure_allowed(scope, Action.MANAGE_AUTHORIZED_CONTACTS)
    name = required_text(new.name, MAX_NAME, "name", "The contact's name")
    relationship = required_text(new.relationship, MAX_RELATIONSHIP, "relationship", "The relationship")
    if says_holder(relationship):
        raise Invalid("The holder needs no authorization; give the contact's relationship (son, employee...).",
                      "relationship")
    phone = normalize_phone(new.phone, "phone") if new.phone and new.phone.strip() else None
    email = normalize_email(new.email, "email") if new.email and new.email.strip() else None
    customer = get_or_not_found(await get_customer(scope, new.customer_id), "Customer", "customer_id")
    if any(names_match(name, c.name) for c in await active_contacts(scope, customer.id)):
        code = TicketErrorCode.AUTHORIZED_CONTACT_EXISTS
        raise UserInputError(code, DESCRIPTIONS[code], "name")
    contact = AuthorizedContact(client_id=scope.tenant_id, customer_id=customer.id, name=name, name_key=name_key(name),
                                relationship=relationship, phone=phone, email=email, added_by=scope.viewer.user_id)
    scope.db.add(contact)
    await scope.db.flush()
    label = f"{name} ({relationship})"
    await audit.record(scope, "customer.add_authorized_contact", "Customer", customer.id,
                       {"authorized_contact": {"from": None, "to": label}})
    await append_entry(scope, customer_id=customer.id, kind=CommLogKind.SYSTEM,
                       subject=f"Authorized contact added: {label}"[:200],
                       body=_details(contact))
    return contact


async def remove_authorized_contact(scope: RequestScope, contact_id: int, reason: str | None) -> AuthorizedContact:
    ensure_allowed(scope, Action.MANAGE_AUTHORIZED_CONTACTS)
    reason = required_text(reason, MAX_REASON, "reason", "The reason")
    contact = get_or_not_found(await get_contact(scope, contact_id), "Authorized contact",
                               "authorized_contact_id")
    if contact.removed_at is not None:
        code = TicketErrorCode.AUTHORIZED_CONTACT_REMOVED
        raise UserInputError(code, DESCRIPTIONS[code], "authorized_contact_id")
    contact.removed_at, contact.removed_by, contact.removed_reason = utcnow(), scope.viewer.user_id, reason
    label = f"{contact.name} ({contact.relationship})"
    await audit.record(scope, "customer.remove_authorized_contact", "Customer", contact.customer_id,
                       {"authorized_contact": {"from": label, "to": None}, "reason": {"from": None, "to": reason}})
    await append_entry(scope, customer_id=contact.customer_id, kind=CommLogKind.SYSTEM,
                       subject=f"Authorized contact removed: {label}"[:200], body=f"Reason: {reason}")
    await scope.db.flush()
    return contact


def _details(contact: AuthorizedContact) -> str | None:
    parts = [f"Phone: {contact.phone}" if contact.phone else None, f"Email: {contact.email}" if contact.email else None]
    return "; ".join(p for p in parts if p) or None


async def get_contact(scope: RequestScope, contact_id: int) -> AuthorizedContact | None:
    stmt = select(AuthorizedContact).where(AuthorizedContact.id == contact_id)
    return (await scope.db.execute(tenant_scoped(stmt, AuthorizedContact, scope))).scalar_one_or_none()


async def active_contacts(scope: RequestScope, customer_id: int) -> list[AuthorizedContact]:
    return (await contacts_by_customer_ids(scope, [customer_id], False))[0]


def as_rule_contacts(rows: Sequence[AuthorizedContact]) -> list[Contact]:
    return [Contact(id=r.id, name=r.name, relationship=r.relationship) for r in rows]
