"""Builders for timeline tests: rows of every timeline source at chosen instants, and the items they should make."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    AdjustmentDirection,
    AllocationMode,
    CommLogKind,
    EnrollmentStatus,
    InvoiceLineKind,
    InvoiceStatus,
    MarketDirection,
    MarketTransactionStatus,
    MarketTransactionType,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketStatus,
)
from db.models import (
    Adjustment,
    AuditEvent,
    CommLogEntry,
    Customer,
    EnrollmentStatusChange,
    Invoice,
    InvoiceLine,
    MarketTransaction,
    Payment,
    PaymentAllocation,
    Refund,
    Ticket,
    User,
)
from resolvers.rules.timeline import RANKS, ActivityKind
from tests.factories.accounts import make_account

BASE = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
# Every kind; a returned payment also makes the PAYMENT item of its receipt.
CYCLE = list(ActivityKind)


@dataclass
class Expected:
    """The items a customer's timeline should show: (occurred_at, rank, id), and their kinds."""

    keys: list[tuple[datetime, int, int]] = field(default_factory=list)

    def add(self, at: datetime, kind: ActivityKind, pk: int) -> None:
        self.keys.append((at, RANKS[kind], pk))

    def newest_first(self, kinds: set[ActivityKind] | None = None, since: datetime | None = None,
                     until: datetime | None = None) -> list[tuple[datetime, int, int]]:
        wanted = {RANKS[k] for k in kinds} if kinds is not None else None
        keep = [k for k in self.keys if (wanted is None or k[1] in wanted)
                and (since is None or k[0] >= since) and (until is None or k[0] < until)]
        return sorted(keep, reverse=True)


@dataclass
class Builder:
    """Writes one customer's events; `expected` collects the items they make."""

    session: AsyncSession
    customer: Customer
    actor: User
    expected: Expected = field(default_factory=Expected)
    _parent_invoice: Invoice | None = None
    _parent_payment: Payment | None = None
    _account_id: int | None = None
    _serial: int = 0

    @property
    def client_id(self) -> int:
        return self.customer.client_id

    async def add(self, kind: ActivityKind, at: datetime) -> None:
        """One event of `kind` recorded at `at` (a returned payment also makes its PAYMENT, a day earlier)."""
        self._serial += 1
        row = await getattr(self, f"_row_{kind.value.lower()}")(at)
        self.session.add(row)
        await self.session.flush()
        self.expected.add(at, kind, row.id)
        if kind is ActivityKind.PAYMENT_RETURNED:
            self.expected.add(row.created_at, ActivityKind.PAYMENT, row.id)

    async def mixed(self, count: int, *, start: datetime = BASE, per_instant: int = 3,
                    kinds: list[ActivityKind] | None = None) -> Expected:
        """`count` events cycling through `kinds`; `per_instant` of them share each instant (ties across sources)."""
        cycle = kinds or CYCLE
        for n in range(count):
            await self.add(cycle[n % len(cycle)], start + timedelta(minutes=n // per_instant))
        return self.expected

    # ---- one row per kind ------------------------------------------------------------------

    async def _row_comm_log(self, at: datetime) -> CommLogEntry:
        return CommLogEntry(client_id=self.client_id, customer_id=self.customer.id, kind=CommLogKind.NOTE,
                            subject=f"Called about bill {self._serial}", author_id=self.actor.id, created_at=at)

    async def _row_invoice(self, at: datetime) -> Invoice:
        return self._new_invoice(at)

    def _new_invoice(self, at: datetime) -> Invoice:
        return Invoice(client_id=self.client_id, customer_id=self.customer.id,
                       number=f"INV-{self.customer.id}-{self._serial}", period_start=date(2025, 1, 1),
                       period_end=date(2025, 1, 31), issued_on=date(2025, 2, 1), due_on=date(2025, 2, 22),
                       status=InvoiceStatus.OPEN, total_cents=8_810, charges_cents=8_810, open_cents=8_810,
                       created_at=at)

    async def _row_payment(self, at: datetime) -> Payment:
        return self._new_payment(at)

    def _new_payment(self, at: datetime, returned_at: datetime | None = None) -> Payment:
        return Payment(client_id=self.client_id, customer_id=self.customer.id, amount_cents=12_000,
                       method=PaymentMethod.ACH, received_on=at.date(), mode=AllocationMode.FIFO,
                       scope=PaymentScope.CUSTOMER, unapplied_cents=0, created_by=self.actor.id, created_at=at,
                       status=PaymentStatus.RETURNED if returned_at else PaymentStatus.POSTED,
                       returned_at=returned_at, returned_reason="NSF" if returned_at else None)

    async def _row_payment_returned(self, at: datetime) -> Payment:
        return self._new_payment(at - timedelta(days=1), returned_at=at)

    async def _row_allocation(self, at: datetime) -> PaymentAllocation:
        invoice, payment = await self._parents(at)
        return PaymentAllocation(client_id=self.client_id, payment_id=payment.id, invoice_id=invoice.id,
                                 amount_cents=4_000, created_at=at)

    async def _row_adjustment(self, at: datetime) -> Adjustment:
        return Adjustment(client_id=self.client_id, customer_id=self.customer.id, direction=AdjustmentDirection.CREDIT,
                          reason_code="GOODWILL", amount_cents=1_000, effective_on=at.date(), created_by=self.actor.id,
                          created_at=at)

    async def _row_reversal(self, at: datetime) -> InvoiceLine:
        invoice, _payment = await self._parents(at)
        return InvoiceLine(client_id=self.client_id, invoice_id=invoice.id, kind=InvoiceLineKind.REVERSAL,
                           description="Reversal: Energy", amount_cents=-500, reason="Misread",
                           created_by=self.actor.id, created_at=at)

    async def _row_refund(self, at: datetime) -> Refund:
        _invoice, payment = await self._parents(at)
        return Refund(client_id=self.client_id, payment_id=payment.id, customer_id=self.customer.id, amount_cents=2_000,
                      reason="Overpaid", approved_by=self.actor.id, created_at=at)

    async def _row_market_transaction(self, at: datetime) -> MarketTransaction:
        return MarketTransaction(client_id=self.client_id, utility_account_id=await self._account(), details={},
                                 type=MarketTransactionType.ENROLLMENT, direction=MarketDirection.OUTBOUND,
                                 status=MarketTransactionStatus.SENT, reference=f"R{self.customer.id}-{self._serial}",
                                 created_by=self.actor.id, created_at=at)

    async def _row_status_change(self, at: datetime) -> EnrollmentStatusChange:
        return EnrollmentStatusChange(client_id=self.client_id, utility_account_id=await self._account(),
                                      from_status=EnrollmentStatus.PENDING, to_status=EnrollmentStatus.ACTIVE,
                                      reason="Enrollment accepted", actor_id=self.actor.id, changed_at=at)

    async def _row_ticket(self, at: datetime) -> Ticket:
        return Ticket(client_id=self.client_id, customer_id=self.customer.id, kind=TicketKind.CONTACT_CHANGE,
                      summary=f"Contact information update - {self.customer.name}", description="Email changed",
                      request_type=TicketRequestType.ACCOUNT_MANAGEMENT, queue=TicketQueue.ACCOUNT_SERVICING,
                      reporter="pat@mail.example", support_channel=SupportChannel.PHONE, status=TicketStatus.OPEN,
                      details={}, created_by=self.actor.id, created_at=at)

    async def _row_audit(self, at: datetime) -> AuditEvent:
        return AuditEvent(client_id=self.client_id, actor_id=self.actor.id, action="customer.update",
                          object_type="Customer", object_id=self.customer.id,
                          changes={"email": {"from": "a@x.example", "to": "b@x.example"}}, created_at=at)

    # ---- parents, made once and recorded as the items they are ---------------------------------

    async def _parents(self, at: datetime) -> tuple[Invoice, Payment]:
        """The invoice and payment allocations, reversals and refunds hang from (themselves timeline items)."""
        if self._parent_invoice is None:
            early = at - timedelta(days=30)
            self._parent_invoice, self._parent_payment = self._new_invoice(early), self._new_payment(early)
            self.session.add_all([self._parent_invoice, self._parent_payment])
            await self.session.flush()
            self.expected.add(early, ActivityKind.INVOICE, self._parent_invoice.id)
            self.expected.add(early, ActivityKind.PAYMENT, self._parent_payment.id)
        return self._parent_invoice, self._parent_payment  # type: ignore[return-value]

    async def _account(self) -> int:
        """A utility account; no status change or transaction is recorded by making it."""
        if self._account_id is None:
            self._account_id = (await make_account(self.session, self.customer)).id
        return self._account_id
