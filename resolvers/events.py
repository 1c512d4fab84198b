"""Domain events: written to the event log in the changing transaction (db/event_log.py), read back by id."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, literal, null, select

from db import event_log
from db.base import utcnow
from db.enums import EventKind
from db.models import CommLogEntry, CommLogMemo, DomainEvent
from db.results import rows_changed
from db.writes import Writes
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped

RETENTION = timedelta(days=7)  # a subscriber may resume from a cursor this old; `csrgraph purge-events` keeps it
PURGE_BATCH = 5_000  # rows per purge transaction: each holds SQLite's write lock only briefly


@dataclass(frozen=True, slots=True)
class CommLogChanged:
    """An entry was added to a customer's log, or a memo to one of its entries; `id` is the event's."""

    tenant_id: int
    customer_id: int
    entry_id: int
    memo_id: int | None = None
    id: int = 0


def emit(scope: RequestScope, event: CommLogChanged) -> None:
    """Record the event in the scope's transaction: it is appended to the log when (and if) that commits."""
    kind = EventKind.COMMLOG_MEMO_ADDED if event.memo_id else EventKind.COMMLOG_ENTRY_ADDED
    event_log.record(scope.db, client_id=event.tenant_id, kind=kind, customer_id=event.customer_id,
                     entry_id=event.entry_id, memo_id=event.memo_id)


def emit_entries(scope: RequestScope, *where: Any) -> None:
    """Record an entry-added event for every log entry of the scope's client matching `where` (a bulk job's,
    written set-based), as one INSERT ... SELECT at commit."""
    kind = literal(EventKind.COMMLOG_ENTRY_ADDED.value)
    entries = select(CommLogEntry.client_id, kind, CommLogEntry.customer_id, CommLogEntry.id, null())
    event_log.record_select(
        scope.db, tenant_scoped(entries.where(*where), CommLogEntry, scope).order_by(CommLogEntry.id)
    )


COLUMNS = (DomainEvent.id, DomainEvent.client_id, DomainEvent.customer_id, DomainEvent.entry_id, DomainEvent.memo_id)


def _changed(row: Any) -> CommLogChanged:
    return CommLogChanged(tenant_id=row.client_id, customer_id=row.customer_id, entry_id=row.entry_id,
                          memo_id=row.memo_id, id=row.id)


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """An event with the rows it names (None if since deleted), read once for every subscriber of a worker."""

    event: CommLogChanged
    entry: CommLogEntry | None
    memo: CommLogMemo | None


async def changes_after(session: Any, last_id: int, limit: int) -> list[LoggedChange]:
    """Every client's events after `last_id`, oldest first, each with its entry and memo: one statement (a range
    read on the event key, joined by key: an event names its own client's entry, and is published to that
    client's topic only)."""
    rows = await session.execute(_changes_after_statement(), {"last_id": last_id, "limit": limit})
    return [LoggedChange(_changed(row), row.CommLogEntry, row.CommLogMemo) for row in rows]


@cache
def _changes_after_statement() -> Select:
    """Built once: each worker's feed runs it every 20 ms on SQLite (graph/event_feed.py), and building a SELECT
    with two joins cost more CPU than SQLite takes to find nothing new (a server's idle CPU)."""
    return (select(*COLUMNS, CommLogEntry, CommLogMemo)
            .outerjoin(CommLogEntry, CommLogEntry.id == DomainEvent.entry_id)
            .outerjoin(CommLogMemo, CommLogMemo.id == DomainEvent.memo_id)
            .where(DomainEvent.id > bindparam("last_id")).order_by(DomainEvent.id).limit(bindparam("limit")))


async def events_after(session: Any, last_id: int, limit: int) -> list[CommLogChanged]:
    """Every client's events after `last_id`, oldest first (one range read on the primary key)."""
    stmt = select(*COLUMNS).where(DomainEvent.id > last_id).order_by(DomainEvent.id).limit(limit)
    return [_changed(row) for row in await session.execute(stmt)]


async def newest_id(session: Any) -> int:
    return (await session.execute(select(func.max(DomainEvent.id)))).scalar() or 0


async def customer_events_after(
    scope: RequestScope, customer_id: int, after_id: int, limit: int
) -> list[CommLogChanged]:
    """One customer's events after `after_id`, oldest first, at most `limit`."""
    stmt = select(*COLUMNS).where(DomainEvent.customer_id == customer_id, DomainEvent.id > after_id)
    stmt = tenant_scoped(stmt, DomainEvent, scope).order_by(DomainEvent.id).limit(limit)
    return [_changed(row) for row in await scope.db.execute(stmt)]


async def newest_customer_event(scope: RequestScope, customer_id: int) -> CommLogChanged | None:
    stmt = select(*COLUMNS).where(DomainEvent.customer_id == customer_id)
    row = (
        await scope.db.execute(tenant_scoped(stmt, DomainEvent, scope).order_by(DomainEvent.id.desc()).limit(1))
    ).first()
    return _changed(row) if row else None


async def retained_since(session: Any, after_id: int) -> bool:
    """Whether every event after `after_id` is still kept: the oldest kept event follows it directly.

    (Conservative: an id rolled back just past the cursor, or a log purged empty, also reads as not kept.)
    """
    oldest = (await session.execute(select(func.min(DomainEvent.id)))).scalar()
    return oldest is not None and oldest <= after_id + 1


async def purge_events(writes: Writes, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete events older than `older_than` (at least a day), a batch per transaction (each queued with the other
    writes of the process, db/writes.py); how many."""
    if older_than < timedelta(days=1):
        raise ValueError("keep events at least a day: subscribers resume from their cursors")
    cutoff, purged = (now or utcnow()) - older_than, 0
    while True:
        async with writes.transaction() as session:
            ids = (
                select(DomainEvent.id)
                .where(DomainEvent.created_at < cutoff)
                .order_by(DomainEvent.id)
                .limit(PURGE_BATCH)
            )
            done = rows_changed(
                await session.execute(delete(DomainEvent).where(DomainEvent.id.in_(ids.scalar_subquery())))
            )
        purged += done
        if done < PURGE_BATCH:
            return purged
