"""Domain events: recorded during a transaction, handed to subscribers only after it commits."""

from dataclasses import dataclass
from typing import Any

from resolvers.context import RequestScope

EVENTS_KEY = "csrgraph.events"


@dataclass(frozen=True, slots=True)
class CommLogChanged:
    """An entry was added to a customer's log, or a memo to one of its entries."""

    tenant_id: int
    customer_id: int
    entry_id: int
    memo_id: int | None = None


def emit(scope: RequestScope, event: Any) -> None:
    scope.db.info.setdefault(EVENTS_KEY, []).append(event)


def pending(session: Any) -> list[Any]:
    """Events the session's transaction recorded (the wrapper publishes them after commit)."""
    return list(session.info.pop(EVENTS_KEY, []))
