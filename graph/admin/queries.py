"""Root query fields of the admin domain: the viewer, and the client's users."""

from typing import Annotated

import strawberry

from db import enums
from graph.admin.types import User, Viewer
from graph.admin.user_inputs import UserFilter, role_of
from graph.core.errors import client_error
from graph.core.relay import After, Before, Connection, CursorShape, First, Last, page_request, to_connection
from resolvers.admin import user_lists
from resolvers.errors import UserInputError

USER_CURSOR = CursorShape("user", (str, int))


def to_user_filter(given: UserFilter | None) -> user_lists.UserFilter:
    given = given or UserFilter()
    role: enums.Role | None = role_of(given.role) if given.role is not None else None
    return user_lists.UserFilter(role=role, active=given.active)


@strawberry.type
class AdminQueries:
    @strawberry.field(description="The signed-in user, their client, role and preferences.")
    def viewer(self, info: strawberry.Info) -> Viewer:
        return Viewer.from_rows(info.context.user, info.context.client)

    @strawberry.field(description="The client's users by name, active and deactivated (TEAM_LEAD or ADMIN; others "
                      "get a FORBIDDEN error).")
    async def users(
        self, info: strawberry.Info,
        filter: Annotated[UserFilter | None, strawberry.argument(description="Which users; default all.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[User]:
        criteria = to_user_filter(filter)
        request = page_request(first, after, last, before, USER_CURSOR)
        try:
            async with info.context.session_scope() as scope:
                page = await user_lists.user_page(scope, criteria, request)
        except UserInputError as error:
            raise client_error(error) from None

        async def count() -> int:
            async with info.context.session_scope() as scope:
                return await user_lists.user_count(scope, criteria)

        return to_connection(page, USER_CURSOR, User.from_row, count)
