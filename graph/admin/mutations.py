"""Mutations of the admin domain."""

from typing import Annotated, Any

import strawberry

from db import enums
from graph.admin.inputs import UpdateViewerPreferencesInput
from graph.admin.payloads import UpdateViewerPreferencesPayload
from graph.admin.types import Preferences
from graph.core.errors import INPUT, run_mutation
from resolvers.admin import commands
from resolvers.context import RequestScope


def _changes(input: UpdateViewerPreferencesInput) -> tuple[dict[str, Any], dict[str, Any]]:
    top: dict[str, Any] = {}
    if input.default_navigation is not None:
        top["default_navigation"] = enums.NavigationArea(input.default_navigation.value)
    if input.default_profile_tab is not None:
        top["default_profile_tab"] = enums.ProfileTab(input.default_profile_tab.value)
    if input.tab_order is not None:
        top["tab_order"] = tuple(enums.ProfileTab(t.value) for t in input.tab_order)
    if input.hidden_tabs is not None:
        top["hidden_tabs"] = tuple(dict.fromkeys(enums.ProfileTab(t.value) for t in input.hidden_tabs))
    return top, _log_changes(input)


def _log_changes(input: UpdateViewerPreferencesInput) -> dict[str, Any]:
    log = input.communication_log
    if log is None:
        return {}
    changes: dict[str, Any] = {}
    for name in ("page_size", "critical_first", "expand_memos"):
        if getattr(log, name) is not None:
            changes[name] = getattr(log, name)
    if log.order is not None:
        changes["order"] = enums.SortDirection(log.order.value)
    if log.kinds is not None:
        changes["kinds"] = tuple(dict.fromkeys(enums.CommLogKind(k.value) for k in log.kinds))
    return changes


@strawberry.type
class AdminMutations:
    @strawberry.mutation(description="Change the viewer's own screen preferences (navigation, tabs, log display).")
    async def update_viewer_preferences(
        self, info: strawberry.Info, input: Annotated[UpdateViewerPreferencesInput, INPUT]
    ) -> UpdateViewerPreferencesPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            saved = await commands.update_viewer_preferences(scope, *_changes(input))
            return {"preferences": Preferences.from_rules(saved)}

        return await run_mutation(info, UpdateViewerPreferencesPayload, action, input)
