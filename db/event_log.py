"""The event log's write side: events a transaction records are inserted as its last statements, at commit.

A resolver records an event (`record`), or many at once as a SELECT of their columns (`record_select`: one
per note of a bulk job, one INSERT ... SELECT); when the session commits, `EventLoggingSession` flushes the
change first and then appends the events, so an event exists exactly when its change committed.

PostgreSQL hands out sequence values when rows are inserted but shows them when transactions commit, so
a reader at "id > last seen" could pass over an id whose transaction commits later. Appending therefore
takes a transaction-scoped advisory lock (EVENT_LOCK) first: the next appender waits until this commit
is visible, so ids become visible in id order and "id > last seen" never skips one. It is every
transaction's last lock (nothing but COMMIT follows it), which is why it cannot take part in a deadlock.
Every appender of every worker queues behind its holder, so it is held for as few round trips as can be:
the INSERT takes it itself, and the NOTIFY (delivered at COMMIT wherever it is issued) goes before it.
Each round trip inside it is a turn of the holder's event loop, 100 ms and more on a busy machine: with the
lock, the INSERT and the NOTIFY as three statements, notes beside a customer import queued on it for up to
0.56 s (log_lock_waits, two CPU burners) and, on a busier machine, past lock_timeout: BUSY_RETRY.
One turn can still be long (a holder's worker busy with an import's chunk: 1.27 s seen with two burners), and
the whole queue waits it out; the holder is committing, never waiting for anything, so a wait for EVENT_LOCK
is a wait for other writers' commits, not for a long transaction: it has its own, longer bound (EVENT_LOCK_WAIT)
instead of the app's lock_timeout, which is sized for row locks a long transaction may hold.
NOTIFY carries no payload (listeners read the rows by id). SQLite serializes writers anyway.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, cast, column, event, func, insert, select, text, values
from sqlalchemy.orm import Session

from db.models import DomainEvent

PENDING_KEY = "csrgraph.pending_events"
PENDING_SELECTS_KEY = "csrgraph.pending_event_selects"
COLUMNS = ("client_id", "kind", "customer_id", "entry_id", "memo_id")  # what `record_select`'s SELECT gives, in order
WRITTEN_KEY = "csrgraph.written_events"
CHANNEL = "csrgraph_events"
EVENT_LOCK = 0x6373_7267_6576  # "csrgev": the advisory lock key of appending to domain_events
COMMITTED_KEY = "csrgraph.committed_events"
EVENT_LOCK_WAIT = "10s"  # lock_timeout of the wait for EVENT_LOCK (module docstring); the app's is for row locks
# Listeners only wake and read by id: no payload. The same round trip, before the lock, sets its wait.
NOTIFY = text("SELECT pg_notify(:channel, ''), set_config('lock_timeout', :wait, true)")
on_commit: list[Callable[[list[int]], None]] = []  # called with the ids of events just committed (graph/event_trace.py)


def record(session: Any, **row: Any) -> None:
    """Append an event when the session's transaction commits (`session` is sync or async)."""
    session.info.setdefault(PENDING_KEY, []).append(row)


def record_select(session: Any, rows: Select) -> None:
    """Append the events `rows` selects (COLUMNS, in order) when the session's transaction commits."""
    session.info.setdefault(PENDING_SELECTS_KEY, []).append(rows)


def pending(session: Any) -> list[Any]:
    """Events recorded in the session's open transaction, not appended yet (rows, then SELECTs of rows)."""
    return [*session.info.get(PENDING_KEY, []), *session.info.get(PENDING_SELECTS_KEY, [])]


def written(session: Any) -> list[int]:
    """Ids of the events the session's commits appended since last asked."""
    return session.info.pop(WRITTEN_KEY, [])


class EventLoggingSession(Session):
    """The ORM session every sessionmaker here makes: it appends recorded events at commit."""


@event.listens_for(EventLoggingSession, "before_commit")
def append_pending(session: Session) -> None:
    """Append the recorded events (done at commit; tests call it to stop between the append and the commit)."""
    rows, selects = session.info.pop(PENDING_KEY, None), session.info.pop(PENDING_SELECTS_KEY, None)
    if not rows and not selects:
        return
    session.flush()  # the change itself first: the events are the transaction's last statements
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        ids = _append_locked(conn, rows or [], selects or [])
    else:
        ids = list(conn.execute(insert(DomainEvent).returning(DomainEvent.id), rows).scalars()) if rows else []
        for stmt in selects or ():
            ids += conn.execute(insert(DomainEvent).from_select(COLUMNS, stmt).returning(DomainEvent.id)).scalars()
    session.info.setdefault(WRITTEN_KEY, []).extend(sorted(ids))
    session.info.setdefault(COMMITTED_KEY, []).extend(ids)


def _append_locked(conn: Connection, rows: list[dict[str, Any]], selects: list[Select]) -> list[int]:
    """PostgreSQL: the NOTIFY (queued, sent at COMMIT), then each INSERT taking EVENT_LOCK itself: nothing but the
    COMMIT's round trip follows the lock (the module's docstring says why that matters)."""
    conn.execute(NOTIFY, {"channel": CHANNEL, "wait": EVENT_LOCK_WAIT})
    locked = _event_lock_taken()
    table = DomainEvent.__table__
    sources = list(selects)
    if rows:
        pending = values(*(column(c, table.c[c].type) for c in COLUMNS), name="pending")
        pending = pending.data([tuple(row.get(c) for c in COLUMNS) for row in rows])
        sources.insert(0, select(*(cast(pending.c[c], table.c[c].type) for c in COLUMNS)))  # a VALUES NULL is text
    ids: list[int] = []
    for source in sources:
        stmt = insert(DomainEvent).from_select(COLUMNS, source.where(locked)).returning(DomainEvent.id)
        ids += conn.execute(stmt).scalars()
    return ids


def _event_lock_taken() -> ColumnElement[bool]:
    """True once this transaction holds EVENT_LOCK. Uncorrelated, so PostgreSQL evaluates it once, before the first
    row (a one-time filter): the lock is held before the INSERT draws an id."""
    lock = select(func.pg_advisory_xact_lock(EVENT_LOCK)).subquery()
    return select(func.count()).select_from(lock).scalar_subquery() == 1


@event.listens_for(EventLoggingSession, "after_commit")
def _committed(session: Session) -> None:
    """Tell the observers (if any) right at COMMIT, before the request's way back through the event loop."""
    ids = session.info.pop(COMMITTED_KEY, None)
    for observer in on_commit if ids else ():
        observer(ids)


@event.listens_for(EventLoggingSession, "after_soft_rollback")
def _forget_pending(session: Session, _previous: Any) -> None:
    """Events of a transaction that rolled back never happened."""
    session.info.pop(PENDING_KEY, None)
    session.info.pop(PENDING_SELECTS_KEY, None)
    session.info.pop(COMMITTED_KEY, None)
