"""Bodies of the admin DataLoaders."""

from collections.abc import Sequence

from sqlalchemy import select

from db.models import AuditEvent, User
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_by_parent, keyset_pages_by_parent
from resolvers.scope import tenant_scoped


async def users_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[User | None]:
    return await tenant_rows_by_ids(scope, User, ids)


async def audit_events_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[AuditEvent | None]:
    return await tenant_rows_by_ids(scope, AuditEvent, ids)


async def audit_pages(
    scope: RequestScope, object_ids: Sequence[int], argument: tuple[str, PageRequest]
) -> list[Page[AuditEvent]]:
    """Audit events of many objects of one type, newest first."""
    object_type, request = argument
    stmt = tenant_scoped(select(AuditEvent), AuditEvent, scope).where(AuditEvent.object_type == object_type)
    return await keyset_pages_by_parent(
        scope.db, AuditEvent, stmt, AuditEvent.object_id, object_ids,
        [AuditEvent.id], lambda e: (e.id,), request, descending=True, reuse=(scope, ("audit", object_type)),
    )


async def audit_counts(scope: RequestScope, object_ids: Sequence[int], object_type: str) -> list[int]:
    stmt = tenant_scoped(select(AuditEvent), AuditEvent, scope).where(AuditEvent.object_type == object_type)
    return await count_by_parent(scope.db, stmt, AuditEvent.object_id, object_ids,
                                 reuse=(scope, ("audit", object_type)))
