"""The Customer's billing fields, as functions `graph/customers/types.py` delegates to."""

from datetime import date
from typing import Any

import strawberry

from db.base import utcnow
from graph.billing import loaders
from graph.billing.enums import LedgerKind
from graph.billing.payment_types import Adjustment, Payment, SpecialCharge
from graph.billing.selection import node_field_names
from graph.billing.types import AgingBuckets, ArHistoryEntry, Invoice, Money
from graph.core.relay import (
    Connection,
    CursorShape,
    page_request,
    to_connection,
    to_global_id,
)
from resolvers.billing.ar_history import HistoryRow, Window
from resolvers.billing.lists import Prefetch
from resolvers.rules.aging import combine

ID_CURSOR = CursorShape("billing-id", (int,))
HISTORY_CURSOR = CursorShape("ar-history", (date, int))
LISTS = {
    "invoices": (loaders.invoice_pages_by_customer_id, loaders.invoice_counts_by_customer_id, Invoice.from_loaded),
    "payments": (loaders.payment_pages_by_customer_id, loaders.payment_counts_by_customer_id, Payment.from_loaded),
    "adjustments": (loaders.adjustment_pages_by_customer_id, loaders.adjustment_counts_by_customer_id, Adjustment.from_row),
    "special_charges": (loaders.special_charge_pages_by_customer_id, loaders.special_charge_counts_by_customer_id, SpecialCharge.from_row),
}
# Children a list's page loads along (in its own batch) when the query selects them on the nodes.
PREFETCHABLE = {"invoices": ("lines", "allocations"), "payments": ("allocations",)}


async def billing_list(info: strawberry.Info, name: str, customer_id: int, *paging: Any) -> Connection[Any]:
    pages, counts, convert = LISTS[name]
    request = page_request(*paging, ID_CURSOR)
    argument: Any = request
    if name in PREFETCHABLE:
        selected = node_field_names(info)
        argument = (request, Prefetch(**{child: child in selected for child in PREFETCHABLE[name]}))
    page = await info.context.loaders.grouped(pages).load((customer_id, argument))
    return to_connection(page, ID_CURSOR, convert, lambda: info.context.loaders.of(counts).load(customer_id))


async def ar_history(info: strawberry.Info, customer_id: int, start: date | None, end: date | None,
                     *paging: Any) -> Connection[ArHistoryEntry]:
    request, window = page_request(*paging, HISTORY_CURSOR), Window(start, end)
    page = await info.context.loaders.grouped(loaders.history_pages_by_customer_id).load((customer_id, (request, window)))
    count = info.context.loaders.grouped(loaders.history_counts_by_customer_id)
    return to_connection(page, HISTORY_CURSOR, history_entry, lambda: count.load((customer_id, window)))


def history_entry(row: HistoryRow) -> ArHistoryEntry:
    e = row.entry
    return ArHistoryEntry(kind=LedgerKind(e.kind.value), description=e.description, effective_on=e.effective_on,
                          amount=Money.of(e.amount_cents), balance=Money.of(row.balance_cents),
                          invoice_id=to_global_id("Invoice", e.invoice_id) if e.invoice_id else None,
                          payment_id=to_global_id("Payment", e.payment_id) if e.payment_id else None)


async def _ids(info: strawberry.Info, customer: Any, include_children: bool) -> list[int]:
    if not include_children:
        return [customer.id]
    return [customer.id, *await info.context.loaders.of(loaders.child_ids_by_master_id).load(customer.id)]


async def balance(info: strawberry.Info, customer: Any, include_children: bool) -> Money:
    # Through the aging loader, whose rows carry the balance: with pastDue or aging, one statement for all.
    day = utcnow().date()
    ids = await _ids(info, customer, include_children)
    rows = await info.context.loaders.grouped(loaders.aging_by_customer_id).load_many([(i, day) for i in ids])
    return Money.of(sum(r.balance_cents for r in rows))


async def aging(info: strawberry.Info, customer: Any, include_children: bool, as_of: date | None) -> AgingBuckets:
    day = as_of or utcnow().date()
    ids = await _ids(info, customer, include_children)
    rows = await info.context.loaders.grouped(loaders.aging_by_customer_id).load_many([(i, day) for i in ids])
    return AgingBuckets.of(combine(rows), day)


async def past_due(info: strawberry.Info, customer: Any, include_children: bool) -> Money:
    day = utcnow().date()
    ids = await _ids(info, customer, include_children)
    rows = await info.context.loaders.grouped(loaders.aging_by_customer_id).load_many([(i, day) for i in ids])
    return Money.of(combine(rows).past_due)
