"""Shared shapes of DataLoader batch bodies: rows by primary key, aligned with the keys."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select

from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped
from resolvers.statements import narrowed, plain_rows, reused


async def tenant_rows_by_ids(scope: RequestScope, model: Any, ids: Sequence[int], *,
                             plain: bool = False) -> list[Any | None]:
    """The client's rows with these ids, in key order; None where missing or another client's. One statement per
    client and model, built once (resolvers/statements.py), the ids bound per call. `plain`: rows with the model's
    columns by name, not ORM instances (several times cheaper), for callers that only read columns."""
    stmt = reused(scope, ("rows-by-id", model.__tablename__, plain), lambda s: _by_ids(s, model, plain))
    if plain:
        return _aligned(await plain_rows(scope.db, stmt, {"ids": list(ids)}), ids)
    return _aligned((await scope.db.execute(stmt, {"ids": list(ids)})).scalars(), ids)


def _by_ids(scope: RequestScope, model: Any, plain: bool) -> Select[Any]:
    stmt = select(*model.__table__.columns) if plain else select(model)
    return tenant_scoped(stmt.where(model.id.in_(bindparam("ids", expanding=True))), model, scope)


async def shared_rows_by_ids(scope: RequestScope, model: Any, ids: Sequence[int]) -> list[Any | None]:
    """Reference rows every client shares (markets, utilities), in key order."""
    return _aligned((await scope.db.execute(select(model).where(model.id.in_(ids)))).scalars(), ids)


def _aligned(rows: Any, ids: Sequence[int]) -> list[Any | None]:
    found = {row.id: row for row in rows}
    return [found.get(i) for i in ids]


@dataclass(frozen=True, eq=False)
class RowsByParent:
    """Every child row of many parents (an account's enrollments) in one statement, built once per client with the
    parents bound (`parent_ids`), declared once: a DataLoader batch, and a compiled plan's list level
    (graph/compiled/connections.py) runs the same statement.

    `build(scope)` selects plain rows, in each parent's order, and filters `parent_ids` with the tenant predicate;
    `parent` is the rows' attribute naming their parent."""

    name: str
    model: Any  # the mapped class of the rows
    build: Callable[[RequestScope], Select[Any]]
    parent: str

    def statement(self, scope: RequestScope, columns: tuple[str, ...] | None = None) -> Select[Any]:
        """The client's statement; `columns`: the row keys the caller reads (a compiled plan's level), which it
        selects with the parent (None: all)."""
        if columns is None:
            return reused(scope, ("rows-by-parent", self.name), self.build)
        wanted = {*columns, self.parent}
        return reused(scope, ("rows-by-parent", self.name, columns), lambda s: narrowed(self.build(s), wanted))

    def group(self, rows: Iterable[Any], parent_ids: Sequence[Any]) -> list[list[Any]]:
        """The rows of `statement` as each parent's list, in `parent_ids`' order."""
        if len(parent_ids) == 1:  # every row is the one parent's (the statement reads the parents given only)
            return [list(rows)]
        grouped: dict[Any, list[Any]] = {i: [] for i in parent_ids}
        for row in rows:
            grouped[getattr(row, self.parent)].append(row)
        return [grouped[i] for i in parent_ids]

    async def __call__(self, scope: RequestScope, parent_ids: Sequence[Any]) -> list[list[Any]]:
        found = await plain_rows(scope.db, self.statement(scope), {"parent_ids": list(parent_ids)})
        return self.group(found, parent_ids)


def in_parents(column: Any) -> Any:
    """`column IN :parent_ids`, the parents bound per call (RowsByParent)."""
    return column.in_(bindparam("parent_ids", expanding=True))

