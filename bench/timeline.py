"""The customer timeline through /graphql: the first page (50 items) of a customer with 10,000 events.

The events span every source, interleaved over three years, and the client holds other customers
with events of their own, so each source's index range has neighbours to skip.
"""

import argparse
import json
import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench import benchmark
from bench.common import (
    BENCH_DIR,
    GraphQLClient,
    Statement,
    capturing_statements,
    connect_raw,
    console,
    data_fingerprint,
    data_of,
    fresh_database,
    graphql_client,
    heading,
    ms,
    print_table,
    query_plan,
    run_raw,
    sqlite_url,
    stats,
    time_async,
    time_sync,
    verdict,
)
from db.enums import (
    AdjustmentDirection,
    AllocationMode,
    CommLogKind,
    CustomerKind,
    EnrollmentStatus,
    InvoiceLineKind,
    InvoiceStatus,
    MarketDirection,
    MarketTransactionStatus,
    MarketTransactionType,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
    Role,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketStatus,
)
from db.models import (
    Adjustment,
    AuditEvent,
    Client,
    CommLogEntry,
    Customer,
    EnrollmentStatusChange,
    Invoice,
    InvoiceLine,
    Market,
    MarketTransaction,
    Payment,
    PaymentAllocation,
    Refund,
    Ticket,
    User,
    Utility,
    UtilityAccount,
)

DB_PATH = BENCH_DIR / "timeline.db"
BUILD = 1  # bump when the data changes, so a reused database is rebuilt
EMAIL = "agent@timeline.example"
EVENTS = 10_000
NEIGHBOURS = 100  # other customers of the client, each with a tenth of the events
PAGE = 50
DEEP = 5_000  # the deep page starts this many items in
ITERATIONS = 100
WARMUP = 5
TARGET_MS = 50.0
CHARGES = (InvoiceLineKind.ENERGY, InvoiceLineKind.DELIVERY, InvoiceLineKind.FEE, InvoiceLineKind.TAX)
# Items per source, 10,000 in all: "returned" payments are among "payment" and add a PAYMENT_RETURNED item each.
MIX = {"comm_log": 2_000, "invoice": 1_000, "payment": 1_000, "returned": 100, "allocation": 1_200, "adjustment": 500,
       "reversal": 400, "refund": 300, "transaction": 1_200, "status_change": 400, "ticket": 400, "audit": 1_500}

FIRST_PAGE = """query($id: ID!, $first: Int!, $after: String) { node(id: $id) { ... on Customer {
  timeline(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node {
    occurredAt kind summary actor { id name }
    subject {
      __typename
      ... on CommLogEntry { id entryKind: kind subject }
      ... on Invoice { id number total { amount } }
      ... on Payment { id amount { amount } method paymentStatus: status }
      ... on PaymentAllocation { amount { amount } }
      ... on Adjustment { id direction amount { amount } }
      ... on InvoiceLine { id lineKind: kind amount { amount } }
      ... on Refund { id amount { amount } }
      ... on MarketTransaction { id type reference }
      ... on EnrollmentStatusChange { fromStatus toStatus changedAt }
      ... on Ticket { id number summary }
      ... on AuditEvent { id action }
    }
  } } }
} } }"""
COUNT = """query($id: ID!) { node(id: $id) { ... on Customer { timeline(first: 1) { totalCount } } } }"""


@benchmark("timeline")
async def run(options: argparse.Namespace) -> bool:
    heading(f"timeline: the first page ({PAGE} items, every field) of a customer with {EVENTS:,} events")
    customer_id = await ensure_built(DB_PATH, options.rebuild)
    raw = connect_raw(DB_PATH)
    iterations = 20 if options.quick else ITERATIONS
    async with graphql_client(sqlite_url(DB_PATH), EMAIL) as client:
        variables = {"id": _gid("Customer", customer_id), "first": PAGE, "after": None}
        first = await _time(client, FIRST_PAGE, variables, iterations)
        deep_cursor = await _cursor_deep(client, variables)
        deep = await _time(client, FIRST_PAGE, {**variables, "after": deep_cursor}, iterations)
        count = await _time(client, COUNT, {"id": variables["id"]}, iterations)
        statements = await _statements(client, FIRST_PAGE, variables)
    page = next(s for s in statements if "UNION ALL" in s.sql)
    sql = stats([time_sync(lambda: [run_raw(raw, s) for s in statements])[0] for _ in range(iterations)])
    page_sql = stats([time_sync(lambda: run_raw(raw, page))[0] for _ in range(iterations)])
    ok = first.p50 < TARGET_MS
    print_table("timeline (ms)", ["what", "p50", "p95", "target", ""], [
        [f"first page: {PAGE} items, every field, through /graphql", ms(first.p50), ms(first.p95),
         f"< {TARGET_MS:g} ms", verdict(ok)],
        [f"  its SQL alone on stdlib sqlite3 ({len(statements)} statements)", ms(sql.p50), ms(sql.p95), "", ""],
        ["  of which the page (one UNION ALL over 12 sources)", ms(page_sql.p50), ms(page_sql.p95), "", ""],
        [f"a page {DEEP:,} items deep (after a cursor)", ms(deep.p50), ms(deep.p95), "", ""],
        ["totalCount alone (a count per source)", ms(count.p50), ms(count.p95), "", ""],
    ], notes=[f"{iterations} timed requests each after {WARMUP} warm-up; SQLite, {DB_PATH.name}"])
    if options.explain:
        _explain(raw, page)
    raw.close()
    return ok


async def _time(client: GraphQLClient, query: str, variables: dict[str, Any], iterations: int):
    for _ in range(WARMUP):
        data_of(await client.send(query, variables))
    return stats([(await time_async(lambda: client.send(query, variables)))[0] for _ in range(iterations)])


async def _cursor_deep(client: GraphQLClient, variables: dict[str, Any]) -> str:
    """The cursor DEEP items in, reached by walking 100 items a step."""
    after = None
    for _ in range(DEEP // 100):
        data = await client.post(FIRST_PAGE, {**variables, "first": 100, "after": after})
        after = data["node"]["timeline"]["pageInfo"]["endCursor"]
    return after


async def _statements(client: GraphQLClient, query: str, variables: dict[str, Any]) -> list[Statement]:
    with capturing_statements() as seen:
        data_of(await client.send(query, variables))
    return [s for s in seen if s.sql.lstrip().upper().startswith("SELECT")]


def _explain(raw: sqlite3.Connection, statement: Statement) -> None:
    console.print("[bold]the page's statement and plan[/]")
    for line in [statement.sql, f"params {statement.params}", *query_plan(raw, statement)]:
        console.print(f"  {line}", markup=False, highlight=False)


def _gid(kind: str, pk: int) -> str:
    from graph.core.relay import to_global_id

    return to_global_id(kind, pk)


# ---- data: Core inserts, built once and reused ---------------------------------------------------

async def ensure_built(path: Path, rebuild: bool) -> int:
    """The timed customer's id in a seeded database at `path` (built now if missing, stale or asked).

    Stale: built by an older BUILD or from other migrations (new indexes change what is measured).
    """
    marker = path.with_name(path.name + ".ready")
    built = {"build": BUILD, "fingerprint": data_fingerprint()}
    if path.exists() and marker.exists() and not rebuild:
        recorded = json.loads(marker.read_text())
        if {k: recorded.get(k) for k in built} == built:
            return recorded["customer_id"]
    marker.unlink(missing_ok=True)
    customer_id = await _build(path)
    marker.write_text(json.dumps({**built, "customer_id": customer_id}))
    return customer_id


async def _build(path: Path) -> int:
    from db.engine import make_sessionmaker

    engine = await fresh_database(path)
    async with make_sessionmaker(engine)() as session:
        seeder = Seeder(session, random.Random(6))
        customer_id = await seeder.client()
        await seeder.events(customer_id, 1)
        for n in range(NEIGHBOURS):
            await seeder.events(await seeder.customer(f"Neighbour {n}"), 10)
        await session.commit()
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()
    console.print(f"{path.name}: one customer with {EVENTS:,} events, {NEIGHBOURS} more with {EVENTS // 10:,} each")
    return customer_id


class Seeder:
    """Writes a client, its customers and their events with Core inserts."""

    START = datetime(2023, 1, 1, tzinfo=UTC)
    SPAN = timedelta(days=3 * 365)

    def __init__(self, session, rng: random.Random):
        self.session, self.rng = session, rng
        self.client_id = self.user_id = self.utility_id = self.market_id = 0
        self.serial = 0

    def at(self) -> datetime:
        return self.START + self.SPAN * self.rng.random()

    async def insert(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        return list((await self.session.execute(insert(model).returning(model.id), rows)).scalars())

    async def client(self) -> int:
        self.client_id = (await self.insert(Client, [dict(slug="timeline", name="Timeline Energy", settings={})]))[0]
        agent = dict(client_id=self.client_id, email=EMAIL, name="Agent", role=Role.AGENT, preferences={})
        self.user_id = (await self.insert(User, [agent]))[0]
        self.market_id = (await self.insert(Market, [dict(code="TX", name="Texas")]))[0]
        self.utility_id = (await self.insert(Utility, [dict(code="ONCOR", name="Oncor", market_id=self.market_id)]))[0]
        return await self.customer("Timed Customer")

    async def customer(self, name: str) -> int:
        self.serial += 1
        return (await self.insert(Customer, [dict(client_id=self.client_id, number=f"T{self.serial:08d}", name=name,
                                                  name_key=name.lower(), kind=CustomerKind.RESIDENTIAL)]))[0]

    async def events(self, customer_id: int, divisor: int) -> None:
        """MIX // divisor events of every source for one customer."""
        n = {source: count // divisor for source, count in MIX.items()}
        own = dict(client_id=self.client_id, customer_id=customer_id)
        await self.insert(CommLogEntry, [self._note(own, i) for i in range(n["comm_log"])])
        invoices = await self.insert(Invoice, [self._invoice(own, customer_id, i) for i in range(n["invoice"])])
        await self.insert(InvoiceLine, [self._line(inv, kind) for inv in invoices for kind in CHARGES])
        payments = await self.insert(Payment, [self._payment(own, i < n["returned"]) for i in range(n["payment"])])
        await self.insert(PaymentAllocation, [self._allocation(invoices, payments) for _ in range(n["allocation"])])
        await self.insert(Adjustment, [self._adjustment(own) for _ in range(n["adjustment"])])
        await self.insert(InvoiceLine, [self._reversal(invoices) for _ in range(n["reversal"])])
        await self.insert(Refund, [self._refund(own, payments) for _ in range(n["refund"])])
        accounts = await self.insert(UtilityAccount, [self._account(own, customer_id, i) for i in range(3)])
        await self.insert(MarketTransaction, [self._transaction(accounts) for _ in range(n["transaction"])])
        await self.insert(EnrollmentStatusChange, [self._status_change(accounts) for _ in range(n["status_change"])])
        await self.insert(Ticket, [self._ticket(own) for _ in range(n["ticket"])])
        await self.insert(AuditEvent, [self._audit(customer_id) for _ in range(n["audit"])])

    def _note(self, own: dict[str, Any], i: int) -> dict[str, Any]:
        return dict(own, kind=CommLogKind.NOTE, subject=f"Call {i}", author_id=self.user_id, created_at=self.at())

    def _line(self, invoice_id: int, kind: InvoiceLineKind) -> dict[str, Any]:
        return dict(client_id=self.client_id, invoice_id=invoice_id, kind=kind, description=kind.value.title(),
                    amount_cents=2_000, created_at=self.at())

    def _allocation(self, invoices: list[int], payments: list[int]) -> dict[str, Any]:
        return dict(client_id=self.client_id, payment_id=self.rng.choice(payments),
                    invoice_id=self.rng.choice(invoices), amount_cents=3_000, created_at=self.at())

    def _adjustment(self, own: dict[str, Any]) -> dict[str, Any]:
        return dict(own, direction=AdjustmentDirection.CREDIT, reason_code="GOODWILL", amount_cents=500,
                    effective_on=date(2024, 1, 1), created_by=self.user_id, created_at=self.at())

    def _reversal(self, invoices: list[int]) -> dict[str, Any]:
        return dict(client_id=self.client_id, invoice_id=self.rng.choice(invoices), kind=InvoiceLineKind.REVERSAL,
                    description="Reversal: Energy", amount_cents=-500, reason="Misread", created_by=self.user_id,
                    created_at=self.at())

    def _refund(self, own: dict[str, Any], payments: list[int]) -> dict[str, Any]:
        return dict(own, payment_id=self.rng.choice(payments), amount_cents=1_000, reason="Overpaid",
                    approved_by=self.user_id, created_at=self.at())

    def _status_change(self, accounts: list[int]) -> dict[str, Any]:
        return dict(client_id=self.client_id, utility_account_id=self.rng.choice(accounts),
                    from_status=EnrollmentStatus.PENDING, to_status=EnrollmentStatus.ACTIVE, reason="Accepted",
                    changed_at=self.at())

    def _audit(self, customer_id: int) -> dict[str, Any]:
        return dict(client_id=self.client_id, actor_id=self.user_id, action="customer.update", object_type="Customer",
                    object_id=customer_id, changes={"email": {"from": "a@x", "to": "b@x"}}, created_at=self.at())

    def _invoice(self, own: dict[str, Any], customer_id: int, i: int) -> dict[str, Any]:
        return dict(own, number=f"I{customer_id}-{i}", period_start=date(2024, 1, 1), period_end=date(2024, 1, 31),
                    issued_on=date(2024, 2, 1), due_on=date(2024, 2, 22), status=InvoiceStatus.OPEN, total_cents=8_000,
                    charges_cents=8_000, open_cents=8_000, created_at=self.at())

    def _payment(self, own: dict[str, Any], returned: bool) -> dict[str, Any]:
        created = self.at()
        return dict(own, amount_cents=12_000, method=PaymentMethod.ACH, received_on=created.date(),
                    mode=AllocationMode.FIFO, scope=PaymentScope.CUSTOMER, unapplied_cents=0, created_by=self.user_id,
                    created_at=created, status=PaymentStatus.RETURNED if returned else PaymentStatus.POSTED,
                    returned_at=created + timedelta(days=3) if returned else None,
                    returned_reason="NSF" if returned else None)

    def _account(self, own: dict[str, Any], customer_id: int, i: int) -> dict[str, Any]:
        return dict(own, ldc_account_number=f"L{customer_id}-{i}", utility_id=self.utility_id,
                    market_id=self.market_id, status=EnrollmentStatus.ACTIVE, service_line1="1 Main St",
                    service_city="Dallas", service_state="TX", service_zip="75201", created_at=self.START)

    def _transaction(self, accounts: list[int]) -> dict[str, Any]:
        self.serial += 1
        return dict(client_id=self.client_id, utility_account_id=self.rng.choice(accounts),
                    type=MarketTransactionType.ENROLLMENT, direction=MarketDirection.OUTBOUND,
                    status=MarketTransactionStatus.ACCEPTED, reference=f"R{self.serial:09d}", details={},
                    created_by=self.user_id, created_at=self.at())

    def _ticket(self, own: dict[str, Any]) -> dict[str, Any]:
        return dict(own, kind=TicketKind.GENERAL, summary="Billing question", description="Asked about the bill",
                    request_type=TicketRequestType.BILLING, queue=TicketQueue.BILLING, reporter=EMAIL,
                    support_channel=SupportChannel.PHONE, status=TicketStatus.OPEN, details={},
                    created_by=self.user_id, created_at=self.at())
