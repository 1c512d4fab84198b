"""How much of the app's built-statement cache (resolvers/statements.py, MAX_STATEMENTS) one client's SPA takes.

Compiled plans build their statements per client and per column set (docs/compiled-plans.md, section 16), so each
client that uses the SPA holds a share of the one cache. Past MAX_STATEMENTS the least recently used are dropped and
built again on their next use (correct, but each rebuild costs a compile): the cache must hold the SPA's views of
several busy clients at once.
"""

import httpx

from graph.app import create_app
from graph.settings import Settings
from resolvers.statements import MAX_STATEMENTS
from tests.api.billing.helpers import gid
from tests.api.persisted.helpers import SPA, auth, register_spa, spa_id
from tests.conftest import SECRET
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

CLIENTS_AT_ONCE = 8  # supplier brands served by one app whose agents read the SPA's views in the same hour


def views(customer_id: str, name: str) -> list[tuple[str, dict]]:
    """Every SPA query with the variables its screens send (the views a CSR opens on a customer)."""
    own = {"id": customer_id}
    return [("Viewer", {}), ("CustomerProfile", own), ("ArTab", own), ("AccountsTab", own),
            ("CommunicationLogTab", own), ("Timeline", own), ("Timeline", {**own, "includeChildren": True}),
            ("CustomerSearch", {"search": {"name": name}}), ("CustomerSearch", {"search": {"text": name}})]


async def test_one_clients_spa_views_take_a_fixed_share_of_the_statement_cache(database, session, tenant,
                                                                               other_tenant):
    # given two clients, each with a customer with an account and an invoice, and the SPA's documents registered
    customers = {}
    for who in (tenant, other_tenant):
        customer = await make_customer(session, who, "Pat Budget")
        await make_account(session, customer)
        await make_invoice(session, customer, 2_000, lines=2)
        customers[who.client.id] = (who, gid("Customer", customer.id))
    await session.commit()
    await register_spa(database)
    assert {name for name, _ in views("", "")} == {name for name, doc in SPA.items() if doc["type"] == "query"}
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False, compiled_plans=True))
    async with lifespan(app) as manager:
        statements = manager._state["statements"]  # asgi-lifespan's copy of the lifespan state (as billing/helpers)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as client:
            taken = {}
            for client_id, (who, customer_id) in customers.items():
                before = len(statements)
                # when each client's agent opens every view twice, by documentId (the second reads what the first built)
                for _ in range(2):
                    for name, variables in views(customer_id, "Pat Budget"):
                        answer = await client.post("/graphql", json={"documentId": spa_id(name),
                                                                     "variables": variables}, headers=auth(who.agent))
                        assert answer.status_code == 200, answer.text
                        assert "errors" not in answer.json(), answer.text
                taken[client_id] = len(statements) - before
    # then the second client takes no more than the first (which also built what no client owns), and the cache holds
    # the views of CLIENTS_AT_ONCE clients
    first, second = taken.values()
    assert 0 < second <= first, taken
    assert first * CLIENTS_AT_ONCE <= MAX_STATEMENTS, f"one client's SPA takes {first} of {MAX_STATEMENTS} statements"
