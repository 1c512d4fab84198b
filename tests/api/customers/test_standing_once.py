"""A customer's standing (balance, pastDue and the alerts' past-due) is aged once per request: on a compiled plan
its balance, pastDue and alerts read one statement and share its rows (RequestScope.from_rows); on the executor
they share the aging loader's batch."""

import httpx
import pytest

from graph.app import create_app
from graph.settings import Settings
from resolvers.billing import batches
from tests.api.customers.test_alerts import alerted_customer, gid
from tests.api.customers.test_profile_statements import PROFILE
from tests.conftest import SECRET, Api
from tests.lifespan import lifespan


@pytest.mark.parametrize("compiled_plans", [False, True], ids=["executor", "plans-on"])
async def test_the_profile_ages_its_standing_once(database, session, tenant, compiled_plans, monkeypatch):
    # given a customer with invoices past due, one not yet due, and a balance
    world = await alerted_customer(session, tenant, "Standing Once")
    aged: list[tuple[int, ...]] = []
    standings_of = batches.standings_of

    def counting(rows, ids, as_of):
        aged.append(tuple(ids))
        return standings_of(rows, ids, as_of)

    monkeypatch.setattr(batches, "standings_of", counting)
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                              event_poll_seconds=3600, compiled_plans=compiled_plans))
    async with lifespan(app) as manager, httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                                           base_url="http://t") as client:
        api = Api(client)
        variables = {"id": gid("Customer", world.customer.id)}
        for _ in range(2):  # plans on: the text's second read is its plan's first
            await api.run(PROFILE, variables, user=tenant.agent)
        # when the profile is read
        aged.clear()
        node = (await api.run(PROFILE, variables, user=tenant.agent))["node"]
    # then its standing was aged once, and each field shows it: 100.00 + 50.50 past due, 70.00 not yet due
    assert aged == [(world.customer.id,)]
    assert node["pastDue"] == {"amount": "150.50", "currency": "USD"}
    assert "PAST_DUE" in {alert["kind"] for alert in node["alerts"]}
    assert node["balance"]["amount"] is not None
