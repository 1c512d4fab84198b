"""Inputs of users and sign-in settings (ADMIN mutations, the users list)."""

import strawberry

from db import enums
from db.models import IdentityProvider, User
from graph.admin.enums import Role, RoleSource
from graph.core.text import client_mutation_id_field, text_field
from resolvers.rules.identity import MAX_MAPPED_VALUE


@strawberry.input(description="A user to add to the viewer's client.")
class InviteUserInput:
    email: str = text_field("Login email, unique across the service; the identity provider's email claim must "
                            "carry it.", User.email)
    name: str = text_field("Display name.", User.name)
    role: Role = strawberry.field(description="What the user may do.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A new role for a user of the viewer's client.")
class ChangeUserRoleInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    role: Role = strawberry.field(description="The new role.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A user of the viewer's client to deactivate or reactivate.")
class UserIdInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Which users to list; omitted criteria match every user.")
class UserFilter:
    role: Role | None = strawberry.field(default=None, description="Only users with this role.")
    active: bool | None = strawberry.field(default=None, description="Only active (true) or deactivated (false) users.")


@strawberry.input(description="One claim value and the role it gives.")
class RoleMappingInput:
    value: str = text_field("A value of the role claim, e.g. a group's name or ID.", MAX_MAPPED_VALUE)
    role: Role = strawberry.field(description="The role it gives.")


@strawberry.input(description="The client's identity provider settings; they replace any earlier ones.")
class ConfigureIdentityProviderInput:
    issuer: str = text_field("The provider's issuer URL (https; tokens' `iss`).", IdentityProvider.issuer)
    audience: str = text_field("The `aud` tokens must carry: the application's client ID there.",
                               IdentityProvider.audience)
    email_claim: str = text_field("The claim carrying the user's email.", IdentityProvider.email_claim,
                                  default="email")
    role_source: RoleSource = strawberry.field(
        default=RoleSource.STORED, description="Where signed-in users' roles come from.")
    role_claim: str | None = text_field("With roles from a claim: its name.", IdentityProvider.role_claim, default=None)
    role_mapping: list[RoleMappingInput] = strawberry.field(
        default_factory=list, description="With roles from a claim: which values give which role (at most 50).")
    just_in_time_provisioning: bool = strawberry.field(
        default=False, description="Create a user on the first sign-in of an email the client does not know yet.")
    provisioned_role: Role = strawberry.field(
        default=Role.AGENT, description="The role such a user gets when roles are stored.")
    local_tokens: bool = strawberry.field(default=True, description="Whether local tokens still sign users in.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Stop signing the client's users in through an identity provider.")
class RemoveIdentityProviderInput:
    client_mutation_id: str | None = client_mutation_id_field()


def role_of(value: Role) -> enums.Role:
    return enums.Role(value.value)
