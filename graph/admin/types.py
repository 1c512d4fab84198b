"""GraphQL types of the admin domain: viewer, client, preferences, audit events."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry.scalars import JSON

from db import models
from graph.admin import loaders
from graph.admin.enums import (
    CommLogKind,
    NavigationArea,
    ProfileTab,
    Role,
    SortDirection,
)
from graph.core.columns import by_value, column
from graph.core.errors import client_error
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    Node,
    load_converted,
    node_or_none,
    page_request,
    to_connection,
    to_global_id,
)
from resolvers.errors import UserInputError
from resolvers.pagination import Page
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules import preferences as rules

if TYPE_CHECKING:
    from graph.admin.sign_in_types import IdentityProvider

IdentityProviderRef = Annotated["IdentityProvider", strawberry.lazy("graph.admin.sign_in_types")]

AUDIT_CURSOR = CursorShape("audit", (int,))


@strawberry.type(description="A supplier brand with its own CSR site (the tenant).")
class Client(Node):
    slug: str = strawberry.field(description="Short name used in URLs and user emails.")
    name: str = strawberry.field(description="Display name.")

    @strawberry.field(description="How the client's users sign in through its identity provider (OpenID Connect); "
                      "null when none is configured (local tokens only). ADMIN only: others get a FORBIDDEN error.")
    async def identity_provider(self, info: strawberry.Info) -> IdentityProviderRef | None:
        from graph.admin.sign_in_types import identity_provider_of_viewer

        return await identity_provider_of_viewer(info)

    @classmethod
    def from_row(cls, row: models.Client) -> Self:
        return cls(id=to_global_id("Client", row.id), slug=row.slug, name=row.name)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        """Only the viewer's own client: any other is not found."""
        client = info.context.client
        return [cls.from_row(client) if pk == client.id else None for pk in ids]


@strawberry.type(description="A user of the CSR site.")
class User(Node):
    email: str = column(models.User.email, description="Login email; a provider's token names the user by it.")
    name: str = column(models.User.name, description="Display name.")
    role: Role = column(models.User.role, convert=by_value(Role), description="What the user may do.")
    active: bool = column(models.User.active,
                          description="False once deactivated: the user can no longer sign in.")
    created_at: datetime = column(models.User.created_at, description="When the user was added (UTC).")
    pk: strawberry.Private[int]

    @strawberry.field(description="Audited changes to this user (invited, role changed, deactivated, reactivated, "
                      "provisioned or given a role by the identity provider), newest first, from-to. ADMIN only: "
                      "others get a FORBIDDEN error.")
    async def audit_trail(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> "Connection[AuditEvent]":
        try:
            ensure_allowed(info.context.scope, Action.MANAGE_USERS)
        except UserInputError as error:
            raise client_error(error) from None
        return await audit_connection(info, "User", self.pk, first, after, last, before)

    @classmethod
    def from_row(cls, row: models.User) -> Self:
        return cls(id=to_global_id("User", row.id), email=row.email, name=row.name, role=Role(row.role.value),
                   active=row.active, created_at=row.created_at, pk=row.id)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.users_by_id, ids, cls.from_row)


@strawberry.type(description="How the communication log is shown by default.")
class CommLogDisplay:
    page_size: int = strawberry.field(description="Entries per page.")
    order: SortDirection = strawberry.field(description="Chronological order.")
    kinds: list[CommLogKind] = strawberry.field(description="Kinds of entry shown.")
    critical_first: bool = strawberry.field(description="Pin critical notes to the top.")
    expand_memos: bool = strawberry.field(description="Show memos expanded under their entry.")


@strawberry.type(description="A user's screen preferences (seed 001: default navigation and tabs).")
class Preferences:
    default_navigation: NavigationArea = strawberry.field(description="Where the user lands after login.")
    default_profile_tab: ProfileTab = strawberry.field(description="The tab a customer profile opens on.")
    tab_order: list[ProfileTab] = strawberry.field(description="Order of the profile tabs.")
    hidden_tabs: list[ProfileTab] = strawberry.field(description="Tabs the user has hidden.")
    communication_log: CommLogDisplay = strawberry.field(description="Communication-log display options.")

    @classmethod
    def from_rules(cls, p: rules.Preferences) -> Self:
        log = p.comm_log
        return cls(
            default_navigation=NavigationArea(p.default_navigation.value),
            default_profile_tab=ProfileTab(p.default_profile_tab.value),
            tab_order=[ProfileTab(t.value) for t in p.tab_order],
            hidden_tabs=[ProfileTab(t.value) for t in p.hidden_tabs],
            communication_log=CommLogDisplay(
                page_size=log.page_size, order=SortDirection(log.order.value),
                kinds=[CommLogKind(k.value) for k in log.kinds],
                critical_first=log.critical_first, expand_memos=log.expand_memos,
            ),
        )


async def viewer_preferences(info: strawberry.Info) -> rules.Preferences:
    """The viewer's preferences as stored now (the signed-in user itself may come from a cache)."""
    row = await info.context.loaders.of(loaders.users_by_id).load(info.context.scope.viewer.user_id)
    return rules.from_json(row.preferences if row else None)


@strawberry.type(description="The signed-in user, their client and preferences.")
class Viewer:
    user: User = strawberry.field(description="The signed-in user.")
    client: Client = strawberry.field(description="The client (tenant) the user works for.")
    role: Role = strawberry.field(description="The user's role.")

    @strawberry.field(description="The user's screen preferences.")
    async def preferences(self, info: strawberry.Info) -> Preferences:
        return Preferences.from_rules(await viewer_preferences(info))

    @classmethod
    def from_rows(cls, user: models.User, client: models.Client) -> Self:
        return cls(user=User.from_row(user), client=Client.from_row(client), role=Role(user.role.value))


@strawberry.type(description="One field changed by an audited action.")
class FieldChange:
    field: str = strawberry.field(description="The field's name.")
    from_value: JSON | None = strawberry.field(name="from", description="Value before the change.")
    to_value: JSON | None = strawberry.field(name="to", description="Value after the change.")


@strawberry.type(description="An audited change: who did what to which object, and when.")
class AuditEvent(Node):
    action: str = strawberry.field(description="What was done, e.g. customer.update.")
    changes: list[FieldChange] = strawberry.field(description="Fields changed, from and to.")
    request_id: str | None = strawberry.field(description="The request that made the change.")
    created_at: datetime = strawberry.field(description="When it happened (UTC).")
    actor_pk: strawberry.Private[int | None]

    @strawberry.field(description="Who did it; null for system actions.")
    async def actor(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.actor_pk)

    @classmethod
    def from_row(cls, row: models.AuditEvent) -> Self:
        changes = [FieldChange(field=k, from_value=v.get("from"), to_value=v.get("to")) for k, v in row.changes.items()]
        return cls(
            id=to_global_id("AuditEvent", row.id), action=row.action, changes=changes,
            request_id=row.request_id, created_at=row.created_at, actor_pk=row.actor_id,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.audit_events_by_id, ids, cls.from_row)


async def audit_connection(
    info: strawberry.Info, object_type: str, object_id: int,
    first: int | None, after: str | None, last: int | None, before: str | None,
) -> Connection[AuditEvent]:
    request = page_request(first, after, last, before, AUDIT_CURSOR)
    pages = info.context.loaders.grouped(loaders.audit_pages_by_object_id)
    page: Page[models.AuditEvent] = await pages.load((object_id, (object_type, request)))
    count = info.context.loaders.grouped(loaders.audit_counts_by_object_id)
    return to_connection(page, AUDIT_CURSOR, AuditEvent.from_row, lambda: count.load((object_id, object_type)))
