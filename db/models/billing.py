"""AR and billing: invoices and lines, special charges, adjustments, payments and their allocations,
refunds, the append-only AR ledger, idempotency keys, and the dated rates a billing run prices with
(rate plan prices, delivery charges, sales tax), each client's own."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntId, Cents, CreatedAt, IntPk, TenantScoped, UtcDateTime
from db.enums import (
    AdjustmentDirection,
    AllocationMode,
    InvoiceLineKind,
    InvoiceStatus,
    LedgerKind,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
    SpecialChargeStatus,
)


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=20)


def _fk(target: str) -> Any:
    return mapped_column(BigIntId, ForeignKey(target))


class RatePlanPrice(TenantScoped, Base):
    """A rate plan's price from a day on. Never edited: a change is a new row; on a day the row in force is the
    latest effective on or before it (of two for one day, the later entered). See resolvers/rules/rates.py."""

    __tablename__ = "rate_plan_prices"
    __table_args__ = (Index(None, "rate_plan_id", "effective_from", "id"),)

    id: Mapped[IntPk]
    rate_plan_id: Mapped[int] = _fk("rate_plans.id")
    effective_from: Mapped[date]
    # thousandths of a cent per kWh: 12.345 cents/kWh is 12345; money stays integral
    energy_rate_millicents: Mapped[int] = mapped_column(Integer)
    monthly_fee_cents: Mapped[Cents]
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class DeliveryRate(TenantScoped, Base):
    """A utility's delivery charge on one client's bills from a day on: per kWh (millicents) plus a fixed monthly
    charge. Each client keeps its own, so one client's admin never changes another's bills; never edited."""

    __tablename__ = "delivery_rates"
    __table_args__ = (Index(None, "client_id", "utility_id", "effective_from", "id"),)

    id: Mapped[IntPk]
    utility_id: Mapped[int] = _fk("utilities.id")
    effective_from: Mapped[date]
    per_kwh_millicents: Mapped[int] = mapped_column(Integer)
    fixed_cents: Mapped[Cents]
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class TaxRate(TenantScoped, Base):
    """A market's sales tax on one client's bills from a day on, in parts per million (62_500 = 6.25%); per client
    and never edited, as DeliveryRate."""

    __tablename__ = "tax_rates"
    __table_args__ = (Index(None, "client_id", "market_id", "effective_from", "id"),)

    id: Mapped[IntPk]
    market_id: Mapped[int] = _fk("markets.id")
    effective_from: Mapped[date]
    rate_ppm: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class Invoice(TenantScoped, Base):
    """One bill of a utility account for a period; `open_cents` is stored and re-derived by the invariant check."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index(None, "client_id", "number", unique=True),
        Index(None, "customer_id", "due_on", "issued_on", "number"),
        Index(None, "client_id", "status", "due_on"),
        Index(None, "utility_account_id", "period_start"),
        Index(None, "customer_id", "created_at", "id"),  # the customer timeline
        Index(None, "client_id", "customer_id", "due_on"),  # aging.csv: open amounts grouped in customer order
    )

    id: Mapped[IntPk]
    customer_id: Mapped[int] = _fk("customers.id")
    utility_account_id: Mapped[int | None] = _fk("utility_accounts.id")
    number: Mapped[str] = mapped_column(String(30))
    period_start: Mapped[date]
    period_end: Mapped[date]
    issued_on: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[InvoiceStatus] = mapped_column(_enum(InvoiceStatus))
    total_cents: Mapped[Cents]  # as billed
    # net charges now: total, less reversals, plus debit and less credit adjustments against the invoice
    charges_cents: Mapped[Cents]
    open_cents: Mapped[Cents]
    created_at: Mapped[CreatedAt]


class InvoiceLine(TenantScoped, Base):
    """A charge on an invoice; a REVERSAL line is a credit (negative) pointing at the line it reverses."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        Index(None, "invoice_id", "id"),
        Index(None, "reverses_line_id"),
        # the customer timeline's reversals, through the customer's invoices, without reading the lines
        Index(None, "invoice_id", "kind", "created_at", "id", "client_id"),
    )

    id: Mapped[IntPk]
    invoice_id: Mapped[int] = _fk("invoices.id")
    kind: Mapped[InvoiceLineKind] = mapped_column(_enum(InvoiceLineKind))
    description: Mapped[str] = mapped_column(Text)  # a reversal quotes the line it reverses, whole
    # thousandths of the unit (kWh for energy and delivery); null for flat charges
    quantity_milli: Mapped[int | None] = mapped_column(BigInteger)
    amount_cents: Mapped[Cents]
    reverses_line_id: Mapped[int | None] = _fk("invoice_lines.id")
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class SpecialCharge(TenantScoped, Base):
    """A one-off charge waiting for the next invoice (PENDING), then BILLED on a line, or REMOVED (never deleted)."""

    __tablename__ = "special_charges"
    __table_args__ = (Index(None, "customer_id", "status", "id"),)

    id: Mapped[IntPk]
    customer_id: Mapped[int] = _fk("customers.id")
    utility_account_id: Mapped[int | None] = _fk("utility_accounts.id")
    description: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500))
    amount_cents: Mapped[Cents]
    status: Mapped[SpecialChargeStatus] = mapped_column(_enum(SpecialChargeStatus))
    invoice_line_id: Mapped[int | None] = _fk("invoice_lines.id")
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]
    removed_by: Mapped[int | None] = _fk("users.id")
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_reason: Mapped[str | None] = mapped_column(String(500))


class Adjustment(TenantScoped, Base):
    """A debit or credit to the account, optionally against one invoice."""

    __tablename__ = "adjustments"
    __table_args__ = (Index(None, "customer_id", "id"), Index(None, "invoice_id"),
                      Index(None, "customer_id", "created_at", "id"))  # the last: the customer timeline

    id: Mapped[IntPk]
    customer_id: Mapped[int] = _fk("customers.id")
    invoice_id: Mapped[int | None] = _fk("invoices.id")
    direction: Mapped[AdjustmentDirection] = mapped_column(_enum(AdjustmentDirection))
    reason_code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    amount_cents: Mapped[Cents]
    effective_on: Mapped[date]
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class Payment(TenantScoped, Base):
    """Money received; what its allocations do not cover is `unapplied_cents` (credit)."""

    __tablename__ = "payments"
    __table_args__ = (
        Index(None, "customer_id", "received_on", "id"),
        Index(None, "customer_id", "status", "unapplied_cents"),
        # the customer timeline: payments when recorded, and when returned
        Index(None, "customer_id", "created_at", "id"),
        Index(None, "customer_id", "returned_at", "id"),
    )

    id: Mapped[IntPk]
    customer_id: Mapped[int] = _fk("customers.id")
    amount_cents: Mapped[Cents]
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    reference: Mapped[str | None] = mapped_column(String(60))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    received_on: Mapped[date]
    mode: Mapped[AllocationMode] = mapped_column(_enum(AllocationMode))
    scope: Mapped[PaymentScope] = mapped_column(_enum(PaymentScope))
    unapplied_cents: Mapped[Cents]
    status: Mapped[PaymentStatus] = mapped_column(_enum(PaymentStatus))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    returned_reason: Mapped[str | None] = mapped_column(String(500))
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class PaymentAllocation(TenantScoped, Base):
    """Part of a payment applied to an invoice. Never deleted: un-applying adds a negative row that `reverses_id` it."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        Index(None, "payment_id", "id"),
        Index(None, "invoice_id", "id"),
        # the customer timeline's allocations, through the customer's invoices, without reading the allocations
        Index(None, "invoice_id", "created_at", "id", "client_id"),
    )

    id: Mapped[IntPk]
    payment_id: Mapped[int] = _fk("payments.id")
    invoice_id: Mapped[int] = _fk("invoices.id")
    amount_cents: Mapped[Cents]
    reverses_id: Mapped[int | None] = _fk("payment_allocations.id")
    created_at: Mapped[CreatedAt]


class Refund(TenantScoped, Base):
    """Unapplied credit of a payment paid back to the customer."""

    __tablename__ = "refunds"
    __table_args__ = (Index(None, "payment_id", "id"), Index(None, "customer_id", "created_at", "id"))

    id: Mapped[IntPk]
    payment_id: Mapped[int] = _fk("payments.id")
    customer_id: Mapped[int] = _fk("customers.id")
    amount_cents: Mapped[Cents]
    reason: Mapped[str] = mapped_column(String(500))
    approved_by: Mapped[int] = _fk("users.id")
    created_at: Mapped[CreatedAt]


class LedgerEntry(TenantScoped, Base):
    """One financial event of a customer, append-only; `amount_cents` > 0 means the customer owes more."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index(None, "customer_id", "effective_on", "id"), Index(None, "client_id", "customer_id"),
                      Index(None, "client_id", "effective_on", "id"))  # the last: ar-ledger.csv, streamed by day

    id: Mapped[IntPk]
    customer_id: Mapped[int] = _fk("customers.id")
    kind: Mapped[LedgerKind] = mapped_column(_enum(LedgerKind))
    amount_cents: Mapped[Cents]
    description: Mapped[str] = mapped_column(Text)  # may quote a reason of up to 500 characters, whole
    invoice_id: Mapped[int | None] = _fk("invoices.id")
    payment_id: Mapped[int | None] = _fk("payments.id")
    adjustment_id: Mapped[int | None] = _fk("adjustments.id")
    refund_id: Mapped[int | None] = _fk("refunds.id")
    effective_on: Mapped[date]
    created_at: Mapped[CreatedAt]


class IdempotencyKey(TenantScoped, Base):
    """A money mutation's key, the hash of its input and its result; kept at least 24 hours."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index(None, "client_id", "key", unique=True), Index(None, "created_at"))

    id: Mapped[IntPk]
    key: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(40))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[CreatedAt]
