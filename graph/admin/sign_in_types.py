"""The client's identity provider settings as the API shows them (ADMIN only)."""

from typing import Self

import strawberry

from db import models
from graph.admin.enums import Role, RoleSource
from graph.core.errors import client_error
from resolvers.admin.identity_providers import own_provider
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed


@strawberry.type(description="One claim value and the role it gives.")
class RoleMapping:
    value: str = strawberry.field(description="A value of the role claim, e.g. a group's name or ID.")
    role: Role = strawberry.field(description="The role a token with this value gets.")


@strawberry.type(description="How the client's users sign in through its OpenID Connect provider. The SPA gets a "
                 "token from the provider (authorization code with PKCE) and sends it as the bearer token; it is "
                 "verified against the provider's published keys (RS256 or ES256).")
class IdentityProvider:
    issuer: str = strawberry.field(description="The provider's issuer URL; its discovery document and keys are "
                                   "fetched from it, and tokens must carry it as `iss`.")
    audience: str = strawberry.field(description="The `aud` tokens must carry (the application's client ID at the "
                                     "provider). Issuer and audience together name this client only.")
    email_claim: str = strawberry.field(description="The claim whose value is the user's email (e.g. email, "
                                        "preferred_username, upn; sub when the subject is the email).")
    role_source: RoleSource = strawberry.field(description="Where signed-in users' roles come from.")
    role_claim: str | None = strawberry.field(description="With roles from a claim: the claim's name (e.g. roles, "
                                              "groups, or a dotted path such as realm_access.roles).")
    role_mapping: list[RoleMapping] = strawberry.field(description="With roles from a claim: which values give "
                                                       "which role.")
    just_in_time_provisioning: bool = strawberry.field(
        description="A verified token whose email matches no user of the client creates one (audited as "
        "user.provision). Off: such a token is refused (401, reason UNKNOWN_USER). Never reactivates a deactivated "
        "user.")
    provisioned_role: Role = strawberry.field(
        description="The role a just-in-time user gets when roles are stored on the users.")
    local_tokens: bool = strawberry.field(description="Whether local tokens (`csrgraph token`) still sign this "
                                          "client's users in; false: only the provider's tokens do.")

    @classmethod
    def from_row(cls, row: models.IdentityProvider) -> Self:
        mapping = [RoleMapping(value=v, role=Role(r)) for v, r in sorted((row.role_mapping or {}).items())]
        return cls(issuer=row.issuer, audience=row.audience, email_claim=row.email_claim,
                   role_source=RoleSource(row.role_source), role_claim=row.role_claim, role_mapping=mapping,
                   just_in_time_provisioning=row.just_in_time, provisioned_role=Role(row.provisioned_role),
                   local_tokens=row.local_tokens)


async def identity_provider_of_viewer(info: strawberry.Info) -> IdentityProvider | None:
    try:
        ensure_allowed(info.context.scope, Action.CONFIGURE_SIGN_IN)
    except UserInputError as error:
        raise client_error(error) from None
    async with info.context.session_scope() as scope:
        row = await own_provider(scope)
    return IdentityProvider.from_row(row) if row else None
