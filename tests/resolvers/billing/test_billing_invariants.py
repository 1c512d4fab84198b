"""The invariant check itself: it reports two invoices, neither REVERSED, that bill a day of one account."""

from datetime import date

from db.enums import InvoiceStatus
from tests.billing_invariants import check_invariants
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer


async def _invoice(session, customer, account, start: str, end: str, status=InvoiceStatus.OPEN):
    invoice = await make_invoice(session, customer, 1_000)
    invoice.utility_account_id, invoice.status = account.id, status
    invoice.period_start, invoice.period_end = date.fromisoformat(start), date.fromisoformat(end)
    return invoice


async def _double_billing(session, tenant) -> list[str]:
    await session.flush()
    return [p for p in await check_invariants(session, tenant.client.id) if "bill the same usage days" in p]


async def test_overlapping_invoices_of_one_account_are_reported_and_reversed_ones_are_not(session, tenant):
    # given October invoiced on two accounts, and the first account's October invoiced again as a REVERSED invoice
    customer = await make_customer(session, tenant)
    first, second = await make_account(session, customer), await make_account(session, customer)
    october = await _invoice(session, customer, first, "2025-10-01", "2025-10-31")
    await _invoice(session, customer, second, "2025-10-01", "2025-10-31")
    await _invoice(session, customer, first, "2025-10-01", "2025-10-31", InvoiceStatus.REVERSED)
    adjacent = await _invoice(session, customer, first, "2025-11-01", "2025-11-30")
    assert await _double_billing(session, tenant) == []
    # when a third invoice of the first account shares one day with October
    late = await _invoice(session, customer, first, "2025-10-31", "2025-11-29")
    # then the check names both pairs, and forgets them once that invoice is reversed
    assert sorted(await _double_billing(session, tenant)) == sorted(
        [
            (f"invoices {october.number} (2025-10-01..2025-10-31) and {late.number} (2025-10-31..2025-11-29) bill "
             f"the same usage days"),
            (f"invoices {adjacent.number} (2025-11-01..2025-11-30) and {late.number} (2025-10-31..2025-11-29) bill "
             f"the same usage days"),
        ]
    )
    late.status = InvoiceStatus.REVERSED
    assert await _double_billing(session, tenant) == []
    await session.rollback()
