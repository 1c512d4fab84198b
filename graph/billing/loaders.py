"""Billing's batch functions, named by what they map (`invoices_by_id`); the request makes a DataLoader of each."""

from collections.abc import Sequence

from resolvers.billing import ar_history, batches, lists, rates
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest

lines_by_invoice_id = batches.lines_by_invoice_ids
lines_by_id = batches.lines_by_ids
allocations_by_invoice_id = batches.allocations_by_invoice_ids
allocations_by_payment_id = batches.allocations_by_payment_ids
invoices_by_id = batches.invoices_by_ids
payments_by_id = batches.payments_by_ids
adjustments_by_id = batches.adjustments_by_ids
special_charges_by_id = batches.special_charges_by_ids
child_ids_by_master_id = batches.child_ids_by_master_ids
aging_by_customer_id = batches.aging_by_customer_ids  # grouped by as-of day; Standing rows carry the balance too
adjustment_pages_by_customer_id = lists.adjustment_pages
special_charge_pages_by_customer_id = lists.special_charge_pages
invoice_counts_by_customer_id = lists.invoice_counts
payment_counts_by_customer_id = lists.payment_counts
adjustment_counts_by_customer_id = lists.adjustment_counts
special_charge_counts_by_customer_id = lists.special_charge_counts
prices_by_rate_plan_id = rates.prices_by_plan_ids
invoices_of_customer = lists.INVOICES  # the declaration of Customer.invoices (its pages and counts)
payments_of_customer = lists.PAYMENTS  # the declaration of Customer.payments
history_of_customer = ar_history.HISTORY  # the declaration of Customer.arHistory


async def history_pages_by_customer_id(
    scope: RequestScope, ids: Sequence[int], argument: tuple[PageRequest, ar_history.Window]
) -> list[Page[ar_history.HistoryRow]]:
    request, window = argument
    return await ar_history.history_pages(scope, ids, request, window)


async def history_counts_by_customer_id(
    scope: RequestScope, ids: Sequence[int], window: ar_history.Window
) -> list[int]:
    return await ar_history.history_counts(scope, ids, window)


async def invoice_pages_by_customer_id(
    scope: RequestScope, ids: Sequence[int], argument: tuple[PageRequest, lists.Prefetch]
) -> list[Page[lists.WithChildren]]:
    request, prefetch = argument  # grouped by (page request, children to prefetch)
    return await lists.invoice_pages(scope, ids, request, prefetch)


async def payment_pages_by_customer_id(
    scope: RequestScope, ids: Sequence[int], argument: tuple[PageRequest, lists.Prefetch]
) -> list[Page[lists.WithChildren]]:
    request, prefetch = argument  # grouped by (page request, children to prefetch)
    return await lists.payment_pages(scope, ids, request, prefetch)
