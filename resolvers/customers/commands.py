"""Change customers: edit information, create masters, assign children to a master."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.enums import CustomerKind
from db.models import Customer
from resolvers import audit
from resolvers.context import RequestScope
from resolvers.customers.batches import MAX_HIERARCHY_DEPTH, trails_by_customer_ids
from resolvers.customers.contact import normalize_email, normalize_phone
from resolvers.customers.errors import CustomerErrorCode
from resolvers.customers.queries import get_customer
from resolvers.customers.search.index import reindex_address, reindex_name
from resolvers.customers.settings.errors import SettingsErrorCode
from resolvers.errors import NotFound, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.customer_names import NameProblem, name_problem
from resolvers.scope import tenant_scoped

# Fields `update_customer` may change; anything else in `changes` is a programming error.
EDITABLE = (
    "name", "kind", "email", "phone", "language",
    "billing_line1", "billing_line2", "billing_city", "billing_state", "billing_zip",
)
ADDRESS_FIELDS = {"billing_line1", "billing_line2", "billing_city", "billing_state", "billing_zip"}
NUMBER_BASE = 100_000_000  # customer numbers are NUMBER_BASE + id: unique, never reused


@dataclass(frozen=True, slots=True)
class NewMaster:
    name: str
    kind: CustomerKind = CustomerKind.COMMERCIAL
    email: str | None = None
    phone: str | None = None
    billing_line1: str | None = None
    billing_line2: str | None = None
    billing_city: str | None = None
    billing_state: str | None = None
    billing_zip: str | None = None


def clean_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalize edited fields; `None` clears an optional field."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    cleaned = dict(changes)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        _check_name(cleaned["name"])
    if cleaned.get("email"):
        cleaned["email"] = normalize_email(cleaned["email"], "email")
    if cleaned.get("phone"):
        cleaned["phone"] = normalize_phone(cleaned["phone"], "phone")
    if cleaned.get("billing_state"):
        cleaned["billing_state"] = cleaned["billing_state"].strip().upper()
    return cleaned


NAME_ERRORS = {
    NameProblem.BLANK: (CustomerErrorCode.BLANK_NAME, "Name cannot be blank."),
    NameProblem.NO_LETTER: (CustomerErrorCode.NAME_WITHOUT_LETTERS, "A name needs at least one letter."),
}


def _check_name(name: str) -> None:
    problem = name_problem(name)
    if problem is not None:
        code, message = NAME_ERRORS[problem]
        raise UserInputError(code, message, "name")


def snapshot(customer: Customer, fields: Sequence[str]) -> dict[str, Any]:
    return {f: _plain(getattr(customer, f)) for f in fields}


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


async def update_customer(scope: RequestScope, customer_id: int, changes: dict[str, Any]) -> Customer:
    ensure_allowed(scope, Action.UPDATE_CUSTOMER)
    cleaned = clean_changes(changes)
    customer = get_or_not_found(await get_customer(scope, customer_id), "Customer", "id")
    if customer.paperless and "email" in cleaned and not cleaned["email"]:
        # paperless bills go by email: turn paperless off first (updateCustomerSettings)
        message = "A paperless customer needs an email address; turn paperless off before removing it."
        raise UserInputError(SettingsErrorCode.PAPERLESS_NEEDS_EMAIL, message, "email")
    before = snapshot(customer, list(cleaned))
    for field, value in cleaned.items():
        setattr(customer, field, value)
    changed = audit.diff(before, snapshot(customer, list(cleaned)))
    if "name" in changed:
        await reindex_name(scope, customer)
    if ADDRESS_FIELDS & changed.keys():
        await reindex_address(scope, customer)
    if changed:
        await audit.record(scope, "customer.update", "Customer", customer.id, changed)
    await scope.db.flush()
    return customer


async def create_master_customer(scope: RequestScope, new: NewMaster) -> Customer:
    ensure_allowed(scope, Action.CREATE_MASTER_CUSTOMER)
    fields = {f: getattr(new, f) for f in EDITABLE if hasattr(new, f)}
    cleaned = clean_changes(fields)
    customer = Customer(client_id=scope.tenant_id, number="", is_master=True, name_key="", **cleaned)
    scope.db.add(customer)
    await scope.db.flush()
    await assign_number(scope, customer)
    await reindex_name(scope, customer)
    await reindex_address(scope, customer)
    await audit.record(
        scope, "customer.create_master", "Customer", customer.id, snapshot(customer, ["number", *cleaned])
    )
    await scope.db.flush()
    return customer


async def assign_number(scope: RequestScope, customer: Customer) -> None:
    """NUMBER_BASE + id, unless an imported customer already has that number: then the first free
    "<that>.<n>" (imported books keep their own numbers, which may fall in our range)."""
    base = str(NUMBER_BASE + customer.id)
    stmt = tenant_scoped(select(Customer.number), Customer, scope).where(
        Customer.number.startswith(base, autoescape=True)
    )
    taken = set((await scope.db.execute(stmt)).scalars())
    number, n = base, 0
    while number in taken:
        n += 1
        number = f"{base}.{n}"
    customer.number = number


async def assign_customers_to_master(
    scope: RequestScope, master_id: int | None, customer_ids: Sequence[int]
) -> tuple[Customer | None, list[Customer]]:
    """Attach customers under a master, or detach them when `master_id` is None.

    Only the hierarchy link moves: invoices, payments and history stay with each customer.
    """
    ensure_allowed(scope, Action.ASSIGN_CUSTOMERS_TO_MASTER)
    customers = await _load_all(scope, customer_ids)
    master = await _checked_master(scope, master_id, customer_ids) if master_id is not None else None
    for customer in customers:
        if customer.master_id != master_id:
            change = {"master_id": {"from": customer.master_id, "to": master_id}}
            customer.master_id = master_id
            await audit.record(scope, "customer.assign_master", "Customer", customer.id, change)
    await scope.db.flush()
    return master, customers


async def _load_all(scope: RequestScope, ids: Sequence[int]) -> list[Customer]:
    stmt = tenant_scoped(select(Customer).where(Customer.id.in_(ids)), Customer, scope)
    found = {c.id: c for c in (await scope.db.execute(stmt)).scalars()}
    for index, customer_id in enumerate(ids):
        if customer_id not in found:
            raise NotFound("Customer", ("customer_ids", index))
    return [found[i] for i in ids]


async def _checked_master(scope: RequestScope, master_id: int, customer_ids: Sequence[int]) -> Customer:
    master = get_or_not_found(await get_customer(scope, master_id), "Master customer", "master_id")
    if not master.is_master:
        message = f"Customer {master.number} is not a master customer."
        raise UserInputError(CustomerErrorCode.NOT_A_MASTER, message, "master_id")
    trail = (await trails_by_customer_ids(scope, [master_id]))[0]
    trail_ids = {c.id for c in trail}
    for index, customer_id in enumerate(customer_ids):
        if customer_id in trail_ids:
            message = "A customer cannot be placed under itself or under one of its own children."
            raise UserInputError(CustomerErrorCode.HIERARCHY_CYCLE, message, ("customer_ids", index))
    if len(trail) >= MAX_HIERARCHY_DEPTH:
        message = f"Hierarchies are at most {MAX_HIERARCHY_DEPTH} levels deep."
        raise UserInputError(CustomerErrorCode.HIERARCHY_CYCLE, message, "master_id")
    return master

