"""The per-request context: who asks, the session factories, and request-scoped DataLoaders.

Strawberry resolves sibling fields concurrently and an AsyncSession must not be shared by
concurrent tasks (asyncpg refuses; aiosqlite hides it). So every DataLoader batch and every
root query opens its own short-lived session; mutations, which run one at a time, get one
session for their whole transaction from the mutation wrapper.
"""

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from db.models import Client, User
from db.writes import Writes
from graph.caches import TtlCache, is_reference, through_cache
from graph.event_feed import EventFeed
from graph.socket_guard import SocketGuard
from resolvers.context import RequestScope, Viewer
from resolvers.statements import StatementCache

Batch = Callable[[RequestScope, Sequence[Any]], Awaitable[Sequence[Any]]]
GroupedBatch = Callable[[RequestScope, Sequence[Any], Any], Awaitable[Sequence[Any]]]


class ReferenceLoader(DataLoader[Any, Any]):
    """A loader whose rows the app's reference cache may already hold: those come as finished futures,
    which graph/core/eager.py resolves without an await (and without waiting for the batch)."""

    def __init__(self, *, load_fn: Any, cached: TtlCache, batch: Batch):
        super().__init__(load_fn=load_fn)
        self.cached, self.reference_batch = cached, batch  # not `batch`: DataLoader uses that name

    def load(self, key: Any) -> Any:
        self.primed(key)
        return super().load(key)

    def primed(self, key: Any) -> Any | None:
        """The future of `key`, from this request or the app's cache; None (and no batch) otherwise."""
        if self.cache_map.get(key) is None:
            row = self.cached.get((self.reference_batch, key))
            if row is not None:
                self.prime(key, row)
        return self.cache_map.get(key)


@dataclass
class Loaders:
    """DataLoaders made on first use and kept for one request (never across requests)."""

    scope: RequestScope
    sessionmaker: async_sessionmaker[AsyncSession]
    reference_cache: TtlCache
    _made: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)
    # GraphQL objects made from loaded rows, by (batch, key, conversion): many accounts share a few
    # utilities, markets and plans, which then are built once (graph/core/eager.py: at_once)
    converted: dict[Hashable, Any] = field(default_factory=dict)

    def of(self, batch: Batch) -> DataLoader[Any, Any]:
        """Loader over `batch(scope, keys)`: one call per batch of keys (reference data cached per app)."""
        if batch not in self._made:
            if is_reference(batch):
                load = lambda keys: through_cache(self.reference_cache, batch, self.scope, keys,  # noqa: E731
                                                  lambda missing: self._run(batch, missing))
                self._made[batch] = ReferenceLoader(load_fn=load, cached=self.reference_cache, batch=batch)
            else:
                self._made[batch] = DataLoader(load_fn=lambda keys: self._run(batch, keys))
        return self._made[batch]

    def grouped(self, batch: GroupedBatch) -> DataLoader[Any, Any]:
        """Loader over `(key, argument)` pairs: one call of `batch(scope, keys, argument)` per argument."""
        marker = ("grouped", batch)
        if marker not in self._made:
            self._made[marker] = DataLoader(load_fn=lambda pairs: self._run_grouped(batch, pairs))
        return self._made[marker]

    def peek(self, batch: Batch, key: Any) -> Any | None:
        """The future the loader of `batch` holds for `key`, if any, without asking for it."""
        loader = self.of(batch)
        return loader.primed(key) if isinstance(loader, ReferenceLoader) else loader.cache_map.get(key)

    def clear(self) -> None:
        self._made.clear()

    async def _run(self, batch: Batch, keys: Sequence[Any]) -> Sequence[Any]:
        async with self.sessionmaker() as session:
            return await batch(self.scope.with_session(session), keys)

    async def _run_grouped(self, batch: GroupedBatch, pairs: Sequence[tuple[Any, Any]]) -> list[Any]:
        groups: dict[Any, list[int]] = defaultdict(list)
        for position, (_key, argument) in enumerate(pairs):
            groups[argument].append(position)
        results: list[Any] = [None] * len(pairs)
        async with self.sessionmaker() as session:
            scope = self.scope.with_session(session)
            for argument, positions in groups.items():
                found = await batch(scope, [pairs[p][0] for p in positions], argument)
                for position, value in zip(positions, found, strict=False):
                    results[position] = value
        return results


# The signed-in request's loaders, for types that fill plain attribute fields from them when built.
REQUEST_LOADERS: ContextVar[Loaders | None] = ContextVar("csrgraph_request_loaders", default=None)


def request_loaders() -> Loaders:
    loaders = REQUEST_LOADERS.get()
    if loaders is None:
        raise RuntimeError("no signed-in request in this context")
    return loaders


@dataclass
class Context:
    """For HTTP, made authenticated; for a websocket, authenticated by `sign_in` at connection_init."""

    request: Any
    response: Any
    sessionmaker: async_sessionmaker[AsyncSession]
    writes: Writes
    feed: EventFeed
    request_id: str
    reference_cache: TtlCache
    statements: StatementCache
    auth_cache: TtlCache | None = None
    socket_guard: SocketGuard | None = None
    user: User = None  # type: ignore[assignment]
    client: Client = None  # type: ignore[assignment]
    scope: RequestScope = None  # type: ignore[assignment]
    loaders: Loaders = None  # type: ignore[assignment]
    connection_params: dict[str, Any] | None = None

    def sign_in(self, user: User, client: Client) -> None:
        viewer = Viewer(user_id=user.id, tenant_id=client.id, role=user.role, email=user.email)
        self.user, self.client = user, client
        self.scope = RequestScope(viewer=viewer, request_id=self.request_id, statements=self.statements)
        self.loaders = Loaders(self.scope, self.sessionmaker, self.reference_cache)
        REQUEST_LOADERS.set(self.loaders)  # for fields built with their values (graph/core/eager.py: at_once)

    def forget_accounts(self) -> None:
        """Drop this worker's remembered tokens and accounts after users or sign-in settings changed, so the
        change applies here at once (other workers: within the auth cache's lifetime), open websockets too."""
        if self.auth_cache is not None:
            self.auth_cache.clear()
        if self.socket_guard is not None:
            self.socket_guard.poke()

    @asynccontextmanager
    async def session_scope(self) -> AsyncIterator[RequestScope]:
        """A scope with its own short-lived session, for one root query resolver."""
        async with self.sessionmaker() as session:
            yield self.scope.with_session(session)
