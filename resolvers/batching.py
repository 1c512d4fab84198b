"""Shared shapes of DataLoader batch bodies: rows by primary key, aligned with the keys."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped


async def tenant_rows_by_ids(scope: RequestScope, model: Any, ids: Sequence[int]) -> list[Any | None]:
    """The client's rows with these ids, in key order; None where missing or another client's."""
    stmt = tenant_scoped(select(model).where(model.id.in_(ids)), model, scope)
    return _aligned(await scope.db.execute(stmt), ids)


async def shared_rows_by_ids(scope: RequestScope, model: Any, ids: Sequence[int]) -> list[Any | None]:
    """Reference rows every client shares (markets, utilities), in key order."""
    return _aligned(await scope.db.execute(select(model).where(model.id.in_(ids))), ids)


def _aligned(result: Any, ids: Sequence[int]) -> list[Any | None]:
    found = {row.id: row for row in result.scalars()}
    return [found.get(i) for i in ids]
