"""Screen preferences: merging updates and what makes them unusable (no database)."""

from db.enums import CommLogKind, NavigationArea, ProfileTab, SortDirection
from resolvers.rules.preferences import Preferences, from_json, merged, problems, to_json


class TestPreferenceProblems:
    def test_defaults_have_no_problems(self):
        assert problems(Preferences()) == []

    def test_hiding_the_default_tab(self):
        found = problems(Preferences(hidden_tabs=(ProfileTab.CUSTOMER_INFORMATION,)))
        assert [p.code for p in found] == ["DEFAULT_TAB_HIDDEN"]

    def test_hiding_every_tab(self):
        found = problems(Preferences(default_profile_tab=ProfileTab.TICKETS, hidden_tabs=tuple(ProfileTab)))
        assert "ALL_TABS_HIDDEN" in {p.code for p in found}

    def test_tab_order_must_list_every_tab_once(self):
        found = problems(Preferences(tab_order=(ProfileTab.TICKETS, ProfileTab.TICKETS)))
        assert [p.code for p in found] == ["TAB_ORDER_INCOMPLETE"]

    def test_page_size_bounds_and_empty_kinds(self):
        too_big = merged(Preferences(), {}, {"page_size": 101})
        no_kinds = merged(Preferences(), {}, {"kinds": ()})
        assert [p.field for p in problems(too_big)] == ["communication_log.page_size"]
        assert [p.code for p in problems(no_kinds)] == ["NO_KINDS_SHOWN"]


class TestStoredPreferences:
    def test_round_trip(self):
        prefs = merged(Preferences(), {"default_navigation": NavigationArea.TICKETS},
                       {"order": SortDirection.OLDEST_FIRST, "kinds": (CommLogKind.NOTE,)})
        assert from_json(to_json(prefs)) == prefs

    def test_unknown_values_from_older_versions_fall_back_to_defaults(self):
        stored = {"default_navigation": "REMOVED_AREA", "hidden_tabs": ["GONE", "DOCUMENTS"],
                  "tab_order": ["TICKETS"], "comm_log": {"order": "SIDEWAYS"}}
        prefs = from_json(stored)
        assert prefs.default_navigation is NavigationArea.CUSTOMER_SEARCH
        assert prefs.hidden_tabs == (ProfileTab.DOCUMENTS,)
        # tabs missing from a saved order are appended, so none disappears
        assert prefs.tab_order[0] is ProfileTab.TICKETS
        assert sorted(prefs.tab_order) == sorted(ProfileTab)
        assert prefs.comm_log.order is SortDirection.NEWEST_FIRST
