"""The client's users as a keyset list by name, filtered by role and active flag (TEAM_LEAD or ADMIN)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from db.enums import Role
from db.models import User
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_rows, keyset_page
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped


@dataclass(frozen=True, slots=True)
class UserFilter:
    role: Role | None = None
    active: bool | None = None


def _filtered(scope: RequestScope, criteria: UserFilter) -> Select[Any]:
    ensure_allowed(scope, Action.VIEW_USERS)
    stmt = tenant_scoped(select(User), User, scope)
    if criteria.role is not None:
        stmt = stmt.where(User.role == criteria.role)
    if criteria.active is not None:
        stmt = stmt.where(User.active.is_(criteria.active))
    return stmt


async def user_page(scope: RequestScope, criteria: UserFilter, request: PageRequest) -> Page[User]:
    return await keyset_page(scope.db, _filtered(scope, criteria), [User.name, User.id], lambda u: (u.name, u.id),
                             request)


async def user_count(scope: RequestScope, criteria: UserFilter) -> int:
    return await count_rows(scope.db, _filtered(scope, criteria))
