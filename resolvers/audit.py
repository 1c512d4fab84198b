"""Audit events: every mutation records who changed what, from and to, in its transaction."""

from typing import Any

from sqlalchemy import insert

from db.models import AuditEvent
from resolvers.context import RequestScope

# built once: a hot mutation (postPayment) writes its event as a plain row
_INSERT_EVENT = insert(AuditEvent.__table__)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {field: {"from": old, "to": new}}."""
    return {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}


async def record(
    scope: RequestScope, action: str, object_type: str, object_id: int, changes: dict[str, Any]
) -> AuditEvent:
    event = AuditEvent(**_columns(scope, action, object_type, object_id, changes))
    scope.db.add(event)
    return event


async def insert_event(
    scope: RequestScope, action: str, object_type: str, object_id: int, changes: dict[str, Any]
) -> None:
    """`record` as one Core INSERT, now: for a write path that holds no ORM objects, which then has nothing for the
    unit of work to flush."""
    await scope.db.execute(_INSERT_EVENT, _columns(scope, action, object_type, object_id, changes))


def _columns(
    scope: RequestScope, action: str, object_type: str, object_id: int, changes: dict[str, Any]
) -> dict[str, Any]:
    """An audit event's columns: who did what to which object, in which request (both ways of writing one)."""
    return {"client_id": scope.tenant_id, "actor_id": scope.viewer.user_id, "action": action,
            "object_type": object_type, "object_id": object_id, "changes": changes, "request_id": scope.request_id}
