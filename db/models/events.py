"""The event log: a transactional outbox of what committed, read by every worker to feed subscriptions."""

from sqlalchemy import Enum, Index
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntId, CreatedAt, IntPk, TenantScoped
from db.enums import EventKind


class DomainEvent(TenantScoped, Base):
    """One committed change, as ids only (NOTIFY payloads and subscribers need no more).

    Append-only; ids only grow (AUTOINCREMENT on SQLite, so a purge never lets an id come back), and on
    PostgreSQL they become visible in id order (db/event_log.py). No foreign keys on the subjects: writing
    the log takes no row locks, and a purge deletes rows without looking elsewhere.
    """

    __tablename__ = "domain_events"
    __table_args__ = (
        Index(None, "client_id", "customer_id", "id"),  # a subscriber's replay since its cursor
        Index(None, "created_at"),  # the retention purge
        {"sqlite_autoincrement": True},
    )

    id: Mapped[IntPk]
    kind: Mapped[EventKind] = mapped_column(Enum(EventKind, native_enum=False, length=40))
    customer_id: Mapped[int] = mapped_column(BigIntId)
    entry_id: Mapped[int] = mapped_column(BigIntId)
    memo_id: Mapped[int | None] = mapped_column(BigIntId)
    created_at: Mapped[CreatedAt]
