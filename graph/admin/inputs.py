"""Inputs of the admin domain."""

import strawberry

from graph.admin.enums import CommLogKind, NavigationArea, ProfileTab, SortDirection
from graph.core.text import client_mutation_id_field


@strawberry.input(description="Communication-log display options to change; omitted ones stay.")
class CommLogDisplayInput:
    page_size: int | None = strawberry.field(default=None, description="Entries per page (5-100).")
    order: SortDirection | None = strawberry.field(default=None, description="Chronological order.")
    kinds: list[CommLogKind] | None = strawberry.field(default=None, description="Kinds of entry shown (at least one).")
    critical_first: bool | None = strawberry.field(default=None, description="Pin critical notes to the top.")
    expand_memos: bool | None = strawberry.field(default=None, description="Show memos expanded.")


@strawberry.input(description="Preferences to change; omitted ones stay as they are.")
class UpdateViewerPreferencesInput:
    default_navigation: NavigationArea | None = strawberry.field(default=None, description="Where to land after login.")
    default_profile_tab: ProfileTab | None = strawberry.field(
        default=None, description="The tab a profile opens on; must not be hidden."
    )
    tab_order: list[ProfileTab] | None = strawberry.field(
        default=None, description="Every tab, in the order to show them."
    )
    hidden_tabs: list[ProfileTab] | None = strawberry.field(
        default=None, description="Tabs to hide (replaces the list)."
    )
    communication_log: CommLogDisplayInput | None = strawberry.field(
        default=None, description="Communication-log display options."
    )
    client_mutation_id: str | None = client_mutation_id_field()
