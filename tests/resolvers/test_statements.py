"""The built-statement cache: one per app, keyed by client and shape, least recently used dropped first."""

import pytest

from db.enums import Role
from resolvers.context import RequestScope, Viewer
from resolvers.statements import StatementCache, reused


def scope_of(tenant_id: int, statements: StatementCache | None = None) -> RequestScope:
    viewer = Viewer(user_id=1, tenant_id=tenant_id, role=Role.AGENT, email="a@x")
    return RequestScope(viewer, "r") if statements is None else RequestScope(viewer, "r", statements=statements)


class Builds:
    """A `build` that records whom it built for."""

    def __init__(self):
        self.calls: list[int] = []

    def __call__(self, scope: RequestScope) -> object:
        self.calls.append(scope.tenant_id)
        return object()


def test_a_shape_is_built_once_per_client_and_then_reused():
    cache, build = StatementCache(), Builds()
    first = reused(scope_of(1, cache), "shape", build)
    again = reused(scope_of(1, cache), "shape", build)
    other_client = reused(scope_of(2, cache), "shape", build)
    assert again is first
    assert other_client is not first  # statements embed the client's filter
    assert build.calls == [1, 2]


def test_the_least_recently_used_statement_goes_first():
    cache, build = StatementCache(size=2), Builds()
    scope = scope_of(1, cache)
    a = reused(scope, "a", build)
    reused(scope, "b", build)
    assert reused(scope, "a", build) is a  # "a" is now the most recently used
    reused(scope, "c", build)  # drops "b"
    assert len(cache) == 2
    assert reused(scope, "a", build) is a
    reused(scope, "b", build)
    assert len(build.calls) == 4  # a, b, c, and b again


@pytest.mark.parametrize("size", [1, 3, 10])
def test_the_cache_never_holds_more_than_its_size(size):
    cache, build = StatementCache(size=size), Builds()
    for n in range(3 * size):
        reused(scope_of(1 + n % 2, cache), n, build)
    assert len(cache) == size


def test_a_scope_keeps_its_cache_with_a_session_and_one_made_outside_the_app_has_its_own():
    shared = StatementCache()
    assert scope_of(1, shared).with_session(object()).statements is shared  # type: ignore[arg-type]
    assert scope_of(1).statements is not scope_of(1).statements
