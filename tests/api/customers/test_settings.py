"""Customer settings (seed 000): autopay, paperless and the dunning hold, audited from-to and logged."""

from datetime import timedelta

import pytest

from resolvers.customers.settings.commands import today
from tests.api.customers.settings_helpers import (
    changes,
    entries,
    gid,
    state_of,
    untouched,
)
from tests.factories.customers import make_customer
from tests.factories.settings import set_hold, set_settings

UPDATE = """
mutation($input: UpdateCustomerSettingsInput!) { updateCustomerSettings(input: $input) {
  customer { number settings { autopay paperless } } userErrors { field code message } clientMutationId } }
"""
PLACE = """
mutation($input: PlaceDunningHoldInput!) { placeDunningHold(input: $input) {
  customer { settings { dunningExcluded dunningHold { until reason active } } }
  userErrors { field code message } clientMutationId } }
"""
MANY = """
query($first: Int!) { customers(first: $first, search: {name: "settings reader"}) { edges { node {
  settings { autopay paperless dunningExcluded dunningHold { until reason active } } } } } }
"""
CLEAR_EMAIL = """
mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { email } userErrors { field code }
  } }
"""
RELEASE = """
mutation($input: ReleaseDunningHoldInput!) { releaseDunningHold(input: $input) {
  customer { settings { dunningExcluded dunningHold { until } } } releasedHold { until reason active }
  userErrors { field code message } } }
"""


def day(offset: int) -> str:
    """Today (UTC, as the app judges holds) plus `offset` days, ISO."""
    return (today() + timedelta(days=offset)).isoformat()


async def update(api, user, customer, **input) -> dict:
    variables = {"input": {"customerId": gid(customer), **input}}
    return (await api.run(UPDATE, variables, user=user))["updateCustomerSettings"]


async def place(api, user, customer, until: str, reason: str = "Disputed bill", **input) -> dict:
    variables = {"input": {"customerId": gid(customer), "until": until, "reason": reason, **input}}
    return (await api.run(PLACE, variables, user=user))["placeDunningHold"]


async def release(api, user, customer, reason: str = "Dispute resolved") -> dict:
    variables = {"input": {"customerId": gid(customer), "reason": reason}}
    return (await api.run(RELEASE, variables, user=user))["releaseDunningHold"]


def codes(payload: dict) -> list[tuple]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


class TestReadingSettings:
    async def test_a_new_customer_has_everything_off(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await session.commit()
        state = await state_of(api, tenant.agent, customer)
        assert state["settings"] == {"autopay": False, "paperless": False, "dunningExcluded": False,
                                     "dunningHold": None}

    async def test_a_hold_through_today_is_in_force(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today(), "Payment plan agreed")
        await session.commit()
        settings = (await state_of(api, tenant.agent, customer))["settings"]
        assert settings["dunningExcluded"] is True
        assert settings["dunningHold"] == {"until": day(0), "reason": "Payment plan agreed", "active": True}

    async def test_a_hold_past_its_day_has_expired_by_itself(self, api, session, tenant):
        # given a hold whose last day was yesterday (no job has touched the columns)
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() - timedelta(days=1), "Old dispute")
        await session.commit()
        # when read, then it is no hold at all
        settings = (await state_of(api, tenant.agent, customer))["settings"]
        assert settings["dunningHold"] is None
        assert settings["dunningExcluded"] is False


    async def test_another_clients_customer_is_not_there_to_read(self, api, session, tenant, other_tenant):
        theirs = await make_customer(session, other_tenant)
        await set_hold(session, theirs, today(), "Theirs")
        await session.commit()
        assert await state_of(api, tenant.admin, theirs) is None

    async def test_reading_settings_runs_no_query_of_its_own(self, api, session, tenant, other_tenant, count_sql):
        # given one client with 1 customer and another with 20, some on hold
        for t, n in ((tenant, 1), (other_tenant, 20)):
            for k in range(n):
                customer = await make_customer(session, t, f"Settings Reader {k}")
                await set_hold(session, customer, today() + timedelta(days=k % 3 - 1), "Reason")
        await session.commit()

        async def statements(t, first: int) -> int:
            await api.run(MANY, {"first": first}, user=t.agent)  # warm the per-process caches
            with count_sql() as counter:
                data = await api.run(MANY, {"first": first}, user=t.agent)
            assert len(data["customers"]["edges"]) == first
            return counter.count

        # then listing settings costs the same for 1 customer as for 20
        assert await statements(tenant, 1) == await statements(other_tenant, 20)


class TestUpdateSettings:
    async def test_turning_autopay_on_is_audited_and_logged(self, api, session, tenant):
        # given
        customer = await make_customer(session, tenant)
        await session.commit()
        # when an agent turns autopay on
        payload = await update(api, tenant.agent, customer, autopay=True, clientMutationId="s-1")
        # then the setting is on, audited from-to and noted as a SYSTEM entry
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "s-1"
        assert payload["customer"]["settings"] == {"autopay": True, "paperless": False}
        state = await state_of(api, tenant.lead, customer)
        assert state["auditTrail"]["edges"][0]["node"]["action"] == "customer.update_settings"
        assert state["auditTrail"]["edges"][0]["node"]["actor"] == {"email": tenant.agent.email}
        assert changes(state) == {"autopay": (False, True)}
        assert entries(state) == [{"kind": "SYSTEM", "category": "Account", "subject": "Autopay turned on",
                                   "body": "Autopay: off -> on.", "createdBy": {"email": tenant.agent.email}}]

    async def test_both_settings_in_one_request_make_one_event_and_one_entry(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_settings(session, customer, autopay=True)
        await session.commit()
        payload = await update(api, tenant.agent, customer, autopay=False, paperless=True)
        assert payload["customer"]["settings"] == {"autopay": False, "paperless": True}
        state = await state_of(api, tenant.lead, customer)
        assert changes(state) == {"autopay": (True, False), "paperless": (False, True)}
        [entry] = entries(state)
        assert entry["subject"] == "Autopay turned off, Paperless billing turned on"
        assert entry["body"] == "Autopay: on -> off.\nPaperless billing: off -> on."

    async def test_an_omitted_setting_stays_as_it_is(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_settings(session, customer, paperless=True)
        await session.commit()
        payload = await update(api, tenant.agent, customer, autopay=True)
        assert payload["customer"]["settings"] == {"autopay": True, "paperless": True}
        assert changes(await state_of(api, tenant.lead, customer)) == {"autopay": (False, True)}

    @pytest.mark.parametrize("input", [{}, {"autopay": False}, {"autopay": None, "paperless": False}])
    async def test_a_request_that_changes_nothing_succeeds_and_writes_nothing(self, api, session, tenant, input):
        customer = await make_customer(session, tenant)
        await session.commit()
        payload = await update(api, tenant.agent, customer, **input)
        assert payload["userErrors"] == []
        assert payload["customer"]["settings"] == {"autopay": False, "paperless": False}
        assert untouched(await state_of(api, tenant.lead, customer))

    async def test_paperless_without_an_email_is_refused_and_nothing_is_written(self, api, session, tenant):
        # given a customer with no email address
        customer = await make_customer(session, tenant, email=None)
        await session.commit()
        # when asked to go paperless (and to turn autopay on in the same request)
        payload = await update(api, tenant.agent, customer, paperless=True, autopay=True)
        # then refused as a whole
        assert payload["customer"] is None
        assert codes(payload) == [("PAPERLESS_NEEDS_EMAIL", ["input", "paperless"])]
        state = await state_of(api, tenant.lead, customer)
        assert state["settings"]["autopay"] is False
        assert state["settings"]["paperless"] is False
        assert untouched(state)

    async def test_a_paperless_customers_email_cannot_be_removed(self, api, session, tenant):
        # given a paperless customer
        customer = await make_customer(session, tenant, email="paper.less@example.com")
        await set_settings(session, customer, paperless=True)
        await session.commit()
        # when updateCustomer clears the email
        payload = (await api.run(CLEAR_EMAIL, {"input": {"id": gid(customer), "email": None}},
                                 user=tenant.agent))["updateCustomer"]
        # then refused, the email kept, nothing audited
        assert codes(payload) == [("PAPERLESS_NEEDS_EMAIL", ["input", "email"])]
        state = await state_of(api, tenant.lead, customer)
        assert state["email"] == "paper.less@example.com"
        assert untouched(state)

    async def test_turning_paperless_off_needs_no_email(self, api, session, tenant):
        customer = await make_customer(session, tenant, email=None)
        await set_settings(session, customer, paperless=True)
        await session.commit()
        payload = await update(api, tenant.agent, customer, paperless=False)
        assert payload["userErrors"] == []
        assert payload["customer"]["settings"]["paperless"] is False

    async def test_another_clients_customer_is_not_found(self, api, session, tenant, other_tenant):
        theirs = await make_customer(session, other_tenant)
        await session.commit()
        payload = await update(api, tenant.admin, theirs, autopay=True)
        assert codes(payload) == [("NOT_FOUND", ["input", "customerId"])]
        state = await state_of(api, other_tenant.lead, theirs)
        assert state["settings"]["autopay"] is False
        assert untouched(state)

    async def test_an_id_of_another_type_is_not_found(self, api, session, tenant):
        payload = (await api.run(UPDATE, {"input": {"customerId": "VXNlcjox", "autopay": True}},
                                 user=tenant.agent))["updateCustomerSettings"]
        assert codes(payload) == [("NOT_FOUND", ["input", "customerId"])]


class TestPlaceDunningHold:
    async def test_a_hold_is_placed_audited_and_logged(self, api, session, tenant):
        # given
        customer = await make_customer(session, tenant)
        await session.commit()
        # when an agent places a hold, with a reason to trim
        payload = await place(api, tenant.agent, customer, day(30), "  Disputed bill  ", clientMutationId="h-1")
        # then the customer is excluded from dunning through that day
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "h-1"
        assert payload["customer"]["settings"] == {
            "dunningExcluded": True, "dunningHold": {"until": day(30), "reason": "Disputed bill", "active": True}}
        state = await state_of(api, tenant.lead, customer)
        assert state["auditTrail"]["edges"][0]["node"]["action"] == "customer.place_dunning_hold"
        assert changes(state) == {"dunning_hold_until": (None, day(30)), "dunning_hold_reason": (None, "Disputed bill")}
        assert entries(state) == [{
            "kind": "SYSTEM", "category": "Account", "subject": f"Dunning hold until {day(30)}",
            "body": f"Dunning hold until {day(30)}: Disputed bill", "createdBy": {"email": tenant.agent.email}}]

    async def test_a_hold_in_force_is_replaced_from_to(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() + timedelta(days=5), "Disputed bill")
        await session.commit()
        payload = await place(api, tenant.agent, customer, day(60), "Payment plan")
        assert payload["customer"]["settings"]["dunningHold"]["until"] == day(60)
        state = await state_of(api, tenant.lead, customer)
        assert changes(state) == {"dunning_hold_until": (day(5), day(60)),
                                  "dunning_hold_reason": ("Disputed bill", "Payment plan")}
        assert entries(state)[0]["body"] == (f"Dunning hold until {day(60)}: Payment plan\n"
                                             f"Replaces the hold until {day(5)}: Disputed bill")

    async def test_only_the_date_changes_when_the_reason_is_the_same(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() + timedelta(days=5), "Disputed bill")
        await session.commit()
        await place(api, tenant.agent, customer, day(10), "Disputed bill")
        assert changes(await state_of(api, tenant.lead, customer)) == {"dunning_hold_until": (day(5), day(10))}

    async def test_placing_the_same_hold_again_writes_nothing(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() + timedelta(days=5), "Disputed bill")
        await session.commit()
        payload = await place(api, tenant.agent, customer, day(5), "Disputed bill")
        assert payload["userErrors"] == []
        assert payload["customer"]["settings"]["dunningExcluded"] is True
        assert untouched(await state_of(api, tenant.lead, customer))

    async def test_after_an_expired_hold_the_new_one_is_audited_from_none(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() - timedelta(days=3), "Old dispute")
        await session.commit()
        await place(api, tenant.agent, customer, day(0), "New dispute")
        state = await state_of(api, tenant.lead, customer)
        assert changes(state) == {"dunning_hold_until": (None, day(0)), "dunning_hold_reason": (None, "New dispute")}
        assert "Replaces" not in entries(state)[0]["body"]

    @pytest.mark.parametrize("until, reason, expected", [
        (-1, "Disputed bill", ("DUNNING_HOLD_IN_PAST", ["input", "until"])),
        (366, "Disputed bill", ("DUNNING_HOLD_TOO_LONG", ["input", "until"])),
        (30, "   ", ("DUNNING_REASON_REQUIRED", ["input", "reason"])),
        (30, "x" * 501, ("TEXT_TOO_LONG", ["input", "reason"])),  # the limit the field states
    ])
    async def test_invalid_holds_are_user_errors_and_nothing_is_written(self, api, session, tenant, until, reason,
                                                                       expected):
        customer = await make_customer(session, tenant)
        await session.commit()
        payload = await place(api, tenant.agent, customer, day(until), reason)
        assert payload["customer"] is None
        assert codes(payload) == [expected]
        state = await state_of(api, tenant.lead, customer)
        assert state["settings"]["dunningHold"] is None
        assert untouched(state)

    async def test_the_last_allowed_day_is_accepted(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await session.commit()
        assert (await place(api, tenant.agent, customer, day(365)))["userErrors"] == []

    async def test_another_clients_customer_is_not_found(self, api, session, tenant, other_tenant):
        theirs = await make_customer(session, other_tenant)
        await session.commit()
        payload = await place(api, tenant.admin, theirs, day(30))
        assert codes(payload) == [("NOT_FOUND", ["input", "customerId"])]
        state = await state_of(api, other_tenant.lead, theirs)
        assert state["settings"]["dunningHold"] is None
        assert untouched(state)


class TestReleaseDunningHold:
    async def test_a_hold_is_released_audited_and_logged(self, api, session, tenant):
        # given a hold in force
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() + timedelta(days=20), "Disputed bill")
        await session.commit()
        # when released early
        payload = await release(api, tenant.agent, customer, "  Dispute resolved ")
        # then the customer is in dunning again, and the release is on record
        assert payload["userErrors"] == []
        assert payload["customer"]["settings"] == {"dunningExcluded": False, "dunningHold": None}
        assert payload["releasedHold"] == {"until": day(20), "reason": "Disputed bill", "active": False}
        state = await state_of(api, tenant.lead, customer)
        assert state["auditTrail"]["edges"][0]["node"]["action"] == "customer.release_dunning_hold"
        assert changes(state) == {"dunning_hold_until": (day(20), None), "dunning_hold_reason": ("Disputed bill", None),
                                  "release_reason": (None, "Dispute resolved")}
        [entry] = entries(state)
        assert entry["subject"] == "Dunning hold released"
        assert entry["body"] == f"Dunning hold released: Dispute resolved\nIt was until {day(20)}: Disputed bill"

    @pytest.mark.parametrize("until", [None, -1])
    async def test_without_a_hold_in_force_it_is_a_user_error(self, api, session, tenant, until):
        # given no hold, or one that expired yesterday
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, None if until is None else today() + timedelta(days=until))
        await session.commit()
        payload = await release(api, tenant.agent, customer)
        assert codes(payload) == [("NO_DUNNING_HOLD", ["input", "customerId"])]
        assert untouched(await state_of(api, tenant.lead, customer))

    async def test_a_release_needs_a_reason(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        await set_hold(session, customer, today() + timedelta(days=20), "Disputed bill")
        await session.commit()
        payload = await release(api, tenant.agent, customer, " ")
        assert codes(payload) == [("DUNNING_REASON_REQUIRED", ["input", "reason"])]
        state = await state_of(api, tenant.lead, customer)
        assert state["settings"]["dunningExcluded"] is True
        assert untouched(state)

    async def test_another_clients_customer_is_not_found(self, api, session, tenant, other_tenant):
        theirs = await make_customer(session, other_tenant)
        await set_hold(session, theirs, today() + timedelta(days=20), "Disputed bill")
        await session.commit()
        payload = await release(api, tenant.admin, theirs)
        assert codes(payload) == [("NOT_FOUND", ["input", "customerId"])]
        assert (await state_of(api, other_tenant.lead, theirs))["settings"]["dunningExcluded"] is True


class TestRoles:
    @pytest.mark.parametrize("role", ["agent", "lead", "admin"])
    async def test_every_role_may_change_settings_and_holds(self, api, session, tenant, role):
        customer = await make_customer(session, tenant)
        await session.commit()
        user = getattr(tenant, role)
        assert (await update(api, user, customer, autopay=True))["userErrors"] == []
        assert (await place(api, user, customer, day(7)))["userErrors"] == []
        assert (await release(api, user, customer))["userErrors"] == []
