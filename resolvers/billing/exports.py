"""ar-ledger.csv and aging.csv: the client's AR ledger in a date window, and aging per customer (streamed)."""

import contextlib
from datetime import date
from typing import Any

from sqlalchemy import Select, String, cast, func, select

from db.models import Customer, Invoice, LedgerEntry
from resolvers.context import RequestScope
from resolvers.errors import Invalid
from resolvers.exports import Batches, Cells, check_export_allowed, row_batches
from resolvers.rules.aging import AgingBuckets, age
from resolvers.rules.money import format_cents
from resolvers.scope import tenant_scoped
from resolvers.sql_text import code_text, day_text, money_text, utc_text

LEDGER_HEADER = ("entry_id", "effective_on", "customer_number", "kind", "description", "amount", "invoice_number",
                 "created_at")
AGING_HEADER = ("customer_number", "customer_name", "current", "days_1_30", "days_31_60", "days_61_90", "over_90",
                "total")


def ledger_batches(scope: RequestScope, start: date | None, end: date | None) -> Batches:
    """Ledger entries effective from `start` through `end` (both inclusive, either open), by day then entry id."""
    check_export_allowed(scope)
    if start is not None and end is not None and end < start:
        raise Invalid("`to` is before `from`.", ["to"])
    return row_batches(scope, _ledger_statement(scope, start, end))


def _ledger_statement(scope: RequestScope, start: date | None, end: date | None) -> Select[Any]:
    e = LedgerEntry
    stmt = select(cast(e.id, String), day_text(e.effective_on), Customer.number, code_text(e.kind), e.description,
                  money_text(e.amount_cents), Invoice.number, utc_text(e.created_at))
    stmt = stmt.join(Customer, Customer.id == e.customer_id).outerjoin(Invoice, Invoice.id == e.invoice_id)
    if start is not None:
        stmt = stmt.where(e.effective_on >= start)
    if end is not None:
        stmt = stmt.where(e.effective_on <= end)
    return tenant_scoped(stmt, e, scope).order_by(e.effective_on, e.id)  # the (client_id, effective_on, id) index


def aging_batches(scope: RequestScope, as_of: date) -> Batches:
    """Each customer with an open amount, bucketed as `arAging` does: open invoices issued by `as_of`, by days
    past due on `as_of`; in customer order."""
    check_export_allowed(scope)
    return _aging_batches(scope, as_of)


async def _aging_batches(scope: RequestScope, as_of: date) -> Batches:
    # Rows come one per (customer, due date), customers in order; a customer's rows may straddle two batches,
    # so the last customer of a batch waits for the next one.
    current: tuple[int, str, str] | None = None
    items: list[tuple[date, int]] = []
    async with contextlib.aclosing(row_batches(scope, _aging_statement(scope, as_of))) as batches:
        async for batch in batches:
            cells = []
            for customer_id, number, name, due_on, cents in batch:
                if current is not None and current[0] != customer_id:
                    cells.append(_aging_cells(current, age(items, as_of)))
                    items = []
                current = (customer_id, number, name)
                items.append((due_on, int(cents)))
            yield cells
    if current is not None:
        yield [_aging_cells(current, age(items, as_of))]


def _aging_statement(scope: RequestScope, as_of: date) -> Select[Any]:
    # Grouped on the invoice's columns alone, in the order of its (client_id, customer_id, due_on) index, so rows
    # stream without a sort; the customer's number and name are the same in every row of a group (min picks it).
    i = Invoice
    stmt = select(i.customer_id, func.min(Customer.number), func.min(Customer.name), i.due_on, func.sum(i.open_cents))
    stmt = stmt.join(Customer, Customer.id == i.customer_id).where(i.open_cents > 0, i.issued_on <= as_of)
    return tenant_scoped(stmt, i, scope).group_by(i.customer_id, i.due_on).order_by(i.customer_id, i.due_on)


def _aging_cells(customer: tuple[int, str, str], buckets: AgingBuckets) -> Cells:
    _id, number, name = customer
    amounts = (
        buckets.current,
        buckets.days_1_30,
        buckets.days_31_60,
        buckets.days_61_90,
        buckets.over_90,
        buckets.total,
    )
    return (number, name, *map(format_cents, amounts))
