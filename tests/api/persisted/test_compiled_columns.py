"""A compiled plan's statements select only the columns its selection reads (docs/compiled-plans.md, section 16):
each level's statement the columns its fields read (graph/core/columns.py declarations), with the keys, the parent
and the order columns it needs; built once per client and column set, so a request runs the same statement objects
as the one before, and answers the executor's bytes."""

import asyncio
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from graph.core.relay import to_global_id
from graph.logs import fields_of
from tests.api.persisted.helpers import GQL, SPA, app_in, auth, register
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

# bench billing's AR view (bench/billing.py AR_VIEW)
AR_VIEW = """query($id: ID!) { node(id: $id) { ... on Customer {
  balance { amount } pastDue { amount }
  invoices(first: 20) { edges { node { id number status dueOn total { amount } openAmount { amount }
    lines { kind description amount { amount } } allocations { amount { amount } } } } }
  payments(first: 20) { edges { node { id receivedOn method amount { amount } unappliedAmount { amount }
    allocations { amount { amount } } } } }
  arHistory(first: 100) { edges { node { kind effectiveOn description amount { amount } balance { amount } } } }
} } }"""
# The columns its statements read, by table: what the fields read, the keys, parents and order (the tenant's client,
# the standing's sums). No created_at, period_*, issued_on, reference, idempotency_key, quantity_milli, ...
AR_VIEW_READS = {
    "customers": {"id", "client_id"},
    "invoices": {"id", "client_id", "customer_id", "number", "status", "due_on", "total_cents", "open_cents"},
    "invoice_lines": {"id", "client_id", "invoice_id", "kind", "description", "amount_cents"},
    "payment_allocations": {"id", "client_id", "invoice_id", "payment_id", "amount_cents"},
    "payments": {"id", "client_id", "customer_id", "received_on", "method", "amount_cents", "unapplied_cents"},
    "ledger_entries": {"id", "client_id", "customer_id", "kind", "effective_on", "description", "amount_cents"},
}
# A narrower selection of the same connections: their statements read less (another statement per column set).
NUMBERS_ONLY = """query Numbers($id: ID!) { node(id: $id) { ... on Customer {
  invoices(first: 20) { edges { node { number lines { kind } } } }
  arHistory(first: 100) { edges { node { balance { amount } } } }
} } }"""
NUMBERS_ONLY_READS = {
    "customers": {"id", "client_id"},
    "invoices": {"id", "client_id", "customer_id", "number"},
    "invoice_lines": {"id", "client_id", "invoice_id", "kind"},
    # the running balance sums every entry's amount (its window), in ledger order
    "ledger_entries": {"id", "client_id", "customer_id", "effective_on", "amount_cents"},
}
TABLES = re.compile(r"\b(" + "|".join(AR_VIEW_READS) + r")\.(\w+)")


@contextmanager
def statements_run() -> Iterator[list[tuple[Any, str]]]:
    """(statement object, SQL) of each statement this task runs inside the block (prepared reads included; not the
    event feed's, which polls in a task of its own)."""
    run: list[tuple[Any, str]] = []
    task = asyncio.current_task()

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        try:
            ours = asyncio.current_task() is task
        except RuntimeError:  # no loop in this thread: aiosqlite's, for another task
            ours = False
        if ours:
            run.append((getattr(context, "invoked_statement", None), statement))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield run
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def columns_read(run: list[tuple[Any, str]]) -> dict[str, set[str]]:
    read: dict[str, set[str]] = {}
    for _, sql in run:
        for table, column in TABLES.findall(sql):
            read.setdefault(table, set()).add(column)
    return read


async def ledgered_customer(api: Any, session: Any, tenant: Any, name: str) -> Any:
    """Three invoices of two lines and a payment allocated to them."""
    customer = await make_customer(session, tenant, name)
    for month in range(3):
        await make_invoice(session, customer, 5_000, lines=2, due_on=date(2025, month + 1, 1))
    await session.commit()
    posted = await api.run(SPA["PostPayment"]["body"], {"input": {
        "customerId": to_global_id("Customer", customer.id), "amount": "70.00", "method": "CHECK",
        "receivedOn": "2025-03-01"}}, user=tenant.agent)
    assert posted["postPayment"]["userErrors"] == []
    return customer


@pytest.mark.parametrize(("text", "reads"), [(AR_VIEW, AR_VIEW_READS), (NUMBERS_ONLY, NUMBERS_ONLY_READS)],
                         ids=["ar-view", "numbers-only"])
async def test_a_plans_statements_select_only_what_its_selection_reads(api, database, session, tenant, caplog,
                                                                       text: str, reads: dict[str, set[str]]) -> None:
    customer = await ledgered_customer(api, session, tenant, "Narrow Quorra")
    [document_id] = await register(database, text)
    headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
    variables = {"id": to_global_id("Customer", customer.id)}
    body: Callable[[], dict[str, Any]] = lambda: {"documentId": document_id, "variables": variables}  # noqa: E731
    async with app_in(database, "open", compiled_plans=True) as compiled:
        await compiled.client.post("/graphql", json=body(), headers=headers)  # warm: the user, the document
        requests = []
        for _ in range(3):
            with statements_run() as run, caplog.at_level(logging.INFO, logger="csrgraph.access"):
                planned = await compiled.client.post("/graphql", json=body(), headers=headers)
            requests.append(run)
    lines = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
    assert [line.get("plan") for line in lines] == ["compiled"] * 3  # the plan answered, not the executor
    reference = await api.client.post("/graphql", json={"query": text, "variables": variables}, headers=headers)
    assert planned.content == reference.content
    first = requests[0]
    assert columns_read(first) == reads, [sql for _, sql in first]
    assert not [sql for _, sql in first if "created_at" in sql]
    # the same statements, the very objects (built once per client and column set), request after request
    assert all([statement for statement, _ in run] == [statement for statement, _ in first] for run in requests)
    assert all(statement is not None for statement, _ in first)


async def test_two_selections_of_one_connection_run_statements_of_their_own(api, database, session,
                                                                            tenant) -> None:
    """The AR view and a narrower document side by side on one app: each answers the executor's bytes, from its own
    statement of the invoices (not one that serves the other's column set)."""
    customer = await ledgered_customer(api, session, tenant, "Twice Quorra")
    ids = await register(database, AR_VIEW, NUMBERS_ONLY)
    headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
    variables = {"id": to_global_id("Customer", customer.id)}
    invoices: dict[str, Any] = {}
    async with app_in(database, "open", compiled_plans=True) as compiled:
        for text, document_id in (*zip((AR_VIEW, NUMBERS_ONLY), ids, strict=True),) * 2:
            with statements_run() as run:
                planned = await compiled.client.post("/graphql", json={"documentId": document_id,
                                                                       "variables": variables}, headers=headers)
            reference = await api.client.post("/graphql", json={"query": text, "variables": variables},
                                              headers=headers)
            assert planned.content == reference.content
            [page] = [statement for statement, sql in run if "invoices.number" in sql]
            assert invoices.setdefault(text, page) is page
    assert invoices[AR_VIEW] is not invoices[NUMBERS_ONLY]
