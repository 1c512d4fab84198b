"""The billing run: each utility account's usage for a period priced into an invoice with its lines,
pending special charges billed on it, and an INVOICE ledger row. `preview_invoice` saves nothing.

Which periods may be billed is rules.billing_periods: a single-account run refuses a period it may not
bill (a userError naming the reason, e.g. the invoice it overlaps); a run over every ACTIVE account
skips such accounts and counts them, so one account billed off-cycle does not stop the client's run.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from db.base import utcnow
from db.enums import EnrollmentStatus, InvoiceStatus, LedgerKind, SpecialChargeStatus
from db.models import Enrollment, Invoice, InvoiceLine, SpecialCharge, UsagePeriod, UtilityAccount
from resolvers import audit
from resolvers.billing import rates
from resolvers.billing.errors import BillingErrorCode, period_error
from resolvers.billing.locks import lock_customers
from resolvers.billing.postings import add_entry
from resolvers.context import RequestScope
from resolvers.errors import FieldPath, NotFound, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.billing import Line, PendingCharge, price_period
from resolvers.rules.billing_periods import (
    Billed,
    Period,
    PeriodError,
    PeriodErrorCode,
    Service,
    check_not_billed,
    check_period,
    check_service,
)
from resolvers.scope import tenant_scoped

DUE_DAYS = 21
Progress = Callable[[int, int], None]
SERVICE_ENDED = (EnrollmentStatus.DROP_ACCEPTED, EnrollmentStatus.DROPPED, EnrollmentStatus.INACTIVE)


@dataclass(frozen=True, slots=True)
class RunRequest:
    period_start: date
    period_end: date
    issued_on: date
    utility_account_id: int | None = None  # None: every ACTIVE account of the client

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)


@dataclass(frozen=True, slots=True)
class RunResult:
    invoices: list[Invoice]
    skipped: int
    already_billed: int = 0  # of `skipped`: accounts an earlier invoice bills part of the period for


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
    _check_period(request.period, request.issued_on)
    accounts = await _accounts(scope, request.utility_account_id)
    invoices, skipped, already_billed = [], 0, 0
    for done, (account, service) in enumerate(accounts, 1):
        try:
            invoice = await _bill(scope, account, service, request)
        except PeriodError as error:
            if request.utility_account_id is not None:
                raise period_error(error) from None
            invoice, already_billed = None, already_billed + (error.code is PeriodErrorCode.BILLING_PERIOD_OVERLAPS)
        if invoice is None:
            skipped += 1
        else:
            invoices.append(invoice)
        if progress:
            progress(done, len(accounts))
    if request.utility_account_id is not None and not invoices:
        raise UserInputError(BillingErrorCode.NOTHING_TO_BILL, "Nothing to bill for that account and period.",
                             "utility_account_id")
    await scope.db.flush()
    return RunResult(invoices, skipped, already_billed)


def _check_period(period: Period, issued_on: date | None = None, path: FieldPath = ()) -> None:
    try:
        check_period(period, utcnow().date(), issued_on)
    except PeriodError as error:
        raise period_error(error, path) from None


async def _bill(scope: RequestScope, account: UtilityAccount, service: Service, request: RunRequest) -> Invoice | None:
    """The account's invoice for the period; None when there is nothing to bill. PeriodError: it may not be billed."""
    check_service(request.period, service)
    draft = await draft_invoice(scope, account, request.period_start, request.period_end, lock=True)
    billed = await _billed(scope, account.id, request.period)  # after the lock: a concurrent run has committed
    check_not_billed(request.period, billed)
    same_start = sum(b.period.start == request.period_start for b in billed)  # all reversed, or refused above
    return None if draft is None else await _issue(scope, draft, request, same_start)


async def _accounts(scope: RequestScope, account_id: int | None) -> list[tuple[UtilityAccount, Service]]:
    """The accounts to bill, each with its service: from its first enrollment (or its start date)."""
    first_enrolled = select(func.min(Enrollment.start_date)).where(Enrollment.utility_account_id == UtilityAccount.id)
    first_day = func.coalesce(first_enrolled.scalar_subquery(), UtilityAccount.start_date)
    stmt = select(UtilityAccount, first_day).order_by(UtilityAccount.id)
    if account_id is not None:
        stmt = stmt.where(UtilityAccount.id == account_id)
    else:
        stmt = stmt.where(UtilityAccount.status == EnrollmentStatus.ACTIVE, UtilityAccount.rate_plan_id.is_not(None))
    found = [(account, _service(account, first)) for account, first in
             (await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).all()]
    if account_id is not None and not found:
        raise NotFound("Utility account", "utility_account_id")
    return found


def _service(account: UtilityAccount, first_day: date | None) -> Service:
    """An ACTIVE account's end date is its contract's end; service runs on past it until the account is dropped."""
    return Service(first_day, account.end_date if account.status in SERVICE_ENDED else None)


async def draft_invoice(scope: RequestScope, account: UtilityAccount, start: date, end: date,
                        *, lock: bool = False) -> Draft | None:
    """The lines the account's period would bill, at the rates in force on each day (prorated across a change);
    None when there is no plan, usage or pending charge. A plan without a price on some day of the period is a
    userError (RATE_PLAN_NOT_PRICED): for a run over every account too, which then bills nothing until it is priced."""
    priced = await rates.billing_runs(scope, account, start, end)
    if priced is None:
        return None
    if lock:
        await lock_customers(scope, [account.customer_id])  # pending charges must not change under the run
    wh = await _usage_wh(scope, account.id, start, end)
    charges = await _pending(scope, account)
    if wh is None and not charges:
        return None
    pending = [PendingCharge(c.id, c.description, c.amount_cents) for c in charges]
    return Draft(account, price_period(wh or 0, priced, pending), charges)


# A read is billed in the period its meter-read day (period_end) falls in: read cycles rarely match months.
async def _usage_wh(scope: RequestScope, account_id: int, start: date, end: date) -> int | None:
    stmt = select(func.sum(UsagePeriod.wh)).where(UsagePeriod.utility_account_id == account_id,
                                                  UsagePeriod.period_end >= start, UsagePeriod.period_end <= end)
    wh = (await scope.db.execute(tenant_scoped(stmt, UsagePeriod, scope))).scalar()
    return None if wh is None else int(wh)  # PostgreSQL sums BIGINT as NUMERIC


async def _pending(scope: RequestScope, account: UtilityAccount) -> list[SpecialCharge]:
    """The customer's pending charges for this account, or not tied to any account."""
    stmt = select(SpecialCharge).where(
        SpecialCharge.customer_id == account.customer_id,
        SpecialCharge.status == SpecialChargeStatus.PENDING,
        (SpecialCharge.utility_account_id == account.id) | SpecialCharge.utility_account_id.is_(None),
    )
    return list(
        (await scope.db.execute(tenant_scoped(stmt.order_by(SpecialCharge.id), SpecialCharge, scope))).scalars()
    )


async def _billed(scope: RequestScope, account_id: int, period: Period) -> list[Billed]:
    """The periods the account's invoices bill that share a day with `period`, reversed ones too."""
    stmt = select(Invoice.number, Invoice.period_start, Invoice.period_end, Invoice.status).where(
        Invoice.utility_account_id == account_id, Invoice.period_start <= period.end, Invoice.period_end >= period.start
    )
    rows = (await scope.db.execute(tenant_scoped(stmt, Invoice, scope))).all()
    return [Billed(number, Period(start, end), status is InvoiceStatus.REVERSED) for number, start, end, status in rows]


def _number(account_id: int, start: date, same_start: int) -> str:
    """INV-0000042-20261001; the next invoice from that start (its predecessors reversed) gets -2, -3, ..."""
    return f"INV-{account_id:07d}-{start:%Y%m%d}" + (f"-{same_start + 1}" if same_start else "")


async def _issue(scope: RequestScope, draft: Draft, request: RunRequest, same_start: int) -> Invoice:
    account, total = draft.account, draft.total_cents
    invoice = Invoice(client_id=scope.tenant_id, customer_id=account.customer_id, utility_account_id=account.id,
                      number=_number(account.id, request.period_start, same_start), period_start=request.period_start,
                      period_end=request.period_end, issued_on=request.issued_on,
                      due_on=request.issued_on + timedelta(days=DUE_DAYS), total_cents=total, charges_cents=total,
                      open_cents=total, status=InvoiceStatus.OPEN if total > 0 else InvoiceStatus.PAID)
    scope.db.add(invoice)
    await scope.db.flush()
    rows = [InvoiceLine(client_id=scope.tenant_id, invoice_id=invoice.id, kind=line.kind, description=line.description,
                        quantity_milli=line.quantity_milli, amount_cents=line.cents) for line in draft.lines]
    scope.db.add_all(rows)
    await scope.db.flush()
    by_charge = {
        line.special_charge_id: row for line, row in zip(draft.lines, rows, strict=False) if line.special_charge_id
    }
    for charge in draft.charges:
        charge.status, charge.invoice_line_id = SpecialChargeStatus.BILLED, by_charge[charge.id].id
    add_entry(scope, account.customer_id, LedgerKind.INVOICE, total, f"Invoice {invoice.number}", request.issued_on,
              invoice_id=invoice.id)
    await audit.record(
        scope, "billing.run_billing", "Invoice", invoice.id, {"total_cents": {"from": None, "to": total}}
    )
    return invoice


async def preview_invoice(scope: RequestScope, account_id: int, start: date, end: date) -> Draft | None:
    """What a run would bill the account for the period; refused as the run would refuse it (fields: arguments)."""
    period = Period(start, end)
    _check_period(period, path=())
    (account, service), = await _accounts(scope, account_id)
    try:
        check_service(period, service)
        check_not_billed(period, await _billed(scope, account_id, period))
    except PeriodError as error:
        raise period_error(error, ()) from None
    return await draft_invoice(scope, account, start, end)
