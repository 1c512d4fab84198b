"""The ledger invariants, checked after every money test and in the stateful test.

For every customer of a client:
- balance (ledger sum) = open invoice amounts - unapplied payment credit + account-level adjustments;
- every invoice's stored open and charges amounts equal what its lines, adjustments and allocations give,
  and 0 <= open <= charges; every payment's net allocations are within 0..amount and its unapplied
  credit = amount - allocations - refunds (0 once returned);
- usage is billed once: no day of a utility account is inside the periods of two invoices that are not
  REVERSED (a reversed invoice bills nothing, so its period may be billed again);
- nothing is deleted: the ledger, lines and allocations only grow (pass `before` from `snapshot`).
"""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.enums import AdjustmentDirection, InvoiceStatus, PaymentStatus
from db.models import (
    Adjustment,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    PaymentAllocation,
    Refund,
)


async def _sum_by(session: AsyncSession, column, value, where) -> dict[int, int]:
    stmt = select(column, func.sum(value)).where(*where).group_by(column)
    return {k: int(v) for k, v in (await session.execute(stmt)).all()}


async def snapshot(session: AsyncSession, client_id: int) -> dict[str, int]:
    counts = {}
    for model in (LedgerEntry, InvoiceLine, PaymentAllocation, Refund, Payment, Invoice):
        stmt = select(func.count()).select_from(model).where(model.client_id == client_id)
        counts[model.__tablename__] = (await session.execute(stmt)).scalar_one()
    return counts


async def check_invariants(session: AsyncSession, client_id: int, before: dict[str, int] | None = None) -> list[str]:
    """Every violated invariant, described; [] when the client's books are sound."""
    problems = await _invoice_problems(session, client_id) + await _payment_problems(session, client_id)
    problems += await _balance_problems(session, client_id) + await _double_billing_problems(session, client_id)
    if before is not None:
        after = await snapshot(session, client_id)
        problems += [f"{t}: {n} rows before, {after[t]} after" for t, n in before.items() if after[t] < n]
    return problems


async def assert_invariants(session: AsyncSession, client_id: int, before: dict[str, int] | None = None) -> None:
    problems = await check_invariants(session, client_id, before)
    assert problems == [], problems


async def _invoice_problems(session: AsyncSession, client_id: int) -> list[str]:
    lines = await _sum_by(
        session, InvoiceLine.invoice_id, InvoiceLine.amount_cents, [InvoiceLine.client_id == client_id]
    )
    allocated = await _sum_by(session, PaymentAllocation.invoice_id, PaymentAllocation.amount_cents,
                              [PaymentAllocation.client_id == client_id])
    adjusted = await _adjusted_by_invoice(session, client_id)
    problems = []
    for inv in (await session.execute(select(Invoice).where(Invoice.client_id == client_id))).scalars():
        charges = lines.get(inv.id, 0) + adjusted.get(inv.id, 0)
        open_cents = charges - allocated.get(inv.id, 0)
        if (inv.charges_cents, inv.open_cents) != (charges, open_cents):
            problems.append(f"invoice {inv.number}: stored charges/open {inv.charges_cents}/{inv.open_cents}, "
                            f"recomputed {charges}/{open_cents}")
        if not 0 <= open_cents <= max(charges, 0):
            problems.append(f"invoice {inv.number}: open {open_cents} outside 0..{charges} (over-allocated)")
    return problems


async def _adjusted_by_invoice(session: AsyncSession, client_id: int) -> dict[int, int]:
    found: dict[int, int] = defaultdict(int)
    stmt = select(Adjustment).where(Adjustment.client_id == client_id, Adjustment.invoice_id.is_not(None))
    for adj in (await session.execute(stmt)).scalars():
        found[adj.invoice_id] += adj.amount_cents if adj.direction is AdjustmentDirection.DEBIT else -adj.amount_cents
    return found


async def _payment_problems(session: AsyncSession, client_id: int) -> list[str]:
    allocated = await _sum_by(session, PaymentAllocation.payment_id, PaymentAllocation.amount_cents,
                              [PaymentAllocation.client_id == client_id])
    refunded = await _sum_by(session, Refund.payment_id, Refund.amount_cents, [Refund.client_id == client_id])
    problems = []
    for pay in (await session.execute(select(Payment).where(Payment.client_id == client_id))).scalars():
        net, back = allocated.get(pay.id, 0), refunded.get(pay.id, 0)
        expected = 0 if pay.status is PaymentStatus.RETURNED else pay.amount_cents - net - back
        if not 0 <= net <= pay.amount_cents:
            problems.append(f"payment {pay.id}: allocations {net} outside 0..{pay.amount_cents}")
        if pay.unapplied_cents != expected or expected < 0:
            problems.append(f"payment {pay.id}: unapplied {pay.unapplied_cents}, recomputed {expected}")
    return problems


async def _balance_problems(session: AsyncSession, client_id: int) -> list[str]:
    ledger = await _sum_by(
        session, LedgerEntry.customer_id, LedgerEntry.amount_cents, [LedgerEntry.client_id == client_id]
    )
    opens = await _sum_by(session, Invoice.customer_id, Invoice.open_cents, [Invoice.client_id == client_id])
    credit = await _sum_by(session, Payment.customer_id, Payment.unapplied_cents, [Payment.client_id == client_id])
    loose: dict[int, int] = defaultdict(int)
    stmt = select(Adjustment).where(Adjustment.client_id == client_id, Adjustment.invoice_id.is_(None))
    for adj in (await session.execute(stmt)).scalars():
        loose[adj.customer_id] += adj.amount_cents if adj.direction is AdjustmentDirection.DEBIT else -adj.amount_cents
    problems = []
    for customer in set(ledger) | set(opens) | set(credit) | set(loose):
        expected = opens.get(customer, 0) - credit.get(customer, 0) + loose.get(customer, 0)
        if ledger.get(customer, 0) != expected:
            problems.append(
                f"customer {customer}: ledger sum {ledger.get(customer, 0)}, open - credit + adjustments {expected}"
            )
    return problems


async def _double_billing_problems(session: AsyncSession, client_id: int) -> list[str]:
    """Pairs of invoices, neither REVERSED, of one utility account whose periods share a day."""
    first, second = aliased(Invoice), aliased(Invoice)
    stmt = select(first.number, first.period_start, first.period_end, second.number, second.period_start,
                  second.period_end).join(second, (second.utility_account_id == first.utility_account_id)
                                          & (second.id > first.id)).where(
        first.client_id == client_id, first.status != InvoiceStatus.REVERSED, second.status != InvoiceStatus.REVERSED,
        first.period_start <= second.period_end, second.period_start <= first.period_end)
    return [f"invoices {a} ({a_start}..{a_end}) and {b} ({b_start}..{b_end}) bill the same usage days"
            for a, a_start, a_end, b, b_start, b_end in (await session.execute(stmt)).all()]
