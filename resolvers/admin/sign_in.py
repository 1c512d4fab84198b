"""Who a request is: the account behind a local token's user ID, or behind a provider token's verified identity.

This runs before any tenant is known (the token names it), so its lookups are not tenant-scoped; a provider's
identity is looked up only among the users of the client that provider belongs to.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import Role, RoleSource
from db.models import Client, IdentityProvider, User
from resolvers import audit
from resolvers.admin.errors import SignInRefusal
from resolvers.admin.users import USER, add_user
from resolvers.context import RequestScope
from resolvers.rules.identity import Identity, ProviderRules


@dataclass(frozen=True, slots=True)
class Account:
    """A user with their client, as authentication caches them."""

    user: User
    client: Client
    local_tokens: bool  # the client accepts local tokens: it has no provider, or its provider allows them


@dataclass(frozen=True, slots=True)
class Provider:
    """A client's provider settings as sign-in reads them (cached per issuer)."""

    client_id: int
    issuer: str
    audience: str
    rules: ProviderRules
    just_in_time: bool
    provisioned_role: Role


@dataclass(frozen=True, slots=True)
class Change:
    """What must be written before the identity signs in: a new user (None) with `role`, or `role` on `user`."""

    user: User | None
    role: Role


async def account(session: AsyncSession, user_id: int) -> Account | None:
    """The user behind a token with their client, active or not (the caller refuses the inactive)."""
    return (await accounts(session, [user_id])).get(user_id)


async def accounts(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, Account]:
    """`account` for several users in one statement (the open websockets are checked so), by user id."""
    stmt = (select(User, Client, IdentityProvider.local_tokens).join(Client, Client.id == User.client_id)
            .outerjoin(IdentityProvider, Client.id == IdentityProvider.client_id).where(User.id.in_(sorted(user_ids))))
    return {user.id: Account(user, client, local is not False) for user, client, local in await session.execute(stmt)}


async def providers_for_issuer(session: AsyncSession, issuer: str) -> tuple[Provider, ...]:
    """Every client configuration of `issuer` (one per audience)."""
    rows = (await session.execute(select(IdentityProvider).where(IdentityProvider.issuer == issuer))).scalars()
    return tuple(_provider(row) for row in rows)


def _provider(row: IdentityProvider) -> Provider:
    mapping = {value: Role(role) for value, role in (row.role_mapping or {}).items()}
    rules = ProviderRules(row.email_claim, RoleSource(row.role_source), row.role_claim, mapping)
    return Provider(row.client_id, row.issuer, row.audience, rules, row.just_in_time, Role(row.provisioned_role))


async def user_for_identity(
    session: AsyncSession, provider: Provider, identity: Identity
) -> User | SignInRefusal | Change:
    """Read only: the user the identity names in the provider's client, why nobody, or what to write first."""
    user = (await session.execute(select(User).where(User.email == identity.email))).scalar_one_or_none()
    if user is None or user.client_id != provider.client_id:
        # a deactivated user is never provisioned anew, and another client's email is nobody here
        if user is None and provider.just_in_time:
            return Change(None, identity.role or provider.provisioned_role)
        return SignInRefusal.UNKNOWN_USER
    if not user.active:
        return SignInRefusal.USER_DEACTIVATED
    if identity.role is not None and identity.role != user.role:
        return Change(user, identity.role)
    return user


async def apply_change(
    session: AsyncSession, provider: Provider, identity: Identity, request_id: str
) -> User | SignInRefusal:
    """In a write transaction: decide again, then provision the user or store the provider's role, audited
    with no actor. Raises UserInputError (EMAIL_IN_USE) if another transaction took the email meanwhile."""
    decided = await user_for_identity(session, provider, identity)
    if not isinstance(decided, Change):
        return decided
    scope = RequestScope.of_system(provider.client_id, request_id, session)
    if decided.user is None:
        name = identity.name or identity.email.split("@")[0]
        return await add_user(scope, identity.email, name, decided.role, "user.provision")
    # The provider is the authority on roles from its claim, so the last-admin rule (which guards the API's own
    # changes) does not stop it: a user whose admin group was taken away is no admin here either.
    user, before = decided.user, Role(decided.user.role).value
    user.role = decided.role
    await audit.record(
        scope, "user.role_from_provider", USER, user.id, {"role": {"from": before, "to": user.role.value}}
    )
    await session.flush()
    return user
