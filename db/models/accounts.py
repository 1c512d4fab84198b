"""Markets, utilities and rate plans; utility accounts with their premise; enrollment history."""

from datetime import date

from sqlalchemy import Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntId, IntPk, TenantScoped, Timestamped
from db.enums import EnrollmentStatus, RatePlanKind


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


class RatePlan(TenantScoped, Base):
    """A supplier's product: the price a customer is enrolled on."""

    __tablename__ = "rate_plans"
    __table_args__ = (Index(None, "client_id", "code", unique=True),)

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[RatePlanKind] = mapped_column(Enum(RatePlanKind, native_enum=False, length=20))
    market_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("markets.id"))
    # thousandths of a cent per kWh: 12.345 cents/kWh is 12345; money stays integral
    energy_rate_millicents: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int | None] = mapped_column(Integer)
    monthly_fee_cents: Mapped[int] = mapped_column(Integer, default=0)


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
