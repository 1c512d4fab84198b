"""Read statements built once per (client, shape) and then reused with bound parameters: one cache per app.

Building a SELECT with subqueries, unions and window functions (column proxies, coercions, the cache key)
costs more CPU than SQLite takes to run it on a customer's page; a reused statement object skips all of that
(SQLAlchemy memoizes its cache key, so the compiled SQL is found at once). Statements embed the client's
filter from `tenant_scoped`, hence the client in the key. Per-call values must be `bindparam`s.

The app's lifespan makes the one cache (graph/app.py) and every request's scope carries it; a scope made
outside the app (the command line, a test) gets a cache of its own, which lives as long as the scope.
"""

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # resolvers.context imports this module
    from resolvers.context import RequestScope

# How a batch reads the rows of a statement with its parameters: a request session's connection (plain_rows, the
# loaders) or a compiled plan's own (graph/compiled: Reader.run), so both read through one definition.
Run = Callable[[Any, dict[str, Any]], Awaitable[Sequence[Any]]]
MAX_STATEMENTS = 768  # clients x shapes (billing lists and batches, timeline pages and counts); each a few KB


class StatementCache:
    """Built statements by key; past `size`, the least recently used is dropped."""

    def __init__(self, size: int = MAX_STATEMENTS):
        self.size = size
        self._built: OrderedDict[Hashable, Any] = OrderedDict()

    def of(self, scope: "RequestScope", shape: Hashable, build: Callable[["RequestScope"], Any]) -> Any:
        """The statement `build(scope)` made for the scope's client and `shape`, built on first use (`reused`)."""
        key = (scope.tenant_id, shape)
        built = self._built
        statement = built.get(key)
        if statement is None:
            statement = built[key] = build(scope)
            if len(built) > self.size:
                built.popitem(last=False)
        else:
            built.move_to_end(key)
        return statement

    def __len__(self) -> int:
        return len(self._built)


def reused(scope: "RequestScope", shape: Hashable, build: Callable[["RequestScope"], Any]) -> Any:
    """The statement `build(scope)` made for this client and `shape` (which must name everything it depends on)."""
    return scope.statements.of(scope, shape, build)


def narrowed(statement: Any, keys: Collection[str] | None) -> Any:
    """`statement` selecting only the columns `keys` names, in its own order, its FROM (every table it read, even one
    no longer selected), filters and order kept: a compiled plan's statement reads only what its selection shows
    (docs/compiled-plans.md, section 16). Unchanged when `keys` is None or names a column it does not select (the
    caller then reads whole rows), or it is no plain SELECT."""
    if keys is None or not isinstance(statement, Select):
        return statement
    selected = statement.selected_columns
    if not set(keys) <= set(selected.keys()):
        return statement
    return statement.with_only_columns(*(column for key, column in selected.items() if key in keys),
                                       maintain_column_froms=True)


async def plain_rows(session: AsyncSession, statement: Executable, params: Mapping[str, Any]) -> Sequence[Row[Any]]:
    """The rows of a statement of columns (no ORM entities), run by Core on the session's connection: the ORM's
    execution (its compile state, its result wrapping) adds nothing to rows and costs about a fifth of a small read.
    Pending changes are flushed first where the session autoflushes, as its own execute would."""
    return await session.run_sync(_plain_rows, statement, dict(params))


def _plain_rows(session: Session, statement: Executable, params: dict[str, Any]) -> Sequence[Row[Any]]:
    # one hop into SQLAlchemy's greenlet for the connection and the rows (and, as with Session.execute, no demand
    # that the driver awaited: the write path's connection may answer at once)
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, params).all()
