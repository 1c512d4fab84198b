"""Process-level caches that spare every request a session: reference data and signed-in users."""

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

REFERENCE_TTL_SECONDS = 300.0  # markets and utilities change with releases, not during a day
# A verified token and the account it names are remembered this long per worker: a deactivated user (or a changed
# role, or changed sign-in settings) takes effect within it on every worker, at once on the one that changed it.
USER_TTL_SECONDS = 10.0


class TtlCache:
    """A dict whose entries expire; one per app (lifespan state), never shared across databases."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic, max_items: int = 10_000):
        self.ttl, self.clock, self.max_items = ttl, clock, max_items
        self._items: dict[Any, tuple[Any, float]] = {}  # key -> (value, expiry on `clock`)

    def get(self, key: Any) -> Any | None:
        item = self._items.get(key)
        if item is None or item[1] < self.clock():
            self._items.pop(key, None)
            return None
        return item[0]

    def pop(self, key: Any) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def put(self, key: Any, value: Any) -> None:
        if len(self._items) >= self.max_items:  # bounded: entries nobody asks for again are never popped by get
            self._items.pop(next(iter(self._items)))
        self._items[key] = (value, self.clock() + self.ttl)


def reference(batch: Callable[..., Awaitable[Sequence[Any]]]) -> Callable[..., Awaitable[Sequence[Any]]]:
    """Mark a batch body as shared reference data: its rows may be served from the app's cache."""
    batch.__csrgraph_reference__ = True  # type: ignore[attr-defined]
    return batch


def is_reference(batch: Callable[..., Any]) -> bool:
    return getattr(batch, "__csrgraph_reference__", False)


async def through_cache(cache: TtlCache, batch: Callable[..., Awaitable[Sequence[Any]]], scope: Any,
                        keys: Sequence[Any], fetch: Callable[[Sequence[Any]], Awaitable[Sequence[Any]]]) -> list[Any]:
    """Rows for `keys`, fetching only those the cache lacks."""
    found = {k: cache.get((batch, k)) for k in keys}
    missing = [k for k, v in found.items() if v is None]
    if missing:
        for key, row in zip(missing, await fetch(missing), strict=False):
            if row is not None:
                cache.put((batch, key), row)
            found[key] = row
    return [found[k] for k in keys]
