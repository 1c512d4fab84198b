"""The utility accounts tab through /graphql: 50 accounts of one customer, each with its premise, the
transaction history panel (100 market transactions) and 24 months of usage, beside the floor.

Timed twice: as the tab loads (the panel's columns), and with every transaction's detail view too
(`details`: four name/value objects per transaction, about half of all the fields resolved).
"""

import argparse
import sqlite3
from base64 import b64encode
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson

from bench import benchmark
from bench.common import (
    AGENT,
    BENCH_DIR,
    GraphQLClient,
    Stats,
    capturing_statements,
    connect_raw,
    console,
    data_of,
    describe,
    ensure_database,
    graphql_client,
    heading,
    ms,
    print_table,
    stats,
    tenant_id,
    time_async,
    time_sync,
    verdict,
)

DB_PATH = BENCH_DIR / "accounts.db"
CUSTOMERS = 3_000  # the demo around the benchmark's customer
NUMBER = "BENCH-ACCOUNTS-50"
ACCOUNTS, TRANSACTIONS, MONTHS = 50, 100, 24
WINDOW = ("2024-11-01", "2026-10-31")  # the 24 months the usage covers
ITERATIONS, WARMUP, TARGET_RATIO = 30, 3, 10.0

VIEW = """
query Accounts($n: String!, $accounts: Int!, $from: Date!, $to: Date!) { customer(number: $n) {
  utilityAccounts(first: $accounts) { edges { node {
    id ldcAccountNumber status startDate endDate contractTermMonths renewalPending pendingTransfer
    premise { serviceAddress { line1 line2 city state zip } meterNumber meterType readCycle rateClass loadProfile }
    marketTransactions(first: 100) { totalCount edges { node {
      id type transactionSet direction status reference reason effectiveDate createdAt sentAt respondedAt
      relatedTransaction { reference } } } }
    consumption(from: $from, to: $to) { start end days kwh demandKw readType }
  } } } } }"""
VIEWS = {False: VIEW, True: VIEW.replace("relatedTransaction {", "details { name value } relatedTransaction {")}


@benchmark("accounts")
async def run(options: argparse.Namespace) -> bool:
    heading(f"accounts: {ACCOUNTS} utility accounts x ({TRANSACTIONS} market transactions + {MONTHS} months of usage)")
    db = await ensure_database(DB_PATH, CUSTOMERS, rebuild=options.rebuild)
    console.print(describe(db))
    await ensure_bench_customer(db.url)
    raw = connect_raw(db.path)
    raw.row_factory = sqlite3.Row  # the floor reads columns by name, like the ORM rows
    client_id = tenant_id(raw)
    async with graphql_client(db.url) as client:
        for details in VIEWS:
            expected = orjson.loads(floor(raw, client_id, ACCOUNTS, details)[0])["data"]
            if await client.post(VIEWS[details], variables(ACCOUNTS)) != expected:
                raise AssertionError("floor and GraphQL differ: the ratio would compare different work")
        timed = {d: await time_both(client, raw, client_id, d, 5 if options.quick else ITERATIONS) for d in VIEWS}
        counts = {n: await statement_count(client, n) for n in (1, 10, ACCOUNTS)}
        shape = await client.post(VIEWS[True], variables(ACCOUNTS))
    floor_counts = {n: floor(raw, client_id, n, True)[1] for n in counts}
    raw.close()
    ratios = {d: graphql.p50 / floor_.p50 for d, (graphql, floor_) in timed.items()}
    report(timed, ratios, counts, floor_counts, shape)
    return ratios[False] <= TARGET_RATIO and len(set(counts.values())) == 1


def variables(accounts: int) -> dict[str, Any]:
    return {"n": NUMBER, "accounts": accounts, "from": WINDOW[0], "to": WINDOW[1]}


# ---- the benchmark's customer ---------------------------------------------------------------

async def ensure_bench_customer(url: str) -> None:
    """Add the customer with 50 accounts, 100 transactions and 24 periods each, once."""
    from sqlalchemy import func, insert, select

    from db.engine import make_engine
    from db.models import Customer, MarketTransaction, User, Utility, UtilityAccount

    engine = make_engine(url)
    async with engine.begin() as conn:
        if (await conn.execute(select(Customer.id).where(Customer.number == NUMBER))).first() is None:
            client_id = (await conn.execute(select(User.client_id).where(User.email == AGENT))).scalar_one()
            utility = (await conn.execute(select(Utility.id, Utility.market_id).where(Utility.code == "ONCOR"))).one()
            customer = (
                await conn.execute(insert(Customer).returning(Customer.id), [customer_row(client_id)])
            ).scalar_one()
            rows = [account_row(client_id, customer, utility, n) for n in range(ACCOUNTS)]
            accounts = (await conn.execute(insert(UtilityAccount).returning(UtilityAccount.id), rows)).scalars().all()
            next_id = (await conn.execute(select(func.coalesce(func.max(MarketTransaction.id), 0)))).scalar_one() + 1
            for model, rows in bench_rows(client_id, list(accounts), next_id).items():
                await conn.execute(insert(model), rows)
    await engine.dispose()


def customer_row(client_id: int) -> dict[str, Any]:
    return {"client_id": client_id, "number": NUMBER, "name": "Benchmark Holdings", "name_key": "benchmark holdings",
            "kind": "COMMERCIAL", "language": "en", "is_master": False, "address_key": ""}


def account_row(client_id: int, customer: int, utility: tuple[int, int], n: int) -> dict[str, Any]:
    return {"client_id": client_id, "customer_id": customer, "ldc_account_number": f"BENCH{n:012d}",
            "utility_id": utility[0], "market_id": utility[1], "status": "ACTIVE", "start_date": date(2024, 1, 1),
            "end_date": date(2026, 12, 31), "contract_term_months": 36, "renewal_pending": False,
            "pending_transfer": False, "service_line1": f"{100 + n} Commerce St", "service_line2": f"Suite {n}",
            "service_city": "Dallas", "service_state": "TX", "service_zip": "75201", "meter_number": f"MB{n:06d}",
            "meter_type": "AMS", "read_cycle": f"{n % 20:02d}", "rate_class": "GS-2", "load_profile": "BUSMEDLF"}


def bench_rows(client_id: int, accounts: list[int], next_id: int) -> dict[Any, list[dict[str, Any]]]:
    from db.models import MarketTransaction, UsagePeriod

    rows: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for account in accounts:
        for n in range(TRANSACTIONS // 2):  # a change request and the utility's acceptance, weekly
            at, effective = start + timedelta(days=7 * n), date(2024, 1, 15) + timedelta(days=7 * n)
            details = {"ldcAccountNumber": f"BENCH{account:012d}", "effectiveDate": effective.isoformat(),
                       "rateClass": "GS-2", "billingAddress": f"{account} Commerce St, Dallas TX 75201"}
            for direction, related, moment in (("OUTBOUND", None, at), ("INBOUND", next_id, at + timedelta(days=2))):
                rows[MarketTransaction].append({
                    "id": next_id + (related is not None), "client_id": client_id, "utility_account_id": account,
                    "type": "CHANGE", "direction": direction, "status": "ACCEPTED", "related_id": related,
                    "reference": f"B{account}-{n}-{direction[0]}", "reason": None if related else "Rate class review",
                    "details": details, "effective_date": effective, "created_by": None, "created_at": moment,
                    "sent_at": at if related is None else None, "responded_at": at + timedelta(days=2)})
            next_id += 2
        for k in range(MONTHS):
            first = date(2024 + (10 + k) // 12, (10 + k) % 12 + 1, 1)
            last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
            rows[UsagePeriod].append({"client_id": client_id, "utility_account_id": account, "period_start": first,
                                      "period_end": last, "wh": 1_000_000 + 731 * k + account, "demand_w": 42_500 + k,
                                      "read_type": "ESTIMATED" if k % 7 == 0 else "ACTUAL", "meter_number": None,
                                      "source_transaction_id": None})
    return rows


# ---- the floor: hand-written SQL on stdlib sqlite3, dicts, orjson ------------------------------

EDI_SETS = {"USAGE": "867", "INVOICE": "810", "REMITTANCE": "820"}


def floor(raw: sqlite3.Connection, client_id: int, accounts: int, details: bool) -> tuple[bytes, int]:
    """The response body of VIEWS[details] for the first `accounts` accounts, and the statements it took."""
    run = Statements(raw)
    customer = run("SELECT id FROM customers WHERE client_id = ? AND number = ?", client_id, NUMBER)[0]["id"]
    rows = run("SELECT * FROM utility_accounts WHERE client_id = ? AND customer_id = ? ORDER BY id LIMIT ?",
               client_id, customer, accounts)
    ids = [a["id"] for a in rows]
    marks = ",".join("?" * len(ids))
    transactions = _grouped(run(f"""
        SELECT t.*, r.reference AS related_reference FROM (
          SELECT *, row_number() OVER (PARTITION BY utility_account_id ORDER BY id DESC) AS rank
          FROM market_transactions WHERE client_id = ? AND utility_account_id IN ({marks})) t
        LEFT JOIN market_transactions r ON r.id = t.related_id AND r.client_id = ?
        WHERE t.rank <= ? ORDER BY t.utility_account_id, t.rank""", client_id, *ids, client_id, TRANSACTIONS))
    counts = dict(run(f"SELECT utility_account_id, count(*) FROM market_transactions WHERE client_id = ? "
                      f"AND utility_account_id IN ({marks}) GROUP BY utility_account_id", client_id, *ids))
    usage = _grouped(run(f"SELECT * FROM usage_periods WHERE client_id = ? AND utility_account_id IN ({marks}) AND "
                         "period_end >= ? AND period_start <= ? ORDER BY utility_account_id, period_start",
                         client_id, *ids, *WINDOW))
    edges = [
        {"node": _account(a, transactions[a["id"]], counts.get(a["id"], 0), usage[a["id"]], details)} for a in rows
    ]
    return orjson.dumps({"data": {"customer": {"utilityAccounts": {"edges": edges}}}}), run.count


class Statements:
    def __init__(self, raw: sqlite3.Connection):
        self.raw, self.count = raw, 0

    def __call__(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        self.count += 1
        return self.raw.execute(sql, params).fetchall()


def _grouped(rows: list[sqlite3.Row]) -> dict[int, list[sqlite3.Row]]:
    groups: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for row in rows:
        groups[row["utility_account_id"]].append(row)
    return groups


def _gid(type_name: str, pk: int) -> str:
    return b64encode(f"{type_name}:{pk}".encode()).decode()


def _instant(value: str | None) -> str | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat() if value else None


def _quantity(value: int | None) -> str | None:
    return str(Decimal(value).scaleb(-3)) if value is not None else None


def _account(a: sqlite3.Row, transactions: list[sqlite3.Row], count: int, usage: list[sqlite3.Row],
             details: bool) -> dict[str, Any]:
    return {
        "id": _gid("UtilityAccount", a["id"]),
        "ldcAccountNumber": a["ldc_account_number"],
        "status": a["status"],
        "startDate": a["start_date"],
        "endDate": a["end_date"],
        "contractTermMonths": a["contract_term_months"],
        "renewalPending": bool(a["renewal_pending"]),
        "pendingTransfer": bool(a["pending_transfer"]),
        "premise": {
            "serviceAddress": {
                "line1": a["service_line1"],
                "line2": a["service_line2"],
                "city": a["service_city"],
                "state": a["service_state"],
                "zip": a["service_zip"],
            },
            "meterNumber": a["meter_number"],
            "meterType": a["meter_type"],
            "readCycle": a["read_cycle"],
            "rateClass": a["rate_class"],
            "loadProfile": a["load_profile"],
        },
        "marketTransactions": {
            "totalCount": count,
            "edges": [{"node": _transaction(t, details)} for t in transactions],
        },
        "consumption": [_period(p) for p in usage],
    }


def _transaction(t: sqlite3.Row, details: bool) -> dict[str, Any]:
    related = t["related_reference"]
    node = {
        "id": _gid("MarketTransaction", t["id"]), "type": t["type"], "transactionSet": EDI_SETS.get(t["type"], "814"),
        "direction": t["direction"], "status": t["status"], "reference": t["reference"], "reason": t["reason"],
        "effectiveDate": t["effective_date"], "createdAt": _instant(t["created_at"]), "sentAt": _instant(t["sent_at"]),
        "respondedAt": _instant(t["responded_at"]),
    }
    if details:
        node["details"] = [{"name": k, "value": v} for k, v in orjson.loads(t["details"]).items()]
    node["relatedTransaction"] = {"reference": related} if related else None
    return node


def _period(p: sqlite3.Row) -> dict[str, Any]:
    days = (date.fromisoformat(p["period_end"]) - date.fromisoformat(p["period_start"])).days + 1
    return {"start": p["period_start"], "end": p["period_end"], "days": days, "kwh": _quantity(p["wh"]),
            "demandKw": _quantity(p["demand_w"]), "readType": p["read_type"]}


# ---- measuring and reporting -------------------------------------------------------------------

async def time_both(client: GraphQLClient, raw: sqlite3.Connection, client_id: int, details: bool,
                    iterations: int) -> tuple[Stats, Stats]:
    """Alternate GraphQL and the floor, so drift of the machine hits both alike."""
    graphql, floor_ms = [], []
    for i in range(WARMUP + iterations):
        took, response = await time_async(lambda: client.send(VIEWS[details], variables(ACCOUNTS)))
        data_of(response)
        took_floor, _ = time_sync(lambda: floor(raw, client_id, ACCOUNTS, details))
        if i >= WARMUP:
            graphql.append(took)
            floor_ms.append(took_floor)
    return stats(graphql), stats(floor_ms)


async def statement_count(client: GraphQLClient, accounts: int) -> int:
    """SELECTs one request runs in steady state (BEGIN/ROLLBACK not): the fewer of two runs, as the app looks the
    token's user up again whenever its 10 s cache of users has expired, whichever request that lands in (it had
    made the count 6 / 5 / 5 for 1 / 10 / 50 accounts). The app's outbox polls notifications and its event feed
    reads the log in the background meanwhile (capturing_statements leaves the feed's reads out); those
    statements are not the request's."""
    counts = []
    for _ in range(2):
        with capturing_statements() as seen:
            await client.post(VIEWS[True], variables(accounts))
        counts.append(sum(s.sql.lstrip().startswith(("SELECT", "WITH")) and "FROM notifications" not in s.sql
                          for s in seen))
    return min(counts)


def report(timed: dict[bool, tuple[Stats, Stats]], ratios: dict[bool, float], counts: dict[int, int],
           floor_counts: dict[int, int], data: dict[str, Any]) -> None:
    edges = data["customer"]["utilityAccounts"]["edges"]
    transactions = sum(len(e["node"]["marketTransactions"]["edges"]) for e in edges)
    periods = sum(len(e["node"]["consumption"]) for e in edges)
    rows = []
    for details, label in ((False, "the tab as it loads"), (True, "with every transaction's details")):
        graphql, floor_ = timed[details]
        ok = ratios[details] <= TARGET_RATIO
        rows += [[f"GraphQL, {label}", ms(graphql.p50), ms(graphql.p95), ms(graphql.mean), f"{ratios[details]:.1f}x",
                  f"≤ {TARGET_RATIO:g}x" if not details else "(reported)", verdict(ok) if not details else ""],
                 [f"floor, {label}", ms(floor_.p50), ms(floor_.p95), ms(floor_.mean), "1x", "", ""]]
    print_table(
        (f"The accounts tab of one customer: {len(edges)} accounts (ms; {timed[False][0].n} requests each, "
         f"alternating paths)"),
        ["path", "p50", "p95", "mean", "x floor (p50)", "target", ""],
        rows,
        notes=[
            f"response: {transactions:,} market transactions and {periods:,} usage periods "
            f"({len(orjson.dumps(data)) / 1024:,.0f} KB with details); GraphQL is /graphql over ASGI, the floor "
            "stdlib sqlite3 + dicts + orjson; both return identical data (checked)."
        ],
    )
    constant = len(set(counts.values())) == 1
    print_table(
        "SQL statements per request (with details), by number of accounts",
        ["accounts", "GraphQL SELECTs", "floor", "constant", ""],
        [[n, counts[n], floor_counts[n], "yes" if constant else "no", verdict(constant)] for n in counts],
        notes=["GraphQL SELECTs: the request's in steady state (the token's user cached, as between a user's requests; "
               "not the event feed's reads of the log beside it); each DataLoader runs one statement per batch."],
    )
