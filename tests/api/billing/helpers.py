"""Shared documents and helpers of the billing API tests."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType

import httpx

from db.writes import Writes
from graph.app import create_app
from graph.core.relay import from_global_id, to_global_id
from graph.settings import Settings
from tests.billing_invariants import assert_invariants
from tests.conftest import SECRET, Api
from tests.lifespan import lifespan

POST = """
mutation($input: PostPaymentInput!) { postPayment(input: $input) {
  payment { id amount { amount currency } method mode scope status cardLast4 reference
            unappliedAmount { amount } allocations { amount { amount } invoice { id number status openAmount { amount
  } } } }
  replayed userErrors { field code message } clientMutationId
} }
"""
PREVIEW = """
query($input: PostPaymentInput!) { paymentAllocationPreview(input: $input) {
  allocations { invoice { number } amount { amount } } unappliedAmount { amount } } }
"""
AR = """
query($id: ID!) { node(id: $id) { ... on Customer {
  balance { amount currency } pastDue { amount }
  aging(asOf: "2025-03-15") { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount }
  over90 { amount } total { amount } }
  invoices(first: 50) { totalCount edges { node { id number status total { amount } openAmount { amount }
     lines { id kind amount { amount } } allocations { amount { amount } } } } }
  payments(first: 50) { totalCount edges { node { id status unappliedAmount { amount } allocations { amount { amount
  } } } } }
  adjustments(first: 50) { totalCount edges { node { id direction amount { amount } } } }
  specialCharges(first: 50) { totalCount edges { node { id status amount { amount } } } }
  arHistory(first: 100) { totalCount edges { node { kind amount { amount } balance { amount } description } } }
} } }
"""


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


def pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


def payment_input(customer, amount: str = "100.00", **extra) -> dict:
    return {"customerId": gid("Customer", customer.id), "amount": amount, "method": "CHECK",
            "receivedOn": "2025-03-01", **extra}


async def post(api, user, customer, amount: str = "100.00", **extra) -> dict:
    return (await api.run(POST, {"input": payment_input(customer, amount, **extra)}, user=user))["postPayment"]


async def books_ok(database, tenant) -> None:
    async with database.sessionmaker() as session:
        await assert_invariants(session, tenant.client.id)


@asynccontextmanager
async def api_without_lock(database, monkeypatch, module: ModuleType) -> AsyncIterator[Api]:
    """The app with `module`'s customer lock removed: no row locks, and on SQLite DEFERRED instead of IMMEDIATE
    transactions, not queued one at a time. A race test run against it must fail, or the race test would not
    catch a missing lock (on SQLite a DEFERRED writer that loses the race is refused: an error, or BUSY_RETRY)."""
    async def no_lock(scope, customer_ids):
        await asyncio.sleep(0.01)  # widen the window between reading and writing

    monkeypatch.setattr(module, "lock_customers", no_lock)
    manager = lifespan(create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False)))
    async with manager:
        manager._state["writes"] = Writes(manager._state["engine"], immediate=False)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://csrgraph.test") as client:
            yield Api(client)
