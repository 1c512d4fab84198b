"""The tenant filter fails closed: no tenant, no query."""

import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import Customer
from resolvers.context import RequestScope, Viewer
from resolvers.scope import TenantNotSet, tenant_scoped


@pytest.mark.parametrize("tenant_id", [None, 0, -1, "1"])
def test_missing_or_bogus_tenant_refuses_to_build_a_query(tenant_id):
    scope = RequestScope(viewer=Viewer(user_id=1, tenant_id=tenant_id, role=Role.AGENT, email="a@x"), request_id="r")
    with pytest.raises(TenantNotSet):
        tenant_scoped(select(Customer), Customer, scope)


def test_no_scope_at_all_refuses():
    with pytest.raises(TenantNotSet):
        tenant_scoped(select(Customer), Customer, None)


def test_a_tenant_adds_the_filter():
    scope = RequestScope(viewer=Viewer(user_id=1, tenant_id=7, role=Role.AGENT, email="a@x"), request_id="r")
    sql = str(tenant_scoped(select(Customer), Customer, scope).compile(compile_kwargs={"literal_binds": True}))
    assert "customers.client_id = 7" in sql


def test_a_value_of_rows_is_computed_once_for_the_same_rows_and_afresh_for_others():
    scope = RequestScope(viewer=Viewer(user_id=1, tenant_id=7, role=Role.AGENT, email="a@x"), request_id="r")
    calls: list[str] = []

    def compute(name: str, rows: list[tuple[int]]) -> int:
        calls.append(name)
        return sum(n for (n,) in rows)

    rows, equal_rows = [(1,), (2,)], [(1,), (2,)]
    copy = scope.with_session(None)  # type: ignore[arg-type]  # a loader's copy of the request's scope
    assert scope.from_rows("sum", rows, lambda: compute("first", rows)) == 3
    assert copy.from_rows("sum", rows, lambda: compute("same rows", rows)) == 3
    # rows read again (say after a write) are other rows, even if equal; another value of the same rows is its own
    assert scope.from_rows("sum", equal_rows, lambda: compute("read again", equal_rows)) == 3
    assert scope.from_rows("other", equal_rows, lambda: compute("other value", equal_rows)) == 3
    assert calls == ["first", "read again", "other value"]
    # and another request's scope computes its own
    fresh = RequestScope(viewer=scope.viewer, request_id="r2")
    assert fresh.from_rows("sum", equal_rows, lambda: compute("another request", equal_rows)) == 3
    assert calls[-1] == "another request"
