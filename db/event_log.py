"""The event log's write side: events a transaction records are inserted as its last statements, at commit.

A resolver records an event (`record`), or many at once as a SELECT of their columns (`record_select`: one
per note of a bulk job, one INSERT ... SELECT); when the session commits, `EventLoggingSession` flushes the
change first and then appends the events, so an event exists exactly when its change committed.

PostgreSQL hands out sequence values when rows are inserted but shows them when transactions commit, so
a reader at "id > last seen" could pass over an id whose transaction commits later. Appending therefore
takes a transaction-scoped advisory lock (EVENT_LOCK) first: the next appender waits until this commit
is visible, so ids become visible in id order and "id > last seen" never skips one. It is every
transaction's last lock (nothing but the insert, the NOTIFY and COMMIT follows it), which is why it
cannot take part in a deadlock; it is held for about a millisecond. NOTIFY carries only the newest id
(payloads stop at 8,000 bytes); listeners read the rows by id. SQLite serializes writers anyway.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, event, insert, text
from sqlalchemy.orm import Session

from db.models import DomainEvent

PENDING_KEY = "csrgraph.pending_events"
PENDING_SELECTS_KEY = "csrgraph.pending_event_selects"
COLUMNS = ("client_id", "kind", "customer_id", "entry_id", "memo_id")  # what `record_select`'s SELECT gives, in order
WRITTEN_KEY = "csrgraph.written_events"
CHANNEL = "csrgraph_events"
EVENT_LOCK = 0x6373_7267_6576  # "csrgev": the advisory lock key of appending to domain_events
COMMITTED_KEY = "csrgraph.committed_events"
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
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOCK})
    ids: list[int] = []
    if rows:
        ids += conn.execute(insert(DomainEvent).returning(DomainEvent.id), rows).scalars()  # many rows: few statements
    for stmt in selects or ():
        ids += conn.execute(insert(DomainEvent).from_select(COLUMNS, stmt).returning(DomainEvent.id)).scalars()
    if postgres and ids:
        conn.execute(text("SELECT pg_notify(:channel, :id)"), {"channel": CHANNEL, "id": str(max(ids))})
    session.info.setdefault(WRITTEN_KEY, []).extend(sorted(ids))
    session.info.setdefault(COMMITTED_KEY, []).extend(ids)


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
