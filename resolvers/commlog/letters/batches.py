"""Bodies of the letters DataLoaders: documents, notifications and templates, one statement per batch."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer

from db.models import Document, LetterTemplate, Notification
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import (
    Page,
    PageRequest,
    count_by_parent,
    keyset_pages_by_parent,
)
from resolvers.scope import tenant_scoped

# The PDF stays in the database unless someone downloads or mails it; touching it here is a bug.
WITHOUT_CONTENT = defer(Document.content, raiseload=True)


async def documents_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Document | None]:
    stmt = tenant_scoped(select(Document).options(WITHOUT_CONTENT), Document, scope).where(Document.id.in_(ids))
    found = {d.id: d for d in (await scope.db.execute(stmt)).scalars()}
    return [found.get(i) for i in ids]


async def notifications_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Notification | None]:
    return await tenant_rows_by_ids(scope, Notification, ids)


async def templates_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[LetterTemplate | None]:
    return await tenant_rows_by_ids(scope, LetterTemplate, ids)


async def document_pages(
    scope: RequestScope, customer_ids: Sequence[int], request: PageRequest
) -> list[Page[Document]]:
    """Documents of many customers, newest first."""
    stmt = tenant_scoped(select(Document), Document, scope)
    return await keyset_pages_by_parent(
        scope.db, Document, stmt, Document.customer_id, customer_ids, [Document.id], lambda d: (d.id,), request,
        descending=True, reuse=(scope, "documents"),
    )


async def document_counts(scope: RequestScope, customer_ids: Sequence[int]) -> list[int]:
    stmt = tenant_scoped(select(Document), Document, scope)
    return await count_by_parent(scope.db, stmt, Document.customer_id, customer_ids, reuse=(scope, "documents"))


async def notification_pages(
    scope: RequestScope, customer_ids: Sequence[int], request: PageRequest
) -> list[Page[Notification]]:
    """Notifications of many customers, newest first."""
    stmt = tenant_scoped(select(Notification), Notification, scope)
    return await keyset_pages_by_parent(
        scope.db, Notification, stmt, Notification.customer_id, customer_ids, [Notification.id], lambda n: (n.id,),
        request, descending=True, reuse=(scope, "notifications"),
    )


async def notification_counts(scope: RequestScope, customer_ids: Sequence[int]) -> list[int]:
    stmt = tenant_scoped(select(Notification), Notification, scope)
    return await count_by_parent(scope.db, stmt, Notification.customer_id, customer_ids,
                                 reuse=(scope, "notifications"))


async def notifications_by_document_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[Notification]]:
    """Every delivery of each document, oldest first: the first send, then each resend."""
    return await _notifications_by(scope, Notification.document_id, ids)


async def notifications_by_entry_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[Notification]]:
    """The messages each log entry records, oldest first."""
    return await _notifications_by(scope, Notification.comm_log_entry_id, ids)


async def _notifications_by(scope: RequestScope, column: Any, ids: Sequence[int]) -> list[list[Notification]]:
    stmt = tenant_scoped(select(Notification), Notification, scope).where(column.in_(ids))
    grouped: dict[int, list[Notification]] = {i: [] for i in ids}
    for notification in (await scope.db.execute(stmt.order_by(Notification.id))).scalars():
        grouped[getattr(notification, column.key)].append(notification)
    return [grouped[i] for i in ids]
