"""Billing's DataLoader batch functions, named by what they map from and to."""

from resolvers.billing import ar_history, batches, lists, rates

LinesByInvoiceId = batches.lines_by_invoice_ids
LineById = batches.lines_by_ids
AllocationsByInvoiceId = batches.allocations_by_invoice_ids
AllocationsByPaymentId = batches.allocations_by_payment_ids
InvoiceById = batches.invoices_by_ids
PaymentById = batches.payments_by_ids
AdjustmentById = batches.adjustments_by_ids
SpecialChargeById = batches.special_charges_by_ids
ChildIdsByMasterId = batches.child_ids_by_master_ids
AgingByCustomerId = batches.aging_by_customer_ids  # grouped by as-of day; Standing rows carry the balance too
AdjustmentPagesByCustomerId = lists.adjustment_pages
SpecialChargePagesByCustomerId = lists.special_charge_pages
InvoiceCountByCustomerId = lists.invoice_counts
PaymentCountByCustomerId = lists.payment_counts
AdjustmentCountByCustomerId = lists.adjustment_counts
SpecialChargeCountByCustomerId = lists.special_charge_counts
PricesByRatePlanId = rates.prices_by_plan_ids


async def HistoryPagesByCustomerId(scope, ids, argument):
    request, window = argument
    return await ar_history.history_pages(scope, ids, request, window)


async def HistoryCountByCustomerId(scope, ids, window):
    return await ar_history.history_counts(scope, ids, window)


async def InvoicePagesByCustomerId(scope, ids, argument):
    request, prefetch = argument  # grouped by (page request, children to prefetch)
    return await lists.invoice_pages(scope, ids, request, prefetch)


async def PaymentPagesByCustomerId(scope, ids, argument):
    request, prefetch = argument  # grouped by (page request, children to prefetch)
    return await lists.payment_pages(scope, ids, request, prefetch)
