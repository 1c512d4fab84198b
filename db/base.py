"""Declarative base, the naming convention Alembic relies on, and shared column aliases."""

from datetime import UTC, datetime
from typing import Annotated, ClassVar

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, MetaData, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both engines (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use UTC-aware datetimes")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model maps one Table (none maps a join or a select), so say so: DeclarativeBase types it as the
    # wider FromClause, which update()/insert() and the bulk copiers refuse (SQLAlchemy's advice, issue #9130).
    __table__: ClassVar[Table]


# BigInteger on PostgreSQL, but INTEGER PRIMARY KEY (the rowid) on SQLite.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")
# Text that compares and sorts by code point on every engine, as Python sorts str: SQLite's default (BINARY) does;
# PostgreSQL takes the database's collation (en_US.UTF-8, say) unless the column says C.
CodePointText = Text().with_variant(Text(collation="C"), "postgresql")

IntPk = Annotated[int, mapped_column(BigIntId, primary_key=True, autoincrement=True)]
Cents = Annotated[int, mapped_column(BigInteger)]
# Composite indexes lead with client_id, so the column needs none of its own.
TenantId = Annotated[int, mapped_column(BigIntId, ForeignKey("clients.id"))]
CreatedAt = Annotated[datetime, mapped_column(UtcDateTime, default=utcnow)]


class TenantScoped:
    """Every tenant-owned row carries its client; `resolvers.scope` filters on it."""

    client_id: Mapped[TenantId]


class Timestamped:
    created_at: Mapped[CreatedAt]
