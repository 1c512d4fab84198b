"""The client's users: invited, given a role, deactivated and reactivated by its admins; each change audited.

A change that would take the client's last active ADMIN away is refused. The client's row is locked first
(PostgreSQL; SQLite runs one write transaction at a time), so two admins demoting each other at once cannot
both win. Another client's user is not found.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.enums import Role, RoleSource
from db.models import Client, IdentityProvider, User
from resolvers import audit
from resolvers.admin.errors import AdminErrorCode
from resolvers.context import RequestScope
from resolvers.customers.contact import normalize_email
from resolvers.errors import Field, NotFound, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.roles import leaves_no_active_admin
from resolvers.scope import tenant_id_of, tenant_scoped
from resolvers.tickets.text import required_text

USER = "User"  # the audit trail's object type
MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class Invitation:
    email: str
    name: str
    role: Role


def user_email(value: str, field: Field) -> str:
    """A login email: a valid address, compared in lower case (as tokens and providers are matched)."""
    return normalize_email(value, field).lower()


async def invite_user(scope: RequestScope, invitation: Invitation) -> User:
    """Add an active user to the viewer's client."""
    ensure_allowed(scope, Action.MANAGE_USERS)
    email = user_email(invitation.email, "email")
    name = required_text(invitation.name, MAX_NAME, "name", "The name")
    await _lock_client(scope)
    user = await add_user(scope, email, name, invitation.role, "user.invite")
    return user


async def add_user(scope: RequestScope, email: str, name: str, role: Role, action: str) -> User:
    """Write a new active user of the scope's client and audit it as `action` (invite, provision, CLI)."""
    # Emails are unique across clients (one login, one client), so this check is not tenant-scoped.
    if (await scope.db.execute(select(User.id).where(User.email == email))).first() is not None:
        raise _email_in_use()
    user = User(client_id=tenant_id_of(scope), email=email, name=name, role=role, active=True, preferences={})
    scope.db.add(user)
    try:
        await scope.db.flush()
    except IntegrityError:  # the same email added by another client's transaction meanwhile
        raise _email_in_use() from None
    await audit.record(scope, action, USER, user.id, audit.diff({}, _state(user) | {"email": email, "name": name}))
    return user


def _email_in_use() -> UserInputError:
    return UserInputError(AdminErrorCode.EMAIL_IN_USE, "A user with this email already exists.", "email")


async def change_user_role(scope: RequestScope, user_id: int, role: Role) -> User:
    ensure_allowed(scope, Action.MANAGE_USERS)
    if await _roles_from_provider(scope):
        raise UserInputError(AdminErrorCode.ROLE_MANAGED_BY_PROVIDER,
                             "The identity provider decides this client's roles; change the user's groups there.",
                             "role")
    user = await _locked_user(scope, user_id)
    return await change_user(scope, user, "user.change_role", role=role)


async def deactivate_user(scope: RequestScope, user_id: int) -> User:
    """Lock the user out: their next request is refused once the auth cache lets go (graph/caches.py)."""
    ensure_allowed(scope, Action.MANAGE_USERS)
    return await change_user(scope, await _locked_user(scope, user_id), "user.deactivate", active=False)


async def reactivate_user(scope: RequestScope, user_id: int) -> User:
    ensure_allowed(scope, Action.MANAGE_USERS)
    return await change_user(scope, await _locked_user(scope, user_id), "user.reactivate", active=True)


async def change_user(scope: RequestScope, user: User, action: str, **changes: Any) -> User:
    """Apply role/active changes (the client locked), keeping an active ADMIN; audit what changed, from-to."""
    role, active = changes.get("role", user.role), changes.get("active", user.active)
    if leaves_no_active_admin(await _active_admins(scope), user.id, role, active):
        raise UserInputError(AdminErrorCode.LAST_ACTIVE_ADMIN,
                             "This is the client's last active ADMIN; make another user ADMIN first.", "id")
    before = _state(user)
    user.role, user.active = role, active
    changed = audit.diff(before, _state(user))
    if changed:
        await audit.record(scope, action, USER, user.id, changed)
        await scope.db.flush()
    return user


def _state(user: User) -> dict[str, Any]:
    return {"role": Role(user.role).value, "active": user.active}


async def _lock_client(scope: RequestScope) -> None:
    """Serialize user changes within the client (PostgreSQL row lock; SQLite writes are serial anyway)."""
    await scope.db.execute(select(Client.id).where(Client.id == tenant_id_of(scope)).with_for_update())


async def _locked_user(scope: RequestScope, user_id: int) -> User:
    await _lock_client(scope)
    stmt = tenant_scoped(select(User).where(User.id == user_id), User, scope)
    user = (await scope.db.execute(stmt)).scalar_one_or_none()
    if user is None:
        raise NotFound("User", "id")
    return user


async def _active_admins(scope: RequestScope) -> set[int]:
    stmt = tenant_scoped(select(User.id), User, scope).where(User.role == Role.ADMIN, User.active.is_(True))
    return set((await scope.db.execute(stmt)).scalars())


async def _roles_from_provider(scope: RequestScope) -> bool:
    stmt = tenant_scoped(select(IdentityProvider.role_source), IdentityProvider, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none() is RoleSource.CLAIM
