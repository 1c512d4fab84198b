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


@strawberry.type(description="Result of inviteUser.")
class InviteUserPayload:
    user: User | None = strawberry.field(default=None, description="The new user.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)

@strawberry.type(description="Result of changeUserRole.")
class ChangeUserRolePayload:
    user: User | None = strawberry.field(default=None, description="The user with their role as saved.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)

@strawberry.type(description="Result of deactivateUser.")
class DeactivateUserPayload:
    user: User | None = strawberry.field(default=None, description="The user, deactivated.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)

@strawberry.type(description="Result of reactivateUser.")
class ReactivateUserPayload:
    user: User | None = strawberry.field(default=None, description="The user, active again.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


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
