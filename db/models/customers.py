"""Customers (account holders), their master/child hierarchy, and search keys."""

from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigIntId, CodePointText, CreatedAt, IntPk, TenantScoped, Timestamped, UtcDateTime
from db.enums import CustomerKind, EnrollmentStatus, ImportJobStatus, ImportRefusal, ImportRowOutcome


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=30)


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
    # Counts a prefix's customers as a range of it, reading previous_token: see previous_token.
    # Several words typed: one word's rows testing the others in `words`, read from the second index alone.
    __table_args__ = (Index(None, "client_id", "token", "previous_token"),
                      Index(None, "client_id", "token", "customer_id", "words"))

    client_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("clients.id"), primary_key=True)
    token: Mapped[str] = mapped_column(CodePointText, primary_key=True)  # a word of the name, as long as it is
    customer_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("customers.id"), primary_key=True, index=True
    )
    # The customer's token before this one in sorted order, "" for its first (db.search_keys.name_token_rows). Its
    # tokens starting with a prefix are consecutive in that order, so exactly one of them has a previous token below
    # the prefix: counting those counts each customer once, without DISTINCT (migration 0016). That holds only if the
    # database compares tokens in the order they were sorted in: by code point (CodePointText, on PostgreSQL too).
    previous_token: Mapped[str] = mapped_column(CodePointText, default="", server_default="")
    # Every token of the customer's name, each after a space (db.search_keys.name_words): a search of several words
    # reads the rows of one word's prefix and tests the others here (instr / strpos of " " + token), not each word's
    # rows read and intersected (migration 0017).
    words: Mapped[str] = mapped_column(Text, default="", server_default="")


class CustomerImportJob(TenantScoped, Base):
    """One load of a customer file: its progress (so an interrupted job on SQLite resumes) and its counts."""

    __tablename__ = "customer_import_jobs"
    __table_args__ = (Index(None, "client_id", "idempotency_key", unique=True), Index(None, "client_id", "id"))

    id: Mapped[IntPk]
    created_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    dry_run: Mapped[bool]
    source: Mapped[str] = mapped_column(String(200))
    status: Mapped[ImportJobStatus] = mapped_column(_enum(ImportJobStatus))
    # progress: the last file line staged, then the last customer number applied (rows apply in number order)
    staged_through: Mapped[int] = mapped_column(Integer, default=0)
    applied_through: Mapped[str | None] = mapped_column(String(40))
    total: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    customers_created: Mapped[int] = mapped_column(Integer, default=0)
    customers_updated: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[CreatedAt]
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CustomerImportRow(Base):
    """One line of an import file, checked and normalized (the staging row), and then what became of it."""

    __tablename__ = "customer_import_rows"
    # two indexes only: every one costs the staging of a million rows time (rows are staged in line order)
    __table_args__ = (Index(None, "job_id", "customer_number", "line"), Index(None, "job_id", "ldc_account_number"))

    id: Mapped[IntPk]
    job_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customer_import_jobs.id"))
    line: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[ImportRowOutcome | None] = mapped_column(_enum(ImportRowOutcome))
    reason: Mapped[ImportRefusal | None] = mapped_column(_enum(ImportRefusal))
    detail: Mapped[str | None] = mapped_column(String(300))
    changes: Mapped[str | None] = mapped_column(Text)  # what an UPDATED row changed, "field: from -> to; ..."
    customer_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("customers.id"))
    utility_account_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    # the customer, as the row gives it (cut to the column for a refused row, only to show it)
    customer_number: Mapped[str] = mapped_column(String(40))
    customer_hash: Mapped[str | None] = mapped_column(String(32))  # rows of one customer must agree on it
    name: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str | None] = mapped_column(Text)
    name_tokens: Mapped[str | None] = mapped_column(Text)  # a JSON array
    kind: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    billing_line1: Mapped[str | None] = mapped_column(String(200))
    billing_line2: Mapped[str | None] = mapped_column(String(200))
    billing_city: Mapped[str | None] = mapped_column(String(100))
    billing_state: Mapped[str | None] = mapped_column(String(2))
    billing_zip: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8))
    billing_key: Mapped[str | None] = mapped_column(Text)
    # the utility account
    ldc_account_number: Mapped[str] = mapped_column(String(40))
    utility_id: Mapped[int | None] = mapped_column(BigIntId)
    market_id: Mapped[int | None] = mapped_column(BigIntId)
    rate_plan_id: Mapped[int | None] = mapped_column(BigIntId)
    status: Mapped[EnrollmentStatus | None] = mapped_column(_enum(EnrollmentStatus))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    contract_term_months: Mapped[int | None] = mapped_column(Integer)
    service_line1: Mapped[str | None] = mapped_column(String(200))
    service_line2: Mapped[str | None] = mapped_column(String(200))
    service_city: Mapped[str | None] = mapped_column(String(100))
    service_state: Mapped[str | None] = mapped_column(String(2))
    service_zip: Mapped[str | None] = mapped_column(String(10))
    meter_number: Mapped[str | None] = mapped_column(String(40))
    service_key: Mapped[str | None] = mapped_column(Text)
