"""Markets, utilities and rate plans; utility accounts with their premise; enrollment history;
market transactions, status changes and usage periods."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import (
    Base,
    BigIntId,
    CreatedAt,
    IntPk,
    TenantScoped,
    Timestamped,
    UtcDateTime,
)
from db.enums import (
    CheckDigit,
    EnrollmentStatus,
    MarketDirection,
    MarketTransactionStatus,
    MarketTransactionType,
    RatePlanKind,
    ReadType,
)


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=30)


class Market(Base):
    """A state or service territory; reference data shared by every client."""

    __tablename__ = "markets"

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Utility(Base):
    """A local distribution company (LDC) in one market; shared reference data."""

    __tablename__ = "utilities"

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    market_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("markets.id"), index=True)


class LdcNumberRule(Base):
    """How a utility's LDC account numbers look (shared reference data); a utility without one takes any
    number of 1-40 letters and digits."""

    __tablename__ = "ldc_number_rules"

    utility_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("utilities.id"), primary_key=True)
    lengths: Mapped[list[int]] = mapped_column(JSON)  # allowed lengths, e.g. [17, 22] for Texas ESI IDs
    digits_only: Mapped[bool] = mapped_column(default=True)
    prefix: Mapped[str | None] = mapped_column(String(20))
    check_digit: Mapped[CheckDigit] = mapped_column(_enum(CheckDigit), default=CheckDigit.NONE)


class RatePlan(TenantScoped, Base):
    """A supplier's product a customer is enrolled on; its prices, each from a day, are RatePlanPrice rows."""

    __tablename__ = "rate_plans"
    __table_args__ = (Index(None, "client_id", "code", unique=True),)

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[RatePlanKind] = mapped_column(Enum(RatePlanKind, native_enum=False, length=20))
    market_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("markets.id"))
    term_months: Mapped[int | None] = mapped_column(Integer)


class UtilityAccount(TenantScoped, Timestamped, Base):
    """One service point at a utility (ESI ID / LDC account), with its premise inline."""

    __tablename__ = "utility_accounts"
    __table_args__ = (
        Index(None, "client_id", "ldc_account_number", unique=True),
        Index(None, "customer_id", "id"),
        Index(None, "client_id", "market_id", "status", "customer_id"),
        Index(None, "client_id", "utility_id", "status", "customer_id"),
        Index(None, "client_id", "status", "customer_id"),
    )

    id: Mapped[IntPk]
    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customers.id"))
    ldc_account_number: Mapped[str] = mapped_column(String(40))
    utility_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("utilities.id"))
    # the utility's market, copied so the search panel filters on one index
    market_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("markets.id"))
    rate_plan_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("rate_plans.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(
        Enum(EnrollmentStatus, native_enum=False, length=20)
    )
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    contract_term_months: Mapped[int | None] = mapped_column(Integer)
    renewal_pending: Mapped[bool] = mapped_column(default=False)
    pending_transfer: Mapped[bool] = mapped_column(default=False)
    service_line1: Mapped[str] = mapped_column(String(200))
    service_line2: Mapped[str | None] = mapped_column(String(200))
    service_city: Mapped[str] = mapped_column(String(100))
    service_state: Mapped[str] = mapped_column(String(2))
    service_zip: Mapped[str] = mapped_column(String(10))
    meter_number: Mapped[str | None] = mapped_column(String(40))
    rate_class: Mapped[str | None] = mapped_column(String(40))
    load_profile: Mapped[str | None] = mapped_column(String(40))
    premise_type: Mapped[str | None] = mapped_column(String(40))
    meter_type: Mapped[str | None] = mapped_column(String(40))
    read_cycle: Mapped[str | None] = mapped_column(String(10))


class Enrollment(TenantScoped, Timestamped, Base):
    """One plan and service period of a utility account: the historical enrollments."""

    __tablename__ = "enrollments"
    __table_args__ = (Index(None, "utility_account_id", "start_date", "id"),)

    id: Mapped[IntPk]
    utility_account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    rate_plan_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("rate_plans.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(
        Enum(EnrollmentStatus, native_enum=False, length=20)
    )
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]


class MarketTransaction(TenantScoped, Base):
    """One EDI exchange with the utility; a response points at the request it answers."""

    __tablename__ = "market_transactions"
    __table_args__ = (
        Index(None, "client_id", "reference", unique=True),
        Index(None, "utility_account_id", "id"),
        Index(None, "related_id"),
        Index(None, "utility_account_id", "created_at", "id"),  # the customer timeline
    )

    id: Mapped[IntPk]
    utility_account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    type: Mapped[MarketTransactionType] = mapped_column(_enum(MarketTransactionType))
    direction: Mapped[MarketDirection] = mapped_column(_enum(MarketDirection))
    status: Mapped[MarketTransactionStatus] = mapped_column(_enum(MarketTransactionStatus))
    reference: Mapped[str] = mapped_column(String(40))
    related_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("market_transactions.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    # the fields the transaction carried, in order: {name: value}
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    effective_date: Mapped[date | None]
    created_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EnrollmentStatusChange(TenantScoped, Base):
    """One change of a utility account's enrollment status, and the transaction that caused it."""

    __tablename__ = "enrollment_status_changes"
    __table_args__ = (
        Index(None, "utility_account_id", "id"),
        Index(None, "market_transaction_id"),
        Index(None, "utility_account_id", "changed_at", "id"),  # the customer timeline
    )

    id: Mapped[IntPk]
    utility_account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    from_status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus))
    to_status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus))
    changed_at: Mapped[CreatedAt]
    market_transaction_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("market_transactions.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))


class UsagePeriod(TenantScoped, Base):
    """Metered consumption of one read period (both dates inclusive); periods of an account never overlap."""

    __tablename__ = "usage_periods"
    __table_args__ = (Index(None, "utility_account_id", "period_start", unique=True),)

    id: Mapped[IntPk]
    utility_account_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    # thousandths of a kWh (Wh) and of a kW (W): quantities stay integral
    wh: Mapped[int] = mapped_column(BigInteger)
    demand_w: Mapped[int | None] = mapped_column(BigInteger)
    read_type: Mapped[ReadType] = mapped_column(_enum(ReadType))
    meter_number: Mapped[str | None] = mapped_column(String(40))
    source_transaction_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("market_transactions.id"))
