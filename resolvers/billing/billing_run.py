"""The billing run: each utility account's usage for a period priced into an invoice with its lines,
pending special charges billed on it, and an INVOICE ledger row. `preview_invoice` saves nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from db.enums import EnrollmentStatus, InvoiceStatus, LedgerKind, SpecialChargeStatus
from db.models import (
    DeliveryRate,
    Invoice,
    InvoiceLine,
    RatePlan,
    SpecialCharge,
    TaxRate,
    UsagePeriod,
    UtilityAccount,
)
from resolvers import audit
from resolvers.billing.errors import BillingErrorCode
from resolvers.billing.locks import lock_customers
from resolvers.billing.postings import add_entry
from resolvers.context import RequestScope
from resolvers.errors import NotFound, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.billing import Line, PendingCharge, Pricing, price_period
from resolvers.scope import tenant_scoped

DUE_DAYS = 21
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RunRequest:
    period_start: date
    period_end: date
    issued_on: date
    utility_account_id: int | None = None  # None: every ACTIVE account of the client


@dataclass(frozen=True, slots=True)
class RunResult:
    invoices: list[Invoice]
    skipped: int


@dataclass(frozen=True, slots=True)
class Draft:
    account: UtilityAccount
    lines: list[Line]
    charges: list[SpecialCharge]

    @property
    def total_cents(self) -> int:
        return sum(line.cents for line in self.lines)


async def run_billing(scope: RequestScope, request: RunRequest, progress: Progress | None = None) -> RunResult:
    ensure_allowed(scope, Action.RUN_BILLING)
    _check_period(request.period_start, request.period_end)
    accounts = await _accounts(scope, request.utility_account_id)
    invoices, skipped = [], 0
    for done, account in enumerate(accounts, 1):
        draft = await draft_invoice(scope, account, request.period_start, request.period_end, lock=True)
        if draft is None or await _already_billed(scope, account.id, request.period_start):
            skipped += 1
        else:
            invoices.append(await _issue(scope, draft, request))
        if progress:
            progress(done, len(accounts))
    if request.utility_account_id is not None and not invoices:
        raise UserInputError(BillingErrorCode.NOTHING_TO_BILL, "Nothing to bill for that account and period.",
                             ["input", "utilityAccountId"])
    await scope.db.flush()
    return RunResult(invoices, skipped)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise UserInputError(BillingErrorCode.INVALID_BILLING_PERIOD, "The period ends before it starts.", ["input", "periodEnd"])


async def _accounts(scope: RequestScope, account_id: int | None) -> list[UtilityAccount]:
    stmt = select(UtilityAccount).order_by(UtilityAccount.id)
    if account_id is not None:
        stmt = stmt.where(UtilityAccount.id == account_id)
    else:
        stmt = stmt.where(UtilityAccount.status == EnrollmentStatus.ACTIVE, UtilityAccount.rate_plan_id.is_not(None))
    found = list((await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).scalars())
    if account_id is not None and not found:
        raise NotFound("Utility account", ["input", "utilityAccountId"])
    return found


async def draft_invoice(scope: RequestScope, account: UtilityAccount, start: date, end: date,
                        *, lock: bool = False) -> Draft | None:
    """The lines the account's period would bill; None when there is no plan, usage or pending charge."""
    pricing = await _pricing(scope, account)
    if pricing is None:
        return None
    if lock:
        await lock_customers(scope, [account.customer_id])  # pending charges must not change under the run
    wh = await _usage_wh(scope, account.id, start, end)
    charges = await _pending(scope, account)
    if wh is None and not charges:
        return None
    pending = [PendingCharge(c.id, c.description, c.amount_cents) for c in charges]
    return Draft(account, price_period(wh or 0, pricing, pending), charges)


async def _pricing(scope: RequestScope, account: UtilityAccount) -> Pricing | None:
    if account.rate_plan_id is None:
        return None
    plan = await scope.db.get(RatePlan, account.rate_plan_id)
    delivery = (await scope.db.execute(select(DeliveryRate).where(DeliveryRate.utility_id == account.utility_id))).scalar()
    tax = (await scope.db.execute(select(TaxRate.rate_ppm).where(TaxRate.market_id == account.market_id))).scalar()
    return Pricing(plan.energy_rate_millicents, plan.monthly_fee_cents or 0,
                   delivery.per_kwh_millicents if delivery else 0, delivery.fixed_cents if delivery else 0, tax or 0)


# A read is billed in the period its meter-read day (period_end) falls in: read cycles rarely match months.
async def _usage_wh(scope: RequestScope, account_id: int, start: date, end: date) -> int | None:
    stmt = select(func.sum(UsagePeriod.wh)).where(UsagePeriod.utility_account_id == account_id,
                                                  UsagePeriod.period_end >= start, UsagePeriod.period_end <= end)
    wh = (await scope.db.execute(tenant_scoped(stmt, UsagePeriod, scope))).scalar()
    return None if wh is None else int(wh)  # PostgreSQL sums BIGINT as NUMERIC


async def _pending(scope: RequestScope, account: UtilityAccount) -> list[SpecialCharge]:
    """The customer's pending charges for this account, or not tied to any account."""
    stmt = select(SpecialCharge).where(SpecialCharge.customer_id == account.customer_id,
                                       SpecialCharge.status == SpecialChargeStatus.PENDING,
                                       (SpecialCharge.utility_account_id == account.id) | SpecialCharge.utility_account_id.is_(None))
    return list((await scope.db.execute(tenant_scoped(stmt.order_by(SpecialCharge.id), SpecialCharge, scope))).scalars())


async def _already_billed(scope: RequestScope, account_id: int, start: date) -> bool:
    stmt = select(Invoice.id).where(Invoice.utility_account_id == account_id, Invoice.period_start == start)
    return (await scope.db.execute(tenant_scoped(stmt, Invoice, scope).limit(1))).first() is not None


async def _issue(scope: RequestScope, draft: Draft, request: RunRequest) -> Invoice:
    account, total = draft.account, draft.total_cents
    invoice = Invoice(client_id=scope.tenant_id, customer_id=account.customer_id, utility_account_id=account.id,
                      number=f"INV-{account.id:07d}-{request.period_start:%Y%m%d}", period_start=request.period_start,
                      period_end=request.period_end, issued_on=request.issued_on,
                      due_on=request.issued_on + timedelta(days=DUE_DAYS), total_cents=total, charges_cents=total,
                      open_cents=total, status=InvoiceStatus.OPEN if total > 0 else InvoiceStatus.PAID)
    scope.db.add(invoice)
    await scope.db.flush()
    rows = [InvoiceLine(client_id=scope.tenant_id, invoice_id=invoice.id, kind=line.kind, description=line.description,
                        quantity_milli=line.quantity_milli, amount_cents=line.cents) for line in draft.lines]
    scope.db.add_all(rows)
    await scope.db.flush()
    by_charge = {line.special_charge_id: row for line, row in zip(draft.lines, rows) if line.special_charge_id}
    for charge in draft.charges:
        charge.status, charge.invoice_line_id = SpecialChargeStatus.BILLED, by_charge[charge.id].id
    add_entry(scope, account.customer_id, LedgerKind.INVOICE, total, f"Invoice {invoice.number}", request.issued_on,
              invoice_id=invoice.id)
    await audit.record(scope, "billing.run_billing", "Invoice", invoice.id, {"total_cents": {"from": None, "to": total}})
    return invoice


async def preview_invoice(scope: RequestScope, account_id: int, start: date, end: date) -> Draft | None:
    _check_period(start, end)
    return await draft_invoice(scope, (await _accounts(scope, account_id))[0], start, end)
