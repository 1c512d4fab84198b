"""A plan that reads by key (the registered CustomerProfile) holds one read connection for its request, never one
another request holds at the same time (db/engine.read_by_key); on SQLite, one its worker parked: a warm request
checks none out of the pool."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from graph.compiled import plan as plan_module
from graph.core.relay import to_global_id
from tests.api.persisted.helpers import SPA, auth, register
from tests.api.persisted.test_compiled import compiled  # noqa: F401  # the app with plans on
from tests.factories.customers import make_customer

CUSTOMERS = 4


async def test_concurrent_profiles_never_share_a_connection(compiled, database, session, tenant,  # noqa: F811
                                                            monkeypatch) -> None:
    # given customers, and the registered profile read once (its statements prepared, the reference cache warm)
    ids = {}
    for n in range(CUSTOMERS):
        customer = await make_customer(session, tenant, f"Leased Quill {n}")
        ids[to_global_id("Customer", customer.id)] = customer.name
    await session.commit()
    [document_id] = await register(database, SPA["CustomerProfile"]["body"])
    headers = auth(tenant.agent)

    async def profile(global_id: str) -> Any:
        body = {"documentId": document_id, "variables": {"id": global_id}}
        return (await compiled.client.post("/graphql", json=body, headers=headers)).json()

    for global_id in ids:
        assert (await profile(global_id))["data"]["node"]["name"] == ids[global_id]
    # when three times as many requests run at once, each holding its connection across a turn of the loop
    held: set[Any] = set()
    shared, most = [], [0]
    read_by_key = plan_module.read_by_key

    @asynccontextmanager
    async def watched(engine: Any) -> AsyncIterator[Any]:
        async with read_by_key(engine) as (connection, raw):
            shared.append(connection in held)
            held.add(connection)
            most[0] = max(most[0], len(held))
            try:
                await asyncio.sleep(0.001)  # the other requests run meanwhile
                yield connection, raw
            finally:
                held.discard(connection)

    monkeypatch.setattr(plan_module, "read_by_key", watched)
    asked = [global_id for global_id in ids for _ in range(3)]
    answers = await asyncio.gather(*(profile(global_id) for global_id in asked))
    # then each answered its own customer, on a connection no other request held meanwhile
    assert [answer["data"]["node"]["name"] for answer in answers] == [ids[global_id] for global_id in asked]
    assert most[0] > 1
    assert shared == [False] * len(asked)


async def test_a_warm_profile_checks_no_connection_out_of_the_pool_on_sqlite(compiled, database, session,  # noqa: F811
                                                                            tenant) -> None:
    customer = await make_customer(session, tenant, "Parked Quill")
    await session.commit()
    [document_id] = await register(database, SPA["CustomerProfile"]["body"])
    body = {"documentId": document_id, "variables": {"id": to_global_id("Customer", customer.id)}}
    for _ in range(2):  # prepares its statements, caches the reference rows
        await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    checkouts: list[Any] = []
    checked_out = lambda *args: checkouts.append(args)  # noqa: E731
    event.listen(Pool, "checkout", checked_out)
    try:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    finally:
        event.remove(Pool, "checkout", checked_out)
    assert response.json()["data"]["node"]["name"] == "Parked Quill"
    # SQLite: the connection the last request parked; PostgreSQL: one checkout, as before
    assert len(checkouts) == (0 if database.backend == "sqlite" else 1)
