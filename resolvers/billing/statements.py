"""Read statements built once per (client, shape) and then reused with bound parameters.

Building a SELECT with subqueries and window functions (column proxies, coercions, the cache key) costs
more CPU than SQLite takes to run it on a customer's page; a reused statement object skips all of that
(SQLAlchemy memoizes its cache key, so the compiled SQL is found at once). Statements embed the client's
filter from `tenant_scoped`, hence the client in the key. Per-call values must be `bindparam`s.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from resolvers.context import RequestScope
from resolvers.scope import tenant_id_of

MAX_STATEMENTS = 512  # clients x shapes; each is a few KB

_made: OrderedDict[tuple[int, Hashable], Any] = OrderedDict()


def reused(scope: RequestScope, shape: Hashable, build: Callable[[RequestScope], Any]) -> Any:
    """The statement `build(scope)` made for this client and `shape` (which must name everything it depends on)."""
    key = (tenant_id_of(scope), shape)
    stmt = _made.get(key)
    if stmt is None:
        stmt = _made[key] = build(scope)
        if len(_made) > MAX_STATEMENTS:
            _made.popitem(last=False)
    else:
        _made.move_to_end(key)
    return stmt
