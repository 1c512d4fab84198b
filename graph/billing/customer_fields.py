"""Billing's fields on Customer: its invoices, payments, adjustments, special charges, AR ledger and balances."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

import strawberry

from db import models
from db.base import utcnow
from graph.billing import loaders
from graph.billing.payment_types import Adjustment, Payment, SpecialCharge
from graph.billing.types import AgingBuckets, ArHistoryEntry, Invoice, Money
from graph.core.columns import Children, Derived, declare
from graph.core.eager import selected_names
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    page_request,
    to_connection,
)
from graph.customers.arguments import Rollup
from resolvers.billing.ar_history import HistoryRow, Window
from resolvers.billing.batches import Standing, standing_query, standings_from
from resolvers.billing.lists import Prefetch
from resolvers.context import RequestScope
from resolvers.pagination import PageRequest
from resolvers.rules.aging import AgingBuckets as AgingRow
from resolvers.rules.aging import combine
from resolvers.together import Query, SplitBatch, ValuesOf

ID_CURSOR = CursorShape("billing-id", (int,))
HISTORY_CURSOR = CursorShape("ar-history", (date, int))
Start = Annotated[date | None, strawberry.argument(description="First day shown.")]
End = Annotated[date | None, strawberry.argument(description="Last day shown.")]
AsOf = Annotated[date | None, strawberry.argument(description="Count ages to this day; default today.")]


@SplitBatch
def standing_today(scope: RequestScope, ids: Sequence[int]) -> tuple[list[Query], ValuesOf]:
    """The customers' standings as the resolvers read them (as of today): a compiled plan's batch (columns.Derived),
    its statement and the standings of its rows."""
    ids, today = list(ids), utcnow().date()
    return [standing_query(scope, ids)], lambda results: standings_from(scope, results[0], ids, today)


def balance_of(*standings: Standing) -> Money:
    """The balance of one customer's standing, or of a hierarchy's."""
    return Money.of(sum(s.balance_cents for s in standings))


def past_due_of(buckets: AgingRow) -> Money:
    return Money.of(buckets.past_due)


@strawberry.type
class CustomerBillingFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="Invoices, newest first.",
                      metadata=declare(Children(loaders.invoices_of_customer, ID_CURSOR)))
    async def invoices(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Invoice]:
        argument = _with_children(info, page_request(first, after, last, before, ID_CURSOR), "lines", "allocations")
        return await _billing_list(info, self.row.id, loaders.invoice_pages_by_customer_id, argument,
                                   loaders.invoice_counts_by_customer_id, Invoice.from_loaded)

    @strawberry.field(description="Payments received, newest first.",
                      metadata=declare(Children(loaders.payments_of_customer, ID_CURSOR)))
    async def payments(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Payment]:
        argument = _with_children(info, page_request(first, after, last, before, ID_CURSOR), "allocations")
        return await _billing_list(info, self.row.id, loaders.payment_pages_by_customer_id, argument,
                                   loaders.payment_counts_by_customer_id, Payment.from_loaded)

    @strawberry.field(description="Adjustments, newest first.")
    async def adjustments(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                          before: Before = None) -> Connection[Adjustment]:
        return await _billing_list(info, self.row.id, loaders.adjustment_pages_by_customer_id,
                                   page_request(first, after, last, before, ID_CURSOR),
                                   loaders.adjustment_counts_by_customer_id, Adjustment.from_row)

    @strawberry.field(description="Special charges (pending, billed and removed), newest first.")
    async def special_charges(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                              before: Before = None) -> Connection[SpecialCharge]:
        return await _billing_list(info, self.row.id, loaders.special_charge_pages_by_customer_id,
                                   page_request(first, after, last, before, ID_CURSOR),
                                   loaders.special_charge_counts_by_customer_id, SpecialCharge.from_row)

    @strawberry.field(description="The AR ledger in order (effective date, then entry) with the running balance.",
                      metadata=declare(Children(loaders.history_of_customer, HISTORY_CURSOR)))
    async def ar_history(
        self, info: strawberry.Info, start: Start = None, end: End = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ArHistoryEntry]:
        request, window = page_request(first, after, last, before, HISTORY_CURSOR), Window(start, end)
        pages = info.context.loaders.grouped(loaders.history_pages_by_customer_id)
        page = await pages.load((self.row.id, (request, window)))
        count = info.context.loaders.grouped(loaders.history_counts_by_customer_id)
        return to_connection(page, HISTORY_CURSOR, history_entry, lambda: count.load((self.row.id, window)))

    @strawberry.field(description="What the customer owes (negative: credit): the sum of its AR ledger.",
                      metadata=declare(Derived(standing_today, balance_of)))
    async def balance(self, info: strawberry.Info, include_children: Rollup = False) -> Money:
        # Through the aging loader, whose rows carry the balance: with pastDue or aging, one statement for all.
        rows = await _aging_rows(info, self.row, include_children, utcnow().date())
        return balance_of(*rows)

    @strawberry.field(description="Open invoice amounts past their due date.",
                      metadata=declare(Derived(standing_today, past_due_of)))
    async def past_due(self, info: strawberry.Info, include_children: Rollup = False) -> Money:
        rows = await _aging_rows(info, self.row, include_children, utcnow().date())
        return past_due_of(combine(rows))

    @strawberry.field(description="Open invoice amounts by days past due: current, 1-30, 31-60, 61-90, over 90.")
    async def aging(self, info: strawberry.Info, include_children: Rollup = False, as_of: AsOf = None) -> AgingBuckets:
        day = as_of or utcnow().date()
        return AgingBuckets.of(combine(await _aging_rows(info, self.row, include_children, day)), day)


def _with_children(info: strawberry.Info, request: PageRequest, *children: str) -> tuple[PageRequest, Prefetch]:
    """The page request, with the children the query selects on the nodes: the page loads them along."""
    selected = selected_names(info, "edges", "node")
    return request, Prefetch(**{child: child in selected for child in children})


async def _billing_list(info: strawberry.Info, customer_id: int, pages: Any, argument: Any, counts: Any,
                        convert: Callable[[Any], Any]) -> Connection[Any]:
    page = await info.context.loaders.grouped(pages).load((customer_id, argument))
    return to_connection(page, ID_CURSOR, convert, lambda: info.context.loaders.of(counts).load(customer_id))


def history_entry(row: HistoryRow) -> ArHistoryEntry:
    return ArHistoryEntry.from_row(row.entry)


async def _aging_rows(info: strawberry.Info, customer: models.Customer, include_children: bool, day: date) -> Any:
    ids = [customer.id]
    if include_children:
        ids += await info.context.loaders.of(loaders.child_ids_by_master_id).load(customer.id)
    return await info.context.loaders.grouped(loaders.aging_by_customer_id).load_many([(i, day) for i in ids])
