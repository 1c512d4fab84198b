"""Readers and writers at once against `csrgraph serve --workers 2`: not one request may fail.

Agents read heavy profiles, log pages and search results while others add notes and post payments, all
at the same time, through both worker processes (issue 11: on SQLite, writes held the file's lock while
their worker served reads; writers convoyed and failed with "database is locked" after the busy timeout).
Every request must answer 200 without errors and every mutation without userErrors, BUSY_RETRY included;
the books must still balance.
"""

import asyncio
import random
import time
from datetime import date

import httpx

from graph.core.relay import to_global_id
from tests.billing_invariants import check_invariants
from tests.conftest import SECRET, token_for
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer
from tests.served import serve_workers

CUSTOMERS, READERS, WRITERS, SECONDS = 24, 16, 10, 15.0
PROFILE = """query($id: ID!) { node(id: $id) { ... on Customer { id number name billingAddress { line1 city }
  utilityAccounts(first: 10) { edges { node { ldcAccountNumber status premise { meterNumber } ratePlan { code }
    enrollments { status startDate } } } }
  communicationLog(first: 50) { totalCount edges { node { id subject body createdAt memos { text } } } }
  invoices(first: 20) { edges { node { number status total { amount } openAmount { amount } lines { amount { amount }
  } } } }
  arHistory(first: 50) { edges { node { kind amount { amount } balance { amount } } } }
  recentActivity(first: 20) { kind summary } } } }"""
SEARCH = """query($text: String!) { customers(search: {text: $text}, first: 20) { totalCount edges { node {
  number name primaryAccount { ldcAccountNumber status } } } } }"""
NOTE = """mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { code message } } }"""
PAY = """mutation($i: PostPaymentInput!) { postPayment(input: $i) { payment { id } userErrors { code message } } }"""


async def arrange(session, tenant) -> list[str]:
    """Customers with accounts, a long log and open invoices: reads that keep a worker busy."""
    customers = []
    for n in range(CUSTOMERS):
        customer = await make_customer(session, tenant, f"Floor Customer {n:02d}")
        for _ in range(2):
            await make_account(session, customer, history=2)
        for k in range(30):
            await make_entry(session, customer, tenant.agent, subject=f"Call {k}", memos=k % 2)
        for k in range(3):
            await make_invoice(session, customer, 5_000 + k * 1_000, due_on=date(2025, 1 + k, 1))
        customers.append(to_global_id("Customer", customer.id))
    await session.commit()
    return customers


async def work(address: str, headers: dict, stop_at: float, seed: int, choose) -> list[str]:
    """One agent's loop until `stop_at`; what failed, as text."""
    rng, failures = random.Random(seed), []
    async with httpx.AsyncClient(base_url=f"http://{address}", headers=headers, timeout=120) as http:
        while time.monotonic() < stop_at:
            query, variables = choose(rng)
            response = await http.post("/graphql", json={"query": query, "variables": variables})
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            data = (body.get("data") or {}).values()
            user_errors = [e for payload in data if isinstance(payload, dict) for e in payload.get("userErrors") or []]
            if response.status_code != 200 or body.get("errors") or user_errors:
                failures.append(f"{response.status_code} {body.get('errors') or user_errors}"[:300])
    return failures


async def test_readers_and_writers_at_once_through_two_workers(database, session, tenant, tmp_path):
    # given a client's customers, and the server as operators run it
    customers = await arrange(session, tenant)
    names = [f"Floor Customer {n:02d}" for n in range(CUSTOMERS)]

    def read(rng):
        if rng.random() < 0.7:
            return PROFILE, {"id": rng.choice(customers)}
        return SEARCH, {"text": rng.choice(names)[:rng.randint(5, 16)]}

    def write(rng):
        if rng.random() < 0.6:
            return NOTE, {
                "i": {"customerId": rng.choice(customers), "subject": "Busy floor", "body": "Explained the bill."}
            }
        return PAY, {"i": {"customerId": rng.choice(customers), "amount": f"{rng.randint(100, 9000) / 100:.2f}",
                           "method": "CHECK", "receivedOn": "2025-03-01"}}

    async with serve_workers(database.url, SECRET, tmp_path) as served:
        # when agents read and write at once for a while
        agent, lead = (
            {"authorization": f"Bearer {token_for(tenant.agent)}"},
            {"authorization": f"Bearer {token_for(tenant.lead)}"},
        )
        stop_at = time.monotonic() + SECONDS
        readers = [work(served.address, agent, stop_at, n, read) for n in range(READERS)]
        writers = [work(served.address, lead, stop_at, 100 + n, write) for n in range(WRITERS)]
        results = await asyncio.gather(*readers, *writers)
    # then nothing failed, and the books balance
    failures = [f for agent_failures in results for f in agent_failures]
    assert failures == [], f"{len(failures)} failed requests, e.g. {failures[:3]}"
    assert await check_invariants(session, tenant.client.id) == []
