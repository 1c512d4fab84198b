"""The viewer and their own screen preferences (seed 001: default navigation and tabs)."""

VIEWER = """{ viewer { role client { slug } preferences { defaultNavigation defaultProfileTab tabOrder hiddenTabs
  communicationLog { pageSize order kinds criticalFirst expandMemos } } } }"""
UPDATE = """
mutation($input: UpdateViewerPreferencesInput!) {
  updateViewerPreferences(input: $input) {
    preferences { defaultNavigation defaultProfileTab hiddenTabs communicationLog { pageSize order kinds } }
    userErrors { field code message }
  }
}
"""


class TestViewerPreferences:
    async def test_defaults_for_a_new_user(self, api, tenant):
        prefs = (await api.run(VIEWER, user=tenant.agent))["viewer"]["preferences"]
        assert prefs["defaultNavigation"] == "CUSTOMER_SEARCH"
        assert prefs["defaultProfileTab"] == "CUSTOMER_INFORMATION"
        assert prefs["hiddenTabs"] == []
        assert len(prefs["tabOrder"]) == 9
        assert prefs["communicationLog"]["order"] == "NEWEST_FIRST"
        assert prefs["communicationLog"]["pageSize"] == 25

    async def test_changes_are_kept_per_user(self, api, tenant):
        # when the agent changes their preferences
        payload = (
            await api.run(
                UPDATE,
                {
                    "input": {
                        "defaultNavigation": "TICKETS",
                        "defaultProfileTab": "COMMUNICATION_LOG",
                        "hiddenTabs": ["DOCUMENTS", "TICKETS"],
                        "communicationLog": {"pageSize": 50, "order": "OLDEST_FIRST", "kinds": ["NOTE", "CALL"]},
                    }
                },
                user=tenant.agent,
            )
        )["updateViewerPreferences"]
        # then they are saved for the agent only
        assert payload["userErrors"] == []
        agent = (await api.run(VIEWER, user=tenant.agent))["viewer"]["preferences"]
        assert agent["defaultNavigation"] == "TICKETS"
        assert agent["defaultProfileTab"] == "COMMUNICATION_LOG"
        assert agent["hiddenTabs"] == ["DOCUMENTS", "TICKETS"]
        assert agent["communicationLog"] == {"pageSize": 50, "order": "OLDEST_FIRST", "kinds": ["NOTE", "CALL"],
                                             "criticalFirst": True, "expandMemos": False}
        lead = (await api.run(VIEWER, user=tenant.lead))["viewer"]["preferences"]
        assert lead["defaultNavigation"] == "CUSTOMER_SEARCH"

    async def test_partial_update_keeps_the_rest(self, api, tenant):
        await api.run(UPDATE, {"input": {"communicationLog": {"pageSize": 10}}}, user=tenant.agent)
        await api.run(UPDATE, {"input": {"defaultNavigation": "REPORTS"}}, user=tenant.agent)
        prefs = (await api.run(VIEWER, user=tenant.agent))["viewer"]["preferences"]
        assert prefs["communicationLog"]["pageSize"] == 10
        assert prefs["defaultNavigation"] == "REPORTS"

    async def test_hiding_the_default_tab_is_refused_and_nothing_changes(self, api, tenant):
        payload = (
            await api.run(
                UPDATE,
                {"input": {"defaultNavigation": "REPORTS", "hiddenTabs": ["CUSTOMER_INFORMATION"]}},
                user=tenant.agent,
            )
        )["updateViewerPreferences"]
        assert payload["preferences"] is None
        assert payload["userErrors"] == [{"field": ["input", "defaultProfileTab"], "code": "INVALID_PREFERENCES",
                                          "message": "The default tab cannot be hidden."}]
        prefs = (await api.run(VIEWER, user=tenant.agent))["viewer"]["preferences"]
        assert prefs["defaultNavigation"] == "CUSTOMER_SEARCH"
        assert prefs["hiddenTabs"] == []

    async def test_out_of_range_page_size_is_refused(self, api, tenant):
        payload = (await api.run(UPDATE, {"input": {"communicationLog": {"pageSize": 1000}}}, user=tenant.agent))
        errors = payload["updateViewerPreferences"]["userErrors"]
        assert errors[0]["field"] == ["input", "communicationLog", "pageSize"]
