"""Edit a utility account's premise: validated, audited from-to, logged, and searchable at once."""

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from db.enums import CommLogKind
from db.models import UtilityAccount
from resolvers import audit
from resolvers.accounts.errors import AccountErrorCode
from resolvers.commlog.entries import append_entry
from resolvers.context import RequestScope
from resolvers.customers.queries import get_customer
from resolvers.customers.search.index import reindex_address
from resolvers.errors import FieldPath, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped

ADDRESS_FIELDS = ("service_line1", "service_line2", "service_city", "service_state", "service_zip")
METER_FIELDS = ("meter_number", "meter_type", "read_cycle", "rate_class", "load_profile", "premise_type")
EDITABLE = ADDRESS_FIELDS + METER_FIELDS
REQUIRED = {"service_line1", "service_city", "service_state", "service_zip"}
# Column widths of utility_accounts.
MAX_LENGTHS = {"service_line1": 200, "service_line2": 200, "service_city": 100, "meter_number": 40,
               "meter_type": 40, "read_cycle": 10, "rate_class": 40, "load_profile": 40, "premise_type": 40}
# Where each field is in the input (service_address.zip is nested), for userErrors.
INPUT_FIELDS = {"service_line1": "service_address.line1", "service_line2": "service_address.line2",
             "service_city": "service_address.city", "service_state": "service_address.state",
             "service_zip": "service_address.zip", "meter_number": "meter_number", "meter_type": "meter_type",
             "read_cycle": "read_cycle", "rate_class": "rate_class", "load_profile": "load_profile",
             "premise_type": "premise_type"}
LABELS = {"service_line1": "Service address line 1", "service_line2": "Service address line 2",
          "service_city": "Service city", "service_state": "Service state", "service_zip": "Service ZIP",
          "meter_number": "Meter number", "meter_type": "Meter type", "read_cycle": "Read cycle",
          "rate_class": "Rate class", "load_profile": "Load profile", "premise_type": "Premise type"}
STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP",
    "PR", "VI",
})
ZIP = re.compile(r"\d{5}(-\d{4})?")


def _field(name: str) -> FieldPath:
    return tuple(INPUT_FIELDS[name].split("."))


def clean_premise(changes: Mapping[str, str | None]) -> dict[str, str | None]:
    """Trim, upper-case the state, and validate; blank optional text clears the field."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    cleaned = {name: (value or "").strip() or None for name, value in changes.items()}
    for name, value in cleaned.items():
        if value is None and name in REQUIRED:
            raise UserInputError(
                AccountErrorCode.BLANK_SERVICE_ADDRESS, f"{LABELS[name]} cannot be blank.", _field(name)
            )
        if value is not None and len(value) > MAX_LENGTHS.get(name, len(value)):
            message = f"{LABELS[name]} is longer than {MAX_LENGTHS[name]} characters."
            raise UserInputError(AccountErrorCode.VALUE_TOO_LONG, message, _field(name))
    if state := cleaned.get("service_state"):
        cleaned["service_state"] = _state(state)
    if (zip_code := cleaned.get("service_zip")) and not ZIP.fullmatch(zip_code):
        message = f"{zip_code!r} is not a ZIP code (12345 or 12345-6789)."
        raise UserInputError(AccountErrorCode.INVALID_ZIP, message, _field("service_zip"))
    return cleaned


def _state(value: str) -> str:
    state = value.upper()
    if state not in STATES:
        message = f"{value!r} is not a two-letter US state code."
        raise UserInputError(AccountErrorCode.INVALID_STATE_CODE, message, _field("service_state"))
    return state


async def get_account(scope: RequestScope, account_id: int, *, for_update: bool = False) -> UtilityAccount | None:
    """One of the client's accounts; `for_update` locks its row (PostgreSQL) for a status change."""
    stmt = tenant_scoped(select(UtilityAccount).where(UtilityAccount.id == account_id), UtilityAccount, scope)
    return (await scope.db.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()


async def edit_premise(scope: RequestScope, account_id: int, changes: dict[str, Any]) -> UtilityAccount:
    ensure_allowed(scope, Action.EDIT_PREMISE)
    cleaned = clean_premise(changes)
    account = get_or_not_found(await get_account(scope, account_id, for_update=True), "Utility account",
                               "utility_account_id")
    before = {f: getattr(account, f) for f in cleaned}
    for name, value in cleaned.items():
        setattr(account, name, value)
    changed = audit.diff(before, cleaned)
    if not changed:
        return account
    await scope.db.flush()
    if changed.keys() & set(ADDRESS_FIELDS):
        await reindex_address(scope, get_or_not_found(await get_customer(scope, account.customer_id), "Customer"))
    await audit.record(scope, "utility_account.edit_premise", "UtilityAccount", account.id, changed)
    await append_entry(scope, customer_id=account.customer_id, kind=CommLogKind.SYSTEM, category="Premise",
                       subject=f"Premise information changed ({account.ldc_account_number})",
                       body=change_lines(changed), utility_account_id=account.id)
    await scope.db.flush()
    return account


def change_lines(changed: dict[str, dict[str, Any]]) -> str:
    """One line per changed field: "Meter number: M1 -> M2" ("(none)" for an empty value)."""
    return "\n".join(
        f"{LABELS[name]}: {change['from'] or '(none)'} -> {change['to'] or '(none)'}"
        for name, change in sorted(changed.items(), key=lambda item: EDITABLE.index(item[0]))
    )
