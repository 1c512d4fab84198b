"""Concurrent postPayment requests for one customer never over-allocate (Jepsen's bank test, small).

Ten FIFO payments race over invoices worth less than they add up to. With the locks (SQLite's
BEGIN IMMEDIATE, PostgreSQL's row locks) every invariant holds. The unlocked variant removes the
lock (and on SQLite uses plain DEFERRED transactions) and must fail: over-allocation, lost updates
of open amounts, or requests that die on the write conflict.

Payments, reversals of the same invoices' charges and credits against them race too: every writer of an
invoice holds its customer's lock and none takes the invoice's own (lookups.invoice_or_not_found).
"""

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from db.models import InvoiceLine
from resolvers.billing import adjustments, payments, reversals
from tests.api.billing.helpers import POST, api_without_lock, gid, payment_input
from tests.billing_invariants import check_invariants
from tests.conftest import Api
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

POSTINGS = 10
ROUNDS = 5


async def _arrange(database, tenant):
    async with database.sessionmaker() as session:
        customer = await make_customer(session, tenant)
        for n in range(4):
            await make_invoice(session, customer, 2_500, due_on=date(2025, 1, 1 + n))
        await session.commit()
    return customer


async def _race(api: Api, tenant, customer) -> list[dict]:
    requests = [api.post(POST, {"input": payment_input(customer, "30.00")}, user=tenant.agent) for _ in range(POSTINGS)]
    return [r.json() for r in await asyncio.gather(*requests)]


async def _problems(database, tenant) -> list[str]:
    async with database.sessionmaker() as session:
        return await check_invariants(session, tenant.client.id)


async def test_concurrent_postings_never_over_allocate(api, database, tenant):
    # given
    customer = await _arrange(database, tenant)
    # when
    bodies = await _race(api, tenant, customer)
    # then
    assert all("errors" not in b and b["data"]["postPayment"]["userErrors"] == [] for b in bodies), bodies
    assert await _problems(database, tenant) == []
    credits = sorted(b["data"]["postPayment"]["payment"]["unappliedAmount"]["amount"] for b in bodies)
    assert credits.count("30.00") == POSTINGS - 4
    assert "20.00" in credits


@pytest.fixture
async def unlocked_api(database, monkeypatch):
    async with api_without_lock(database, monkeypatch, payments) as api:
        yield api


def _failed(body: dict) -> bool:
    """A request that died, or (on SQLite) a DEFERRED writer that lost the race, refused with BUSY_RETRY since issue 11;
    not an expected refusal such as a credit larger than what a payment left open."""
    return "errors" in body or any(e["code"] == "BUSY_RETRY" for e in next(iter(body["data"].values()))["userErrors"])


async def _first_broken_round(database, session, race) -> list:
    """Up to ROUNDS runs of `race(tenant)` (its response bodies), each for a new client: the first that failed
    requests or broke the books, as [(failed requests, problems)]; [] when none did."""
    from tests.factories.admin import make_tenant

    for _ in range(ROUNDS):
        tenant = await make_tenant(session)
        await session.commit()
        bodies = await race(tenant)
        errors = [b for b in bodies if _failed(b)]
        problems = await _problems(database, tenant)
        if errors or problems:
            return [(len(errors), problems[:3])]
    return []


async def test_without_the_lock_the_race_breaks_the_books(unlocked_api, database, session):
    """The lock is what keeps the test above green: without it, some round must go wrong."""
    async def race(tenant):
        return await _race(unlocked_api, tenant, await _arrange(database, tenant))

    failures = await _first_broken_round(database, session, race)
    print("unlocked race:", failures)
    assert failures, "removing the lock changed nothing: the race test would not catch a missing lock"


REVERSE = """mutation($input: ReverseInvoiceChargesInput!) {
  reverseInvoiceCharges(input: $input) { userErrors { code } } }"""
CREDIT = """mutation($input: CreateAdjustmentInput!) { createAdjustment(input: $input) { userErrors { code } } }"""


async def _invoices_with_lines(database, tenant):
    """Four invoices of 25.00 in two lines each: (customer, [(invoice id, [line ids])])."""
    async with database.sessionmaker() as session:
        customer = await make_customer(session, tenant)
        invoices = [await make_invoice(session, customer, 2_500, due_on=date(2025, 1, 1 + n), lines=2)
                    for n in range(4)]
        await session.commit()
        stmt = select(InvoiceLine.invoice_id, InvoiceLine.id).where(InvoiceLine.invoice_id.in_(i.id for i in invoices))
        lines = (await session.execute(stmt.order_by(InvoiceLine.id))).all()
    return customer, [(i.id, [line for invoice_id, line in lines if invoice_id == i.id]) for i in invoices]


async def _mixed_race(api: Api, tenant, customer, invoices) -> list[dict]:
    payments_ = [api.post(POST, {"input": payment_input(customer, "20.00")}, user=tenant.agent) for _ in range(6)]
    reversals_ = [api.post(REVERSE, {"input": {"invoiceId": gid("Invoice", invoice_id), "reason": "Estimated read",
                                               "lineIds": [gid("InvoiceLine", lines[0])]}}, user=tenant.lead)
                  for invoice_id, lines in invoices]
    credits = [api.post(CREDIT, {"input": {"customerId": gid("Customer", customer.id), "direction": "CREDIT",
                                           "amount": "5.00", "reasonCode": "GOODWILL",
                                           "invoiceId": gid("Invoice", invoice_id)}}, user=tenant.lead)
               for invoice_id, _lines in invoices[:2]]
    return [r.json() for r in await asyncio.gather(*payments_, *reversals_, *credits)]


async def test_payments_reversals_and_credits_at_once_keep_the_books(api, database, tenant):
    # given four invoices with two lines each
    customer, invoices = await _invoices_with_lines(database, tenant)
    # when six payments, a reversal of each invoice's first line and two credits against invoices all run at once
    bodies = await _mixed_race(api, tenant, customer, invoices)
    # then each either did its work or was refused as a userError, and the books are sound
    assert all("errors" not in b for b in bodies), bodies
    refused = [e["code"] for b in bodies for e in next(iter(b["data"].values()))["userErrors"]]
    assert set(refused) <= {"CREDIT_EXCEEDS_OPEN_AMOUNT"}, refused  # a credit after the payments left nothing open
    assert await _problems(database, tenant) == []


async def test_without_the_locks_payments_reversals_and_credits_break_the_books(database, session, monkeypatch):
    """The customers' locks are what keep the test above green."""
    async def no_lock(scope, customer_ids):
        await asyncio.sleep(0.01)

    async def race(tenant):
        return await _mixed_race(unlocked, tenant, *await _invoices_with_lines(database, tenant))

    for module in (reversals, adjustments):
        monkeypatch.setattr(module, "lock_customers", no_lock)
    async with api_without_lock(database, monkeypatch, payments) as unlocked:
        failures = await _first_broken_round(database, session, race)
    print("unlocked mixed race:", failures)
    assert failures, "removing the locks changed nothing: the race test would not catch a missing lock"
