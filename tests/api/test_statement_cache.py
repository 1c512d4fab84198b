"""The app's lifespan owns the one built-statement cache, and every request reads through it."""

import httpx
import pytest

from graph.app import create_app
from graph.settings import Settings
from resolvers.statements import StatementCache
from tests.api.billing.helpers import AR, gid
from tests.conftest import SECRET, Api
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

TIMELINE = """query($id: ID!) { node(id: $id) { ... on Customer {
  timeline(first: 5) { edges { node { kind } } } } } }"""


@pytest.mark.parametrize("compiled_plans", [False, True], ids=["executor", "plans"])
async def test_requests_build_each_statement_once_in_the_cache_of_their_app(database, session, tenant,
                                                                            compiled_plans):
    # given a customer whose AR tab and timeline read through built statements
    customer = await make_customer(session, tenant)
    await make_invoice(session, customer, 2_000, lines=2)
    await session.commit()
    variables = {"id": gid("Customer", customer.id)}
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                              compiled_plans=compiled_plans))
    async with lifespan(app) as manager:
        statements = manager._state["statements"]  # asgi-lifespan's copy of the lifespan state (as billing/helpers)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as client:
            api = Api(client)
            # when the views are read twice (a text's second sight runs as a known document: its plan, when plans are
            # on, reads through statements of its own), and then twice again
            for _ in range(2):
                for query in (AR, TIMELINE):
                    await api.run(query, variables, user=tenant.agent)
            built = len(statements)
            for _ in range(2):
                for query in (AR, TIMELINE):
                    await api.run(query, variables, user=tenant.agent)
            # then the first reads filled the app's cache and the second built nothing more
            assert isinstance(statements, StatementCache)
            assert built > 0
            assert len(statements) == built


MASTERS = """query($name: String!, $first: Int!, $after: String) {
  customers(search: {name: $name}, orderBy: NUMBER, first: 10) { edges { node {
    name
    children(first: $first, after: $after) { totalCount pageInfo { endCursor } edges { node { name } } }
    utilityAccounts(first: $first) { totalCount edges { node { ldcAccountNumber } } } } } } }"""


async def test_pages_of_many_parents_reuse_one_statement_per_shape_and_bind_their_cursor(database, session, tenant,
                                                                                         count_sql):
    # given three masters (one page batch of parents), each with children and accounts in different numbers
    for n, size in enumerate((3, 1, 0)):
        master = await make_customer(session, tenant, f"Reuse {n} Master", is_master=True)
        for child in range(size):
            await make_customer(session, tenant, f"Kid {n} Child {child}", master=master)
            await make_account(session, master, ldc=f"REUSE{n}{child}{tenant.client.id}")
    await session.commit()
    # the executor's loaders (compiled plans off; the first test covers the plans' statements too), and no poll of
    # the event log among the counted statements
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                              event_poll_seconds=3600, compiled_plans=False))
    async with lifespan(app) as manager:
        statements = manager._state["statements"]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as client:
            api = Api(client)
            # when the masters' first pages are read, then read again with other sizes and with a cursor
            first = await api.run(MASTERS, {"name": "reuse", "first": 2}, user=tenant.agent)
            built = len(statements)
            cursor = first["customers"]["edges"][0]["node"]["children"]["pageInfo"]["endCursor"]
            with count_sql() as counter:
                again = await api.run(MASTERS, {"name": "reuse", "first": 1}, user=tenant.agent)
            with count_sql() as larger:
                await api.run(MASTERS, {"name": "reuse", "first": 3}, user=tenant.agent)
            after = await api.run(MASTERS, {"name": "reuse", "first": 2, "after": cursor}, user=tenant.agent)
            # then the first read built the pages' statements; other sizes reuse them; a cursor adds its own shape
            assert len(statements) == built + 1
            built_after = len(statements)
            await api.run(MASTERS, {"name": "reuse", "first": 5, "after": cursor}, user=tenant.agent)
            assert len(statements) == built_after
    masters = [e["node"] for e in first["customers"]["edges"]]
    assert [(m["children"]["totalCount"], [c["node"]["name"] for c in m["children"]["edges"]]) for m in masters] == [
        (3, ["Kid 0 Child 0", "Kid 0 Child 1"]), (1, ["Kid 1 Child 0"]), (0, [])]
    assert [len(m["utilityAccounts"]["edges"]) for m in masters] == [2, 1, 0]
    assert [len(e["node"]["children"]["edges"]) for e in again["customers"]["edges"]] == [1, 1, 0]
    assert [[c["node"]["name"] for c in e["node"]["children"]["edges"]] for e in after["customers"]["edges"]] == [
        ["Kid 0 Child 2"], ["Kid 1 Child 0"], []]  # one cursor for every parent, as before
    # the page, then one statement per level (children, their counts, accounts, their counts), whatever the size;
    # the signed-in user's lookup may be cached from the first read
    assert counter.count == larger.count
    assert 5 <= counter.count <= 6


NAME_SEARCH = 'query($name: String!) { customers(search: {name: $name}) { edges { node { name } } } }'


async def test_name_searches_reuse_one_candidates_statement_whatever_the_word(database, session, tenant):
    for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Ada Byron"):
        await make_customer(session, tenant, name)
    await session.commit()
    # the search resolver's statements (compiled plans off: a plan reuses them, but reads through its own page)
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False, compiled_plans=False))
    async with lifespan(app) as manager:
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
    # SQLite pages a one-word search by its candidates: their statement and the first page's over them, each built
    # once and then bound; PostgreSQL plans it by itself
    assert built == (2 if database.url.startswith("sqlite") else 0)
    assert len(statements) == built  # later words built nothing
