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
