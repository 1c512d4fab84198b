"""Customer settings (seed 000): autopay, paperless billing and the dunning hold.

Every change is audited from-to on the Customer and noted as a SYSTEM entry in its
communication log, in the caller's transaction. A request that changes nothing writes nothing.
"""

from datetime import date
from typing import Any

from sqlalchemy import select

from db.base import utcnow
from db.enums import CommLogKind
from db.models import Customer
from resolvers import audit
from resolvers.commlog.entries import append_entry
from resolvers.context import RequestScope
from resolvers.customers.settings.errors import CODE_OF_PROBLEM, SettingsErrorCode
from resolvers.errors import UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.dunning import (
    Finding,
    Hold,
    current_hold,
    hold_findings,
    placed_note,
    reason_findings,
    released_note,
    trimmed_reason,
)
from resolvers.scope import tenant_scoped

SETTINGS = {"autopay": "Autopay", "paperless": "Paperless billing"}  # in the order the log names them
LOG_CATEGORY = "Account"
CUSTOMER_FIELD = "customer_id"


def today() -> date:
    """The UTC day holds are judged on: the one clock every reader and writer of holds asks."""
    return utcnow().date()


def hold_of(customer: Customer, day: date) -> Hold | None:
    """The customer's hold in force on `day`; an expired one is no hold."""
    return current_hold(customer.dunning_hold_until, customer.dunning_hold_reason, day)


def hold_values(hold: Hold | None) -> dict[str, Any]:
    """A hold as the audit trail records it (ISO dates: the changes are JSON)."""
    return {
        "dunning_hold_until": hold.until.isoformat() if hold else None,
        "dunning_hold_reason": hold.reason if hold else None,
    }


def raise_first(findings: list[Finding]) -> None:
    """The first finding, as the userError the client sees."""
    if findings:
        first = findings[0]
        raise UserInputError(CODE_OF_PROBLEM[first.problem], first.message, first.field)


def checked_hold(until: date, reason: str | None, day: date) -> Hold:
    """The hold asked for, trimmed and validated against `day`."""
    raise_first(hold_findings(until, reason, day))
    return Hold(until, trimmed_reason(reason))


async def locked_customer(scope: RequestScope, customer_id: int) -> Customer:
    """The client's customer, locked for this transaction on PostgreSQL so from-to stays true under concurrency."""
    stmt = tenant_scoped(select(Customer).where(Customer.id == customer_id), Customer, scope).with_for_update()
    return get_or_not_found((await scope.db.execute(stmt)).scalar_one_or_none(), "Customer", CUSTOMER_FIELD)


async def update_settings(scope: RequestScope, customer_id: int, changes: dict[str, bool]) -> Customer:
    """Turn autopay or paperless billing on or off; a setting not in `changes` stays as it is."""
    ensure_allowed(scope, Action.UPDATE_SETTINGS)
    customer = await locked_customer(scope, customer_id)
    if changes.get("paperless") and not customer.email:
        message = "Add an email address to the customer before turning paperless billing on."
        raise UserInputError(SettingsErrorCode.PAPERLESS_NEEDS_EMAIL, message, "paperless")
    wanted = {name: changes[name] for name in SETTINGS if name in changes}
    changed = audit.diff({name: getattr(customer, name) for name in wanted}, wanted)
    if not changed:
        return customer
    for name, change in changed.items():
        setattr(customer, name, change["to"])
    await audit.record(scope, "customer.update_settings", "Customer", customer.id, changed)
    turned = [f"{SETTINGS[name]} turned {_on_off(change['to'])}" for name, change in changed.items()]
    lines = [f"{SETTINGS[name]}: {_on_off(c['from'])} -> {_on_off(c['to'])}." for name, c in changed.items()]
    await append_entry(scope, customer_id=customer.id, kind=CommLogKind.SYSTEM, category=LOG_CATEGORY,
                       subject=", ".join(turned), body="\n".join(lines))
    return customer


def _on_off(value: bool) -> str:
    return "on" if value else "off"


async def place_dunning_hold(scope: RequestScope, customer_id: int, until: date, reason: str) -> Customer:
    """Hold the customer out of dunning through `until`; a hold in force is replaced (from-to)."""
    ensure_allowed(scope, Action.SET_DUNNING_HOLD)
    day = today()
    new = checked_hold(until, reason, day)
    customer = await locked_customer(scope, customer_id)
    held = hold_of(customer, day)
    changed = audit.diff(hold_values(held), hold_values(new))
    if not changed:
        return customer  # the same hold again: nothing to record
    customer.dunning_hold_until, customer.dunning_hold_reason = new.until, new.reason
    await audit.record(scope, "customer.place_dunning_hold", "Customer", customer.id, changed)
    subject, body = placed_note(held, new)
    await append_entry(scope, customer_id=customer.id, kind=CommLogKind.SYSTEM, category=LOG_CATEGORY,
                       subject=subject, body=body)
    return customer


async def release_dunning_hold(scope: RequestScope, customer_id: int, reason: str) -> tuple[Customer, Hold]:
    """End the hold in force before its day; returns the customer and the hold released."""
    ensure_allowed(scope, Action.SET_DUNNING_HOLD)
    raise_first(reason_findings(reason))
    customer = await locked_customer(scope, customer_id)
    held = hold_of(customer, today())
    if held is None:
        message = f"Customer {customer.number} has no dunning hold in force."
        raise UserInputError(SettingsErrorCode.NO_DUNNING_HOLD, message, CUSTOMER_FIELD)
    customer.dunning_hold_until = customer.dunning_hold_reason = None
    why = trimmed_reason(reason)
    changes = {**audit.diff(hold_values(held), hold_values(None)), "release_reason": {"from": None, "to": why}}
    await audit.record(scope, "customer.release_dunning_hold", "Customer", customer.id, changes)
    subject, body = released_note(held, why)
    await append_entry(scope, customer_id=customer.id, kind=CommLogKind.SYSTEM, category=LOG_CATEGORY,
                       subject=subject, body=body)
    return customer, held
