"""Mutation payloads of the admin domain."""

import strawberry

from graph.admin.sign_in_types import IdentityProvider
from graph.admin.types import Preferences, User
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of updateViewerPreferences.")
class UpdateViewerPreferencesPayload:
    preferences: Preferences | None = strawberry.field(default=None, description="The preferences as saved.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


def _user_payload(mutation: str, user_description: str) -> type:
    """The payload of a user mutation: the user as changed, userErrors, clientMutationId."""
    namespace = {
        "__annotations__": {"user": User | None, "user_errors": list[UserError], "client_mutation_id": str | None},
        "user": strawberry.field(default=None, description=user_description),
        "user_errors": strawberry.field(description=USER_ERRORS),
        "client_mutation_id": strawberry.field(default=None, description=CLIENT_MUTATION_ID),
    }
    name = mutation[0].upper() + mutation[1:] + "Payload"
    return strawberry.type(type(name, (), namespace), description=f"Result of {mutation}.")


InviteUserPayload = _user_payload("inviteUser", "The new user.")
ChangeUserRolePayload = _user_payload("changeUserRole", "The user with their role as saved.")
DeactivateUserPayload = _user_payload("deactivateUser", "The user, deactivated.")
ReactivateUserPayload = _user_payload("reactivateUser", "The user, active again.")


@strawberry.type(description="Result of configureIdentityProvider.")
class ConfigureIdentityProviderPayload:
    identity_provider: IdentityProvider | None = strawberry.field(default=None, description="The settings as saved.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of removeIdentityProvider.")
class RemoveIdentityProviderPayload:
    removed: bool = strawberry.field(default=False, description="False when no provider was configured.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
