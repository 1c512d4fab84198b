"""A compiled plan reads the levels below an object one depth at a time: every statement of one depth (the levels
below every level of the depth above: references, connections and their counts, lists, derived batches) in one call,
on SQLite one hop to aiosqlite's thread (db/sqlite_driver.rows_in_one_hop), whatever the rows; the same statements
as one by one, and the executor's bytes."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import aiosqlite
import pytest

from graph.core.relay import to_global_id
from tests.api.persisted.helpers import GQL, SPA, app_in, auth, register
from tests.conftest import Api
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

# The AR view (bench billing's) with the references below the allocations and the counts that follow a page.
AR_VIEW = """
query ArView($id: ID!) { node(id: $id) { ... on Customer {
  balance { amount } pastDue { amount }
  invoices(first: 2) { totalCount edges { node { number total { amount } lines { kind amount { amount } }
                                                 allocations { amount { amount } invoice { number } } } } }
  payments(first: 5) { edges { node { amount { amount } allocations { amount { amount } invoice { number } } } } }
  arHistory(first: 2, start: "2020-01-01") { totalCount edges { node { kind balance { amount } } } }
} } }"""
# the customer; its standing, the invoices', payments' and history's pages; the invoices' and the history's counts
# (a page of more), lines, both allocations; the allocations' invoices
DEPTHS = [1, 4, 5, 2]


@pytest.fixture
async def compiled(database: Any) -> AsyncIterator[Api]:
    async with app_in(database, "open", compiled_plans=True) as api:
        yield api


@contextmanager
def counting_hops() -> Iterator[list[int]]:
    """The hops this task makes to aiosqlite's thread (not the event feed's, which runs in a task of its own)."""
    hops: list[int] = []
    task = asyncio.current_task()
    hop = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if asyncio.current_task() is task:
            hops.append(1)
        return await hop(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield hops
    finally:
        aiosqlite.Connection._execute = hop  # type: ignore[method-assign]


@pytest.mark.parametrize("payments", [1, 3])
async def test_one_call_per_depth_whatever_the_rows(api, compiled, database, session, tenant, count_sql,
                                                    payments: int) -> None:
    """Three invoices of 50.00 (a page of two: its count follows it), paid by 120.00 each (the first pays all three,
    the second the rest of the newest): the statements and the calls are the same for one payment or three."""
    customer = await make_customer(session, tenant, "Hopping Quorra")
    for month in range(3):
        await make_invoice(session, customer, 5_000, lines=2, due_on=date(2025, month + 1, 1))
    await session.commit()
    for _ in range(payments):
        posted = await api.run(SPA["PostPayment"]["body"], {"input": {
            "customerId": to_global_id("Customer", customer.id), "amount": "120.00", "method": "CHECK",
            "receivedOn": "2025-03-01"}}, user=tenant.agent)
        assert posted["postPayment"]["userErrors"] == []
    [document_id] = await register(database, AR_VIEW)
    variables = {"id": to_global_id("Customer", customer.id)}
    headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
    body = {"documentId": document_id, "variables": variables}
    await compiled.client.post("/graphql", json=body, headers=headers)  # warm: the user, the document
    with count_sql() as counter, counting_hops() as hops:
        planned = await compiled.client.post("/graphql", json=body, headers=headers)
    reference = await api.client.post("/graphql", json={"query": AR_VIEW, "variables": variables}, headers=headers)
    assert planned.content == reference.content
    node = planned.json()["data"]["node"]
    assert (node["invoices"]["totalCount"], len(node["payments"]["edges"]), node["arHistory"]["totalCount"]) == \
        (3, payments, 3 + payments)
    allocated = [a["invoice"]["number"] for kind in ("invoices", "payments") for edge in node[kind]["edges"]
                 for a in edge["node"]["allocations"]]
    # the page's two invoices and the first payment's three, then the second's one on each side; the third pays none
    assert len(allocated) == {1: 2 + 3, 3: 2 + 3 + 2}[payments], allocated
    assert counter.count == sum(DEPTHS), counter.statements
    if database.backend == "sqlite":
        assert len(hops) == len(DEPTHS)
