"""Root query fields of the admin domain."""

import strawberry

from graph.admin.types import Viewer


@strawberry.type
class AdminQueries:
    @strawberry.field(description="The signed-in user, their client, role and preferences.")
    def viewer(self, info: strawberry.Info) -> Viewer:
        return Viewer.from_rows(info.context.user, info.context.client)
