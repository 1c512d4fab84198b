"""Customers (account holders), their master/child hierarchy, and search keys."""

from datetime import date

from sqlalchemy import Enum, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigIntId, IntPk, TenantScoped, Timestamped
from db.enums import CustomerKind


class Customer(TenantScoped, Timestamped, Base):
    """An account holder; `master_id` forms the organizational hierarchy (adjacency list)."""

    __tablename__ = "customers"
    __table_args__ = (
        Index(None, "client_id", "number", unique=True),
        Index(None, "client_id", "name_key", "id"),
        Index(None, "master_id"),
    )

    id: Mapped[IntPk]
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # lower-cased name: the sort key and the prefix-search key
    name_key: Mapped[str] = mapped_column(Text)  # folded: may be longer than the name
    kind: Mapped[CustomerKind] = mapped_column(Enum(CustomerKind, native_enum=False, length=20))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    billing_line1: Mapped[str | None] = mapped_column(String(200))
    billing_line2: Mapped[str | None] = mapped_column(String(200))
    billing_city: Mapped[str | None] = mapped_column(String(100))
    billing_state: Mapped[str | None] = mapped_column(String(2))
    billing_zip: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_master: Mapped[bool] = mapped_column(default=False)
    master_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("customers.id"))
    # lower-cased billing and service addresses, searched with a trigram index
    address_key: Mapped[str] = mapped_column(Text, default="")
    # settings (seed 000): billing preferences and the dunning exclusion
    autopay: Mapped[bool] = mapped_column(default=False, server_default=false())
    paperless: Mapped[bool] = mapped_column(default=False, server_default=false())
    # held out of dunning through this day (inclusive); past it the hold has expired by itself
    dunning_hold_until: Mapped[date | None]
    dunning_hold_reason: Mapped[str | None] = mapped_column(String(500))

    master: Mapped["Customer | None"] = relationship(
        remote_side="Customer.id", back_populates="children", lazy="raise"
    )
    children: Mapped[list["Customer"]] = relationship(back_populates="master", lazy="raise")


class CustomerNameToken(Base):
    """One row per word of a customer's name, so word-prefix search is an index range."""

    __tablename__ = "customer_name_tokens"

    client_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("clients.id"), primary_key=True)
    token: Mapped[str] = mapped_column(Text, primary_key=True)  # a word of the name, as long as it is
    customer_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("customers.id"), primary_key=True, index=True
    )
