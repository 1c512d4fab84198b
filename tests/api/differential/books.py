"""Generated customer books: the shapes hypothesis draws, and the rows each shape stands for.

A shape covers what the views page and null over: no accounts or many (past a page), every nullable column
null or not, children past the children page, a master above, invoices and notes past their first pages.
"""

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from db.enums import CommLogKind, CustomerKind, EnrollmentStatus
from graph.core.relay import to_global_id
from tests.api.persisted.helpers import SPA
from tests.factories.accounts import make_account, make_rate_plan, make_transaction
from tests.factories.billing import make_invoice
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket

_book = itertools.count(1)


def examples(count: int) -> settings:
    """A few books a test (each is dozens of rows and requests); no shrinking: a failing shape is printed as drawn,
    and shrinking one through the app took minutes."""
    return settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NO_BILLING = (None, None, None, None, None)


@dataclass(frozen=True)
class AccountShape:
    nulls: bool
    status: EnrollmentStatus
    history: int
    transactions: int
    planned: bool


@dataclass(frozen=True)
class EntryShape:
    nulls: bool
    kind: CommLogKind
    critical: bool
    memos: int


@dataclass(frozen=True)
class BookShape:
    nulls: bool
    kind: CustomerKind
    master: bool
    children: int
    accounts: tuple[AccountShape, ...]
    invoices: tuple[tuple[int, int], ...]  # (total cents, lines)
    payments: tuple[int, ...]  # cents, posted FIFO through the API
    entries: tuple[EntryShape, ...]
    tickets: int


ACCOUNTS = st.builds(AccountShape, st.booleans(), st.sampled_from(EnrollmentStatus), st.integers(0, 2),
                     st.integers(0, 6), st.booleans())
ENTRIES = st.builds(EntryShape, st.booleans(), st.sampled_from(CommLogKind), st.booleans(), st.integers(0, 2))
SHAPES = st.builds(
    BookShape, st.booleans(), st.sampled_from(CustomerKind), st.booleans(), st.integers(0, 11),
    st.lists(ACCOUNTS, max_size=12).map(tuple),
    st.lists(st.tuples(st.integers(1, 10_000_000), st.integers(1, 3)), max_size=14).map(tuple),
    st.lists(st.integers(1, 5_000_000), max_size=3).map(tuple),
    st.lists(ENTRIES, max_size=27).map(tuple), st.integers(0, 2),
)


async def build(session: Any, api: Any, tenant: Any, shape: BookShape, name: str | None = None) -> dict:
    """The rows of `shape` in the tenant's client (committed); the customer's name, id and its child's id."""
    name = name or f"Differential {next(_book)} Book"
    billing = NO_BILLING if shape.nulls else ("1 Billing Rd", "Suite 5", "Dallas", "TX", "75201")
    master = await make_customer(session, tenant, f"{name} Parent", is_master=True) if shape.master else None
    customer = await make_customer(session, tenant, name, kind=shape.kind, master=master, is_master=shape.children > 0,
                                   email=None if shape.nulls else "book@mail.example", billing=billing)
    if shape.nulls:
        customer.phone = None
    children = [await make_customer(session, tenant, f"{name} Child {n}", master=customer)
                for n in range(shape.children)]
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    for n, account_shape in enumerate(shape.accounts):
        await _account(session, customer, account_shape, plan, n)
    for month, (cents, lines) in enumerate(shape.invoices):
        await make_invoice(session, customer, cents, lines=lines, due_on=date(2024 + month // 12, month % 12 + 1, 1))
    for n, entry in enumerate(shape.entries):
        await _entry(session, customer, tenant, entry, n)
    for _ in range(shape.tickets):
        await make_ticket(session, tenant.client.id, customer=customer)
    await session.commit()
    customer_id = to_global_id("Customer", customer.id)
    for n, cents in enumerate(shape.payments):
        await _pay(api, tenant, customer_id, cents, n)
    return {"name": name, "id": customer_id, "child": to_global_id("Customer", children[0].id) if children else None}


async def _account(session: Any, customer: Any, shape: AccountShape, plan: Any, n: int) -> None:
    account = await make_account(session, customer, status=shape.status, history=shape.history,
                                 plan=plan if shape.planned else None, end=None if shape.nulls else date(2026, 12, 31),
                                 line1=f"{n + 1} Elm St")
    if shape.nulls:
        for column in ("service_line2", "meter_number", "rate_class", "load_profile", "premise_type", "meter_type",
                       "read_cycle", "contract_term_months", "start_date"):
            setattr(account, column, None)
    else:
        account.service_line2, account.premise_type = "Apt 2", "RES"
        account.meter_type, account.read_cycle = "AMI", "07"
    for t in range(shape.transactions):
        await make_transaction(session, account, effective=None if shape.nulls else date(2025, 1, t + 1))


async def _entry(session: Any, customer: Any, tenant: Any, shape: EntryShape, n: int) -> None:
    entry = await make_entry(session, customer, None if shape.nulls else tenant.agent, kind=shape.kind,
                             subject=f"Entry {n}", critical=shape.critical, memos=shape.memos)
    if shape.nulls:
        entry.subject = entry.body = None
    else:
        entry.category, entry.disposition, entry.contact_name, entry.follow_up_due = "Billing", "RESOLVED", "Kim", \
            date(2025, 5, 1)


async def _pay(api: Any, tenant: Any, customer_id: str, cents: int, n: int) -> None:
    amount = f"{cents // 100}.{cents % 100:02d}"
    variables = {"input": {"customerId": customer_id, "amount": amount, "method": "CHECK",
                           "receivedOn": f"2025-03-{n + 1:02d}"}}
    posted = await api.run(SPA["PostPayment"]["body"], variables, user=tenant.agent)
    assert posted["postPayment"]["userErrors"] == [], posted
