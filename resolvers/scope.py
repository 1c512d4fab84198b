"""The one tenant filter. Every query of tenant-owned rows goes through `tenant_scoped`."""

from typing import Any, TypeVar, overload

from sqlalchemy import Select, Update

from resolvers.context import RequestScope

S = TypeVar("S", bound=Select[Any])


class TenantNotSet(RuntimeError):
    """Raised instead of running an unfiltered query: the helper fails closed."""


def tenant_id_of(scope: RequestScope | None) -> int:
    tenant_id = getattr(getattr(scope, "viewer", None), "tenant_id", None)
    if not isinstance(tenant_id, int) or tenant_id <= 0:
        raise TenantNotSet("no tenant in scope; refusing to run an unscoped query")
    return tenant_id


@overload
def tenant_scoped(stmt: S, model: Any, scope: RequestScope | None) -> S: ...
@overload
def tenant_scoped(stmt: Update, model: Any, scope: RequestScope | None) -> Update: ...
def tenant_scoped(stmt: Select[Any] | Update, model: Any, scope: RequestScope | None) -> Select[Any] | Update:
    """Restrict `stmt` (a SELECT, or an UPDATE alike) to the rows of the scope's client."""
    return stmt.where(model.client_id == tenant_id_of(scope))
