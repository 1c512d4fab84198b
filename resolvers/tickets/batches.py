"""Bodies of the tickets domain's DataLoaders: one statement per batch of keys, rows aligned with the keys."""

from collections.abc import Sequence

from sqlalchemy import select

from db.models import AuthorizedContact, Ticket
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped


async def tickets_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Ticket | None]:
    return await tenant_rows_by_ids(scope, Ticket, ids)


async def authorized_contacts_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[AuthorizedContact | None]:
    return await tenant_rows_by_ids(scope, AuthorizedContact, ids)


async def contacts_by_customer_ids(scope: RequestScope, ids: Sequence[int], include_removed: bool
                                   ) -> list[list[AuthorizedContact]]:
    """Each customer's contacts, oldest first; removed ones only if asked. One SELECT."""
    stmt = select(AuthorizedContact).where(AuthorizedContact.customer_id.in_(ids))
    if not include_removed:
        stmt = stmt.where(AuthorizedContact.removed_at.is_(None))
    stmt = tenant_scoped(stmt, AuthorizedContact, scope).order_by(AuthorizedContact.id)
    found: dict[int, list[AuthorizedContact]] = {i: [] for i in ids}
    for row in (await scope.db.execute(stmt)).scalars():
        found[row.customer_id].append(row)
    return [found[i] for i in ids]
