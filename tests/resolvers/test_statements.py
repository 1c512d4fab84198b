"""The built-statement cache: one per app, keyed by client and shape, least recently used dropped first; and
plain_rows, which runs such statements through Core."""

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.enums import Role
from db.models import Customer
from resolvers.context import RequestScope, Viewer
from resolvers.statements import StatementCache, plain_rows, reused
from tests.factories.customers import make_customer


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


@pytest.mark.parametrize("autoflush", [True, False], ids=["autoflush", "no-autoflush"])
async def test_plain_rows_see_pending_changes_as_the_sessions_own_execute_does(database, tenant, autoflush):
    # given a session holding a change to a customer that it has not flushed
    async with async_sessionmaker(database.engine, autoflush=autoflush)() as session:
        customer = await make_customer(session, tenant, "Before Rename")
        customer.name = "After Rename"
        stmt = select(*Customer.__table__.columns).where(Customer.id == bindparam("id"))
        # when it reads the customer as plain rows, and through its own execute
        plain = await plain_rows(session, stmt, {"id": customer.id})
        through_orm = (await session.execute(stmt, {"id": customer.id})).all()
        await session.rollback()
    # then both read the same row: the pending change where the session autoflushes, else the flushed one
    assert [row.name for row in plain] == [row.name for row in through_orm] == [
        "After Rename" if autoflush else "Before Rename"]
