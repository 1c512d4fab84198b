"""Mutation payloads of the admin domain."""

import strawberry

from graph.admin.types import Preferences
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of updateViewerPreferences.")
class UpdateViewerPreferencesPayload:
    preferences: Preferences | None = strawberry.field(default=None, description="The preferences as saved.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
