"""Inputs of users and sign-in settings (ADMIN mutations, the users list)."""

import strawberry

from db import enums
from graph.admin.enums import Role, RoleSource


@strawberry.input(description="A user to add to the viewer's client.")
class InviteUserInput:
    email: str = strawberry.field(description="Login email, unique across the service; the identity provider's "
                                  "email claim must carry it.")
    name: str = strawberry.field(description="Display name (1-200 characters).")
    role: Role = strawberry.field(description="What the user may do.")  # type: ignore[valid-type]
    client_mutation_id: str | None = strawberry.field(default=None, description="Any string; echoed back in the payload (Relay).")


@strawberry.input(description="A new role for a user of the viewer's client.")
class ChangeUserRoleInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    role: Role = strawberry.field(description="The new role.")  # type: ignore[valid-type]
    client_mutation_id: str | None = strawberry.field(default=None, description="Any string; echoed back in the payload (Relay).")


@strawberry.input(description="A user of the viewer's client to deactivate or reactivate.")
class UserIdInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    client_mutation_id: str | None = strawberry.field(default=None, description="Any string; echoed back in the payload (Relay).")


@strawberry.input(description="Which users to list; omitted criteria match every user.")
class UserFilter:
    role: Role | None = strawberry.field(default=None, description="Only users with this role.")  # type: ignore[valid-type]
    active: bool | None = strawberry.field(default=None, description="Only active (true) or deactivated (false) users.")


@strawberry.input(description="One claim value and the role it gives.")
class RoleMappingInput:
    value: str = strawberry.field(description="A value of the role claim (1-200 characters), e.g. a group's name or ID.")
    role: Role = strawberry.field(description="The role it gives.")  # type: ignore[valid-type]


@strawberry.input(description="The client's identity provider settings; they replace any earlier ones.")
class ConfigureIdentityProviderInput:
    issuer: str = strawberry.field(description="The provider's issuer URL (https; tokens' `iss`).")
    audience: str = strawberry.field(description="The `aud` tokens must carry: the application's client ID there.")
    email_claim: str = strawberry.field(default="email", description="The claim carrying the user's email.")
    role_source: RoleSource = strawberry.field(  # type: ignore[valid-type]
        default=RoleSource.STORED, description="Where signed-in users' roles come from.")  # type: ignore[attr-defined]
    role_claim: str | None = strawberry.field(default=None, description="With roles from a claim: its name.")
    role_mapping: list[RoleMappingInput] = strawberry.field(
        default_factory=list, description="With roles from a claim: which values give which role (at most 50).")
    just_in_time_provisioning: bool = strawberry.field(
        default=False, description="Create a user on the first sign-in of an email the client does not know yet.")
    provisioned_role: Role = strawberry.field(  # type: ignore[valid-type]
        default=Role.AGENT, description="The role such a user gets when roles are stored.")  # type: ignore[attr-defined]
    local_tokens: bool = strawberry.field(default=True, description="Whether local tokens still sign users in.")
    client_mutation_id: str | None = strawberry.field(default=None, description="Any string; echoed back in the payload (Relay).")


@strawberry.input(description="Stop signing the client's users in through an identity provider.")
class RemoveIdentityProviderInput:
    client_mutation_id: str | None = strawberry.field(default=None, description="Any string; echoed back in the payload (Relay).")


def role_of(value: Role) -> enums.Role:  # type: ignore[valid-type]
    return enums.Role(value.value)  # type: ignore[attr-defined]
