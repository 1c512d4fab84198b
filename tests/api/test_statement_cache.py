"""The app's lifespan owns the one built-statement cache, and every request reads through it."""

import httpx
from asgi_lifespan import LifespanManager

from graph.app import create_app
from graph.settings import Settings
from resolvers.statements import StatementCache
from tests.api.billing.helpers import AR, gid
from tests.conftest import SECRET, Api
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

TIMELINE = """query($id: ID!) { node(id: $id) { ... on Customer {
  timeline(first: 5) { edges { node { kind } } } } } }"""


async def test_requests_build_each_statement_once_in_the_cache_of_their_app(database, session, tenant):
    # given a customer whose AR tab and timeline read through built statements
    customer = await make_customer(session, tenant)
    await make_invoice(session, customer, 2_000, lines=2)
    await session.commit()
    variables = {"id": gid("Customer", customer.id)}
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False))
    async with LifespanManager(app) as manager:
        statements = manager._state["statements"]  # asgi-lifespan's copy of the lifespan state (as billing/helpers)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as client:
            api = Api(client)
            # when the views are read once, and then again
            for query in (AR, TIMELINE):
                await api.run(query, variables, user=tenant.agent)
            built = len(statements)
            for query in (AR, TIMELINE):
                await api.run(query, variables, user=tenant.agent)
            # then the first reads filled the app's cache and the second built nothing more
            assert isinstance(statements, StatementCache)
            assert built > 0
            assert len(statements) == built


NAME_SEARCH = 'query($name: String!) { customers(search: {name: $name}) { edges { node { name } } } }'


async def test_name_searches_reuse_one_candidates_statement_whatever_the_word(database, session, tenant):
    for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Ada Byron"):
        await make_customer(session, tenant, name)
    await session.commit()
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False))
    async with LifespanManager(app) as manager:
        statements = manager._state["statements"]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as client:
            api = Api(client)
            found = {}
            for word in ("ada", "alan", "gra", "zzz", "ADA"):
                data = await api.run(NAME_SEARCH, {"name": word}, user=tenant.agent)
                found[word] = sorted(edge["node"]["name"] for edge in data["customers"]["edges"])
                if word == "ada":
                    built = len(statements)
    assert found == {"ada": ["Ada Byron", "Ada Lovelace"], "alan": ["Alan Turing"], "gra": ["Grace Hopper"],
                     "zzz": [], "ADA": ["Ada Byron", "Ada Lovelace"]}  # each word bound into the one statement
    # SQLite pages a one-word search by its candidates, built once and then bound; PostgreSQL plans it by itself
    assert built == (1 if database.url.startswith("sqlite") else 0)
    assert len(statements) == built  # later words built nothing
