"""Billing through /graphql: FIFO posting across 1,000 open invoices and a customer's AR view, each beside its floor."""

import argparse
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from time import process_time
from typing import Any

import orjson
from sqlalchemy import insert

from bench import benchmark
from bench.common import (
    BENCH_DIR,
    capturing_statements,
    connect_raw,
    console,
    document_id_of,
    fresh_database,
    graphql_client,
    heading,
    ms,
    print_table,
    register_documents,
    sqlite_url,
    stats,
    tenant_id,
    time_async,
    time_sync,
    verdict,
)
from db.enums import (
    AllocationMode,
    CustomerKind,
    InvoiceLineKind,
    InvoiceStatus,
    LedgerKind,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
    Role,
)
from db.models import (
    Client,
    Customer,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    PaymentAllocation,
    User,
)

DB_PATH = BENCH_DIR / "billing.db"
FLOOR_PATH = BENCH_DIR / "billing-floor.db"
EMAIL = "agent@billbench.example"
OPEN_INVOICES = 1_000
POSTINGS = 20  # one fresh customer with 1,000 open invoices per posting; the first two warm up
QUICK_POSTINGS = 6
PLANNED_POSTINGS = 8  # per document and app in the payload-plan table (each app's first warms up); --quick 3
SPA_POST = (Path(__file__).resolve().parents[1] / "spa" / "operations" / "PostPayment.graphql").read_text()
FIFO_TARGET_MS = 20.0  # issue 12
VIEW_ITERATIONS = 40
# Issue 5's target for the AR view through /graphql, judged on the app as it runs by default (compiled plans on,
# CSRGRAPH_COMPILED_PLANS): the view a CSR's AR tab sends again and again. The same view on the executor alone (plans
# off) is printed beside it for reference, without a verdict: the plans are how the app meets issue 5's target.
TARGET_RATIO = 10.0
PLAN_TARGET_RATIO = 4.0  # issue 12: the AR view through a compiled plan

POST = """mutation($input: PostPaymentInput!) { postPayment(input: $input) {
  payment { id unappliedAmount { amount } } userErrors { code message } } }"""
AR_VIEW = """query($id: ID!) { node(id: $id) { ... on Customer {
  balance { amount } pastDue { amount }
  invoices(first: 20) { edges { node { id number status dueOn total { amount } openAmount { amount }
    lines { kind description amount { amount } } allocations { amount { amount } } } } }
  payments(first: 20) { edges { node { id receivedOn method amount { amount } unappliedAmount { amount }
    allocations { amount { amount } } } } }
  arHistory(first: 100) { edges { node { kind effectiveOn description amount { amount } balance { amount } } } }
} } }"""


@benchmark("billing")
async def run(options: argparse.Namespace) -> bool:
    heading("billing: FIFO posting over 1,000 open invoices and AR view, each vs stdlib sqlite3 (the floor)")
    postings, planned_postings = (QUICK_POSTINGS, 3) if options.quick else (POSTINGS, PLANNED_POSTINGS)
    payers, viewed = await build(DB_PATH, postings + 4 * (planned_postings + 1))
    payers, planned_payers = payers[:postings], payers[postings:]
    copy_database(DB_PATH, FLOOR_PATH)  # the floor pays the same customers in a copy
    iterations = 10 if options.quick else VIEW_ITERATIONS
    async with graphql_client(sqlite_url(DB_PATH), EMAIL) as client:
        fifo, statements, fifo_cpu = await time_fifo(client, payers)
        # The postings wrote tens of thousands of allocations since build()'s ANALYZE: with those statistics SQLite
        # scans payment_allocations for an invoice's (2.2 ms of a 2.5 ms floor). The views are timed, app and floor
        # alike, on current statistics, as a running app keeps them (db/maintenance.py: a pass every
        # CSRGRAPH_STATISTICS_MINUTES, too far apart for a bench, which analyzes here itself).
        analyze(DB_PATH)
        view = await time_view(client, viewed, iterations)
        executors = (await client.send(AR_VIEW, {"id": _gid("Customer", viewed)})).content
    planned = await time_planned_views(viewed, iterations, executors)
    payload_rows = await time_payload_plans(planned_payers)
    raw = connect_raw(DB_PATH)
    floor = stats([time_sync(lambda: floor_view(raw, viewed))[0] for _ in range(VIEW_ITERATIONS)])
    raw.close()
    fifo_floor, floor_cpu = time_fifo_floor(FLOOR_PATH, payers)
    ratio = view.p50 / floor.p50
    plan_ratio = max(p.p50 for p in planned.values()) / floor.p50  # the slower way of sending the view
    print_table("billing (ms)", ["what", "p50", "p95", "CPU p50", "target", ""], [
        [f"postPayment FIFO over 1,000 open invoices ({statements} statements)", ms(fifo.p50), ms(fifo.p95),
         f"{ms(fifo_cpu.p50)} ({fifo_cpu.p50 / floor_cpu.p50:.1f}x)",
         f"≤ {FIFO_TARGET_MS:g} ms ({fifo.p50 / fifo_floor.p50:.1f}x floor)", verdict(fifo.p50 <= FIFO_TARGET_MS)],
        ["floor: the same reads and writes through stdlib sqlite3, one commit", ms(fifo_floor.p50), ms(fifo_floor.p95),
         ms(floor_cpu.p50), "", ""],
        *([f"AR view (20 invoices + lines + allocations, 20 payments, 12 months history), the app's default "
           f"(compiled plans on): {how}", ms(p.p50), ms(p.p95), "",
           f"≤ {TARGET_RATIO:g}x (issue 5), ≤ {PLAN_TARGET_RATIO:g}x (issue 12) floor ({p.p50 / floor.p50:.1f}x)",
           verdict(p.p50 / floor.p50 <= PLAN_TARGET_RATIO)] for how, p in planned.items()),
        ["the same on the executor alone (CSRGRAPH_COMPILED_PLANS=0; reference, no target)", ms(view.p50),
         ms(view.p95), "", f"({ratio:.1f}x floor)", ""],
        ["floor: stdlib sqlite3 + dicts + orjson", ms(floor.p50), ms(floor.p95), "", "", ""],
    ])
    print_table("postPayment by documentId: the payload through its plan (graph/compiled/payloads.py) or the executor "
                "(ms; the same FIFO over 1,000 open invoices, fresh payers, the two apps alternating, each posting on "
                "an empty WAL)",
                ["document", "app", "p50", "p95", "CPU p50", "statements"], payload_rows)
    console.print("CPU p50: this process's CPU time per posting (the app, in process, with its client; the floor's "
                  "sqlite3 alone): steadier than wall time on a busy machine; fsync waits are not CPU")
    return fifo.p50 <= FIFO_TARGET_MS and plan_ratio <= min(TARGET_RATIO, PLAN_TARGET_RATIO)


async def time_fifo(client, payers: list[int]):
    """p50/p95 of one posting per payer (the first two warm the caches), the fewest statements a posting ran
    (the fewest: a statement some background task runs meanwhile is counted too), and the process's CPU time a
    posting took."""
    samples, statements, cpu = [], [], []
    for n, customer_id in enumerate(payers):
        variables = {"input": {"customerId": _gid("Customer", customer_id), "amount": f"{OPEN_INVOICES * 10}.00",
                               "method": "CHECK", "receivedOn": "2025-06-01"}}
        with capturing_statements() as seen:
            started = process_time()
            elapsed, response = await time_async(lambda v=variables: client.post(POST, v))
            used = (process_time() - started) * 1000
        assert response["postPayment"]["userErrors"] == [], response
        statements.append(sum(1 for s in seen if not s.sql.lstrip().upper().startswith("BEGIN")))
        if n >= 2:
            samples.append(elapsed)
            cpu.append(used)
    return stats(samples), min(statements[1:]), stats(cpu)


async def time_payload_plans(payers: list[int]) -> list[list[str]]:
    """postPayment by documentId on two apps over the same database, one with compiled plans off (the executor
    completes the payload, as before mutations had plans) and one with them on (the payload's plan), postings
    alternating between them, each on a fresh payer: the bench's document (the payment's id and credit) and the SPA's
    (with its 1,000 allocations and their invoices). Each app's first posting of a document warms up.

    Each posting starts on a checkpointed, empty WAL (`checkpointed`, untimed): a posting writes about 600 pages, and
    SQLite checkpoints in the commit that takes the WAL past 1,000, so with the apps alternating every checkpoint
    (4-5 ms of CPU, 7 ms of wall here: 1,200 pages copied and the database fsynced) fell on the second app's postings.
    Neither column pays a checkpoint now; the FIFO table above times them as they come."""
    await register_documents(sqlite_url(DB_PATH), [POST, SPA_POST])
    rows: list[list[str]] = []
    raw = connect_raw(DB_PATH)
    async with graphql_client(sqlite_url(DB_PATH), EMAIL) as executor, \
            graphql_client(sqlite_url(DB_PATH), EMAIL, compiled_plans=True) as plan:
        apps = {"executor (plans off)": executor, "payload plan": plan}
        for name, text in (("bench's", POST), ("SPA's PostPayment", SPA_POST)):
            samples: dict[str, list[float]] = {how: [] for how in apps}
            statements: dict[str, list[int]] = {how: [] for how in apps}
            cpu: dict[str, list[float]] = {how: [] for how in apps}
            for n in range(len(payers) // 4):
                for how, client in apps.items():
                    customer_id = payers.pop()
                    variables = {"input": {"customerId": _gid("Customer", customer_id),
                                           "amount": f"{OPEN_INVOICES * 10}.00", "method": "CHECK",
                                           "receivedOn": "2025-06-01"}}

                    def send(client: Any = client, variables: dict = variables, text: str = text) -> Any:
                        return client.http.post("/graphql", json={"documentId": document_id_of(text),
                                                                  "variables": variables}, headers=client.headers)

                    checkpointed(raw)
                    with capturing_statements() as seen:
                        started = process_time()
                        elapsed, response = await time_async(send)
                        used = (process_time() - started) * 1000
                    body = orjson.loads(response.content)
                    assert "errors" not in body, body
                    assert body["data"]["postPayment"]["userErrors"] == [], body
                    if n:
                        samples[how].append(elapsed)
                        cpu[how].append(used)
                        statements[how].append(sum(1 for s in seen if not s.sql.lstrip().upper().startswith("BEGIN")))
            for how in apps:
                timed = stats(samples[how])
                rows.append([name, how, ms(timed.p50), ms(timed.p95), ms(stats(cpu[how]).p50),
                             str(min(statements[how]))])
    raw.close()
    return rows


def checkpointed(raw: sqlite3.Connection) -> None:
    """The WAL copied into the database and truncated (neither app holds a read open between postings)."""
    busy, _logged, _copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert not busy, "a reader or writer held the WAL"


def time_fifo_floor(path: Path, payers: list[int]):
    """The same postings by hand: read the open invoices, insert the payment, its ledger row and its allocations,
    update the invoices, commit (WAL, synchronous FULL and foreign keys, as the app's connections)."""
    raw = connect_raw(path)
    for pragma in ("journal_mode=wal", "synchronous=2", "foreign_keys=1"):
        raw.execute(f"PRAGMA {pragma}")
    client_id = tenant_id(raw, EMAIL)
    samples, cpu = [], []
    for customer_id in payers[2:]:
        started = process_time()
        samples.append(time_sync(lambda c=customer_id: floor_fifo(raw, client_id, c))[0])
        cpu.append((process_time() - started) * 1000)
    raw.close()
    return stats(samples), stats(cpu)


def floor_fifo(raw: sqlite3.Connection, client_id: int, customer_id: int) -> None:
    now = "2025-06-01 12:00:00.000000"
    raw.execute("BEGIN IMMEDIATE")
    invoices = raw.execute("SELECT id, customer_id, number, due_on, issued_on, open_cents, charges_cents, total_cents, "
                           "status FROM invoices WHERE client_id = ? AND customer_id = ? AND open_cents > 0 "
                           "ORDER BY due_on, issued_on, number, id", (client_id, customer_id)).fetchall()
    left = OPEN_INVOICES * 1_000
    paid = []
    for invoice_id, _customer, _number, _due, _issued, open_cents, _charges, _total, _status in invoices:
        cents = min(left, open_cents)
        if cents <= 0:
            break
        left -= cents
        paid.append((invoice_id, cents, open_cents - cents, "PAID" if cents == open_cents else "PARTIALLY_PAID"))
    payment_id = raw.execute(
        "INSERT INTO payments (client_id, customer_id, amount_cents, method, received_on, mode, scope, "
        "unapplied_cents, status, created_at) "
        "VALUES (?, ?, ?, 'CHECK', '2025-06-01', 'FIFO', 'CUSTOMER', ?, 'POSTED', ?)",
        (client_id, customer_id, OPEN_INVOICES * 1_000, left, now)).lastrowid
    raw.execute("INSERT INTO ledger_entries (client_id, customer_id, kind, amount_cents, description, payment_id, "
                "effective_on, created_at) VALUES (?, ?, 'PAYMENT', ?, 'Payment (CHECK)', ?, '2025-06-01', ?)",
                (client_id, customer_id, -OPEN_INVOICES * 1_000, payment_id, now))
    raw.executemany("INSERT INTO payment_allocations (client_id, payment_id, invoice_id, amount_cents, created_at) "
                    "VALUES (?, ?, ?, ?, ?)", [(client_id, payment_id, i, cents, now) for i, cents, _o, _s in paid])
    raw.executemany("UPDATE invoices SET open_cents = ?, status = ? WHERE id = ?",
                    [(open_cents, status, i) for i, _c, open_cents, status in paid])
    raw.execute("COMMIT")


async def time_view(client, customer_id: int, iterations: int):
    variables = {"id": _gid("Customer", customer_id)}
    for _ in range(3):
        await client.post(AR_VIEW, variables)
    return stats([(await time_async(lambda: client.send(AR_VIEW, variables)))[0] for _ in range(iterations)])


async def time_planned_views(customer_id: int, iterations: int, executors: bytes) -> dict[str, Any]:
    """The AR view on an app with compiled plans on (CSRGRAPH_COMPILED_PLANS=1), as text seen before and registered
    (named by its documentId); each answer checked against the executor's bytes first."""
    await register_documents(sqlite_url(DB_PATH), [AR_VIEW])
    variables = {"id": _gid("Customer", customer_id)}
    async with graphql_client(sqlite_url(DB_PATH), EMAIL, compiled_plans=True) as client:
        def by_id() -> Any:
            return client.http.post("/graphql", json={"documentId": document_id_of(AR_VIEW), "variables": variables},
                                    headers=client.headers)

        sends = {"text seen before": lambda: client.send(AR_VIEW, variables), "registered, by documentId": by_id}
        timed = {}
        for how, send in sends.items():
            for _ in range(3):
                answer = (await send()).content
            if answer != executors:
                raise AssertionError(f"the plan ({how}) answered other bytes than the executor")
            timed[how] = stats([(await time_async(send))[0] for _ in range(iterations)])
    return timed


def analyze(path: Path) -> None:
    raw = connect_raw(path)
    raw.execute("ANALYZE")
    raw.close()


def floor_view(raw: sqlite3.Connection, customer_id: int) -> bytes:
    """The same data with plain SQL, dicts and orjson: what the view cannot beat."""
    invoices = raw.execute(
        "SELECT id, number, status, due_on, total_cents, open_cents FROM invoices WHERE customer_id = ? "
        "ORDER BY id DESC LIMIT 20",
        (customer_id,),
    ).fetchall()
    ids = [i[0] for i in invoices]
    marks = ",".join("?" * len(ids))
    lines = raw.execute(
        f"SELECT invoice_id, kind, description, amount_cents FROM invoice_lines WHERE invoice_id IN ({marks})", ids
    ).fetchall()
    allocs = raw.execute(
        f"SELECT invoice_id, amount_cents FROM payment_allocations WHERE invoice_id IN ({marks})", ids
    ).fetchall()
    pays = raw.execute(
        "SELECT id, received_on, method, amount_cents, unapplied_cents FROM payments WHERE customer_id = ? "
        "ORDER BY id DESC LIMIT 20",
        (customer_id,),
    ).fetchall()
    history = raw.execute(
        "SELECT kind, effective_on, description, amount_cents, SUM(amount_cents) OVER (ORDER BY effective_on, id) "
        "FROM ledger_entries WHERE customer_id = ? ORDER BY effective_on, id LIMIT 100",
        (customer_id,),
    ).fetchall()
    by_invoice: dict[int, dict[str, list[Any]]] = {i: {"lines": [], "allocations": []} for i in ids}
    for invoice_id, kind, text, cents in lines:
        by_invoice[invoice_id]["lines"].append({"kind": kind, "description": text, "amount": _money(cents)})
    for invoice_id, cents in allocs:
        by_invoice[invoice_id]["allocations"].append({"amount": _money(cents)})
    return orjson.dumps(
        {
            "invoices": [
                {
                    "id": i,
                    "number": n,
                    "status": s,
                    "dueOn": d,
                    "total": _money(t),
                    "openAmount": _money(o),
                    **by_invoice[i],
                }
                for i, n, s, d, t, o in invoices
            ],
            "payments": [
                {"id": p, "receivedOn": r, "method": m, "amount": _money(a), "unapplied": _money(u)}
                for p, r, m, a, u in pays
            ],
            "arHistory": [
                {"kind": k, "effectiveOn": e, "description": t, "amount": _money(a), "balance": _money(b)}
                for k, e, t, a, b in history
            ],
        }
    )


def _money(cents: int) -> dict[str, str]:
    return {"amount": f"{cents / 100:.2f}", "currency": "USD"}  # display only; same cost as the exact path


def _gid(kind: str, pk: int) -> str:
    from graph.core.relay import to_global_id

    return to_global_id(kind, pk)


def copy_database(path: Path, copy: Path) -> None:
    """A copy of the (closed) database at `path`, through SQLite's backup API."""
    for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        leftover.unlink(missing_ok=True)
    source, target = sqlite3.connect(path), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()


async def build(path: Path, postings: int = POSTINGS) -> tuple[list[int], int]:
    """A fresh database: `postings` customers with 1,000 open invoices each, and one customer with a year of AR."""
    from db.engine import make_sessionmaker

    engine = await fresh_database(path)
    async with make_sessionmaker(engine)() as session:
        payers, viewed = await seed_billing(session, EMAIL, postings, OPEN_INVOICES)
        await session.commit()
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()
    console.print(
        f"{path.name}: {len(payers)} payers x {OPEN_INVOICES:,} open invoices; one customer with 12 months of AR"
    )
    return payers, viewed


# ---- data: written with the ORM in bulk ---------------------------------------------------------

async def seed_billing(session, email: str, payers: int, invoices: int) -> tuple[list[int], int]:
    client = Client(slug="billbench", name="Bill Bench Energy", settings={})
    session.add(client)
    await session.flush()
    session.add(User(client_id=client.id, email=email, name="Agent", role=Role.AGENT, preferences={}))
    ids = [await _customer(session, client.id, f"Payer {n}") for n in range(payers)]
    for customer_id in ids:
        await _open_invoices(session, client.id, customer_id, invoices)
    viewed = await _customer(session, client.id, "Viewed Customer")
    await _year_of_ar(session, client.id, viewed)
    return ids, viewed


async def _customer(session, client_id: int, name: str) -> int:
    customer = Customer(client_id=client_id, number=f"B{name.replace(' ', '')}", name=name, name_key=name.lower(),
                        kind=CustomerKind.RESIDENTIAL)
    session.add(customer)
    await session.flush()
    return customer.id


def _invoice(client_id: int, customer_id: int, n: int, due: date, cents: int) -> dict:
    return dict(
        client_id=client_id,
        customer_id=customer_id,
        number=f"B{customer_id}-{n:05d}",
        period_start=due - timedelta(days=51),
        period_end=due - timedelta(days=22),
        issued_on=due - timedelta(days=21),
        due_on=due,
        status=InvoiceStatus.OPEN,
        total_cents=cents,
        charges_cents=cents,
        open_cents=cents,
    )


async def _open_invoices(session, client_id: int, customer_id: int, count: int) -> None:
    rows = [_invoice(client_id, customer_id, n, date(2020, 1, 1) + timedelta(days=n), 1_000) for n in range(count)]
    ids = (await session.execute(insert(Invoice).returning(Invoice.id), rows)).scalars().all()
    await session.execute(
        insert(LedgerEntry),
        [
            dict(
                client_id=client_id,
                customer_id=customer_id,
                kind=LedgerKind.INVOICE,
                amount_cents=1_000,
                description="Invoice",
                effective_on=date(2020, 1, 1),
                invoice_id=i,
            )
            for i in ids
        ],
    )


async def _year_of_ar(session, client_id: int, customer_id: int) -> None:
    """20 invoices with 4 lines, each paid by a payment: 12 months of history and then some."""
    for n in range(20):
        due = date(2024, 7, 1) + timedelta(days=18 * n)
        invoice = Invoice(**_invoice(client_id, customer_id, n, due, 12_000))
        session.add(invoice)
        await session.flush()
        for kind, cents in (
            (InvoiceLineKind.ENERGY, 8_000),
            (InvoiceLineKind.DELIVERY, 3_000),
            (InvoiceLineKind.FEE, 500),
            (InvoiceLineKind.TAX, 500),
        ):
            session.add(
                InvoiceLine(
                    client_id=client_id,
                    invoice_id=invoice.id,
                    kind=kind,
                    description=kind.value.title(),
                    amount_cents=cents,
                )
            )
        payment = Payment(client_id=client_id, customer_id=customer_id, amount_cents=12_000, method=PaymentMethod.ACH,
                          received_on=due, mode=AllocationMode.FIFO, scope=PaymentScope.CUSTOMER, unapplied_cents=0,
                          status=PaymentStatus.POSTED)
        session.add(payment)
        await session.flush()
        session.add(
            PaymentAllocation(client_id=client_id, payment_id=payment.id, invoice_id=invoice.id, amount_cents=12_000)
        )
        invoice.open_cents, invoice.status = 0, InvoiceStatus.PAID
        session.add_all([
            LedgerEntry(client_id=client_id, customer_id=customer_id, kind=LedgerKind.INVOICE, amount_cents=12_000,
                        description=f"Invoice {invoice.number}", effective_on=invoice.issued_on, invoice_id=invoice.id),
            LedgerEntry(client_id=client_id, customer_id=customer_id, kind=LedgerKind.PAYMENT, amount_cents=-12_000,
                        description="Payment (ACH)", effective_on=due, payment_id=payment.id)])
