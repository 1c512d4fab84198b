"""Search over 1,000,000 customers (SQLite) through /graphql, beside the same SQL on stdlib sqlite3."""

import argparse
import re
import sqlite3
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench import benchmark
from bench.common import (
    BENCH_DIR, GraphQLClient, Statement, Stats, capturing_statements, connect_raw, console, describe,
    ensure_database, graphql_client, heading, ms, prime_os_cache, print_table, query_plan, run_raw, stats,
    tenant_id, time_async, time_sync, verdict,
)

DB_PATH = BENCH_DIR / "search-1m.db"
CUSTOMERS = 1_000_000
ITERATIONS = 200  # timed requests per kind, each with its own input
COUNT_ITERATIONS = 40  # totalCount is reported, not targeted: fewer runs
WARMUP = 20

# The results grid: one page, the primary account beside each customer. No totalCount here.
GRID = """
query Grid($search: CustomerSearch!) {
  customers(search: $search, first: 20) {
    edges { node { number name primaryAccount { ldcAccountNumber status market { code } utility { code } } } }
  }
}"""
GRID_WITH_COUNT = GRID.replace("first: 20) {", "first: 20) {\n    totalCount")

STATUSES = ["ACTIVE", "PENDING", "PENDING_DROP", "DROP_ACCEPTED", "DROPPED", "INACTIVE"]
MARKETS = ["TX", "PA", "OH", "IL", "NY", "MD"]
# Few or no matches: a plan that walks customers in name order and filters would read them all.
RARE = [
    {"status": "ACTIVE", "market": "TX", "utility": "PECO"},  # none: PECO serves PA
    {"status": "PENDING_DROP", "market": "MD", "utility": "PEPCO"},
    {"status": "DROP_ACCEPTED", "market": "NY", "utility": "NGRID"},
    {"status": "PENDING", "market": "IL", "utility": "AMERENIL"},
]
BIG_TABLES = {"customers", "utility_accounts", "customer_name_tokens", "enrollments"}


@dataclass(frozen=True)
class Kind:
    name: str
    target_p95_ms: float
    inputs: list[dict[str, Any]]  # CustomerSearch values, one per timed request
    warmup: list[dict[str, Any]]


@dataclass
class Measured:
    kind: Kind
    graphql: Stats
    search_sql: Stats
    request_sql: Stats
    statements: float  # per request, BEGIN/ROLLBACK included
    hits: float  # median customers on the page
    plans: Counter  # distinct plan of the search statement -> how many inputs used it
    count: Stats
    count_sql: Stats
    counted: float  # median totalCount
    sample: Statement  # the page statement of the first input
    sample_count: Statement

    @property
    def ok(self) -> bool:
        return self.graphql.p95 <= self.kind.target_p95_ms


@benchmark("search")
async def run(options: argparse.Namespace) -> bool:
    """Time each search kind through /graphql and as raw SQL; check no plan scans a big table."""
    heading("search: 1,000,000 customers, SQLite")
    db = await ensure_database(DB_PATH, CUSTOMERS)
    console.print(describe(db))
    prime_os_cache(db.path)
    raw = connect_raw(db.path)
    iterations = 30 if options.quick else ITERATIONS
    kinds = make_kinds(raw, tenant_id(raw), iterations)
    async with graphql_client(db.url) as client:
        measured = [await measure(client, raw, kind, options.quick) for kind in kinds]
    report(measured, db.customers)
    report_plans(measured, raw, options.explain)
    raw.close()
    return all(m.ok for m in measured)


# ---- inputs, drawn deterministically from the data ----------------------------------------------

def make_kinds(raw: sqlite3.Connection, client: int, n: int) -> list[Kind]:
    total = n + WARMUP
    return [
        _kind("LDC exact", 5, [{"ldcAccountNumber": v} for v in _ldc_numbers(raw, client, total)]),
        _kind("name prefix", 20, [{"name": v} for v in _name_prefixes(raw, client, total)]),
        _kind("address contains", 50, [{"address": v} for v in _address_parts(raw, client, total)]),
        _kind("status + market", 50, _cycle([{"status": s, "market": m} for s in STATUSES for m in MARKETS], total)),
        _kind("status + market, rare", 50, _cycle(RARE, total)),
    ]


def _kind(name: str, target: float, values: list[dict[str, Any]]) -> Kind:
    return Kind(name, target, inputs=values[WARMUP:], warmup=values[:WARMUP])


def _cycle(values: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    # The warm-up takes the first WARMUP; rotate so the timed run starts at the first value too.
    return [values[(i - WARMUP) % len(values)] for i in range(n)]


def _sample(raw: sqlite3.Connection, sql: str, client: int, n: int) -> list[tuple]:
    """Every k-th row of the client (by id), so samples spread over the whole table."""
    return raw.execute(sql, (client, n)).fetchall()


def _ldc_numbers(raw: sqlite3.Connection, client: int, n: int) -> list[str]:
    sql = "SELECT ldc_account_number FROM utility_accounts WHERE client_id = ? AND id % 1009 = 0 ORDER BY id LIMIT ?"
    return [r[0] for r in _sample(raw, sql, client, n)]


def _name_prefixes(raw: sqlite3.Connection, client: int, n: int) -> list[str]:
    """What agents type: a 3-5 letter prefix of the last word, alone or after the first word."""
    sql = "SELECT name FROM customers WHERE client_id = ? AND id % 997 = 0 ORDER BY id LIMIT ?"
    typed = []
    for i, (name,) in enumerate(_sample(raw, sql, client, n)):
        words = name.split()
        prefix = words[-1][: 3 + i % 3]
        typed.append(prefix if i % 2 == 0 else f"{words[0]} {prefix}")
    return typed


def _address_parts(raw: sqlite3.Connection, client: int, n: int) -> list[str]:
    """"1234 Maple", "Maple Ave" or "1234 Maple Ave" from real service addresses."""
    sql = "SELECT service_line1 FROM utility_accounts WHERE client_id = ? AND id % 1013 = 0 ORDER BY id LIMIT ?"
    typed = []
    for i, (line1,) in enumerate(_sample(raw, sql, client, n)):
        number, street, suffix = line1.split()
        typed.append([f"{number} {street}", f"{street} {suffix}", line1][i % 3])
    return typed


# ---- measuring ------------------------------------------------------------------------------------

@dataclass
class Request:
    """One timed GraphQL request and the statements it ran."""

    ms: float
    data: dict[str, Any]
    statements: list[Statement]


async def measure(client: GraphQLClient, raw: sqlite3.Connection, kind: Kind, quick: bool) -> Measured:
    for search in kind.warmup:
        await client.post(GRID, {"search": search})
    grid = [await _timed(client, GRID, search) for search in kind.inputs]
    counted = [await _timed(client, GRID_WITH_COUNT, s) for s in kind.inputs[: 10 if quick else COUNT_ITERATIONS]]
    searches = [_search_statement(r.statements) for r in grid]
    counts = [_count_statement(r.statements) for r in counted]
    return Measured(
        kind=kind,
        graphql=stats([r.ms for r in grid]),
        search_sql=stats([time_sync(lambda: run_raw(raw, s))[0] for s in searches]),
        request_sql=stats([_replay(raw, r.statements) for r in grid]),
        statements=statistics.mean(len(r.statements) for r in grid),
        hits=statistics.median(len(r.data["customers"]["edges"]) for r in grid),
        plans=Counter(tuple(query_plan(raw, s)) for s in set(searches)),
        count=stats([r.ms for r in counted]),
        count_sql=stats([time_sync(lambda: run_raw(raw, s))[0] for s in counts]),
        counted=statistics.median(r.data["customers"]["totalCount"] for r in counted),
        sample=searches[0],
        sample_count=counts[0],
    )


async def _timed(client: GraphQLClient, query: str, search: dict[str, Any]) -> Request:
    # The listener only appends to a list: microseconds against milliseconds.
    with capturing_statements() as seen:
        took, data = await time_async(lambda: client.post(query, {"search": search}))
    return Request(took, data, list(seen))


def _search_statement(statements: list[Statement]) -> Statement:
    """The page query the search resolver ran (the one statement with LIMIT over customers)."""
    return next(s for s in statements if s.sql.startswith("SELECT customers.") and "LIMIT" in s.sql)


def _count_statement(statements: list[Statement]) -> Statement:
    return next(s for s in statements if s.sql.startswith("SELECT count(*)"))


def _replay(raw: sqlite3.Connection, statements: list[Statement]) -> float:
    """Milliseconds for every SELECT of one request, run back to back on stdlib sqlite3."""
    selects = [s for s in statements if s.sql.startswith("SELECT")]
    return time_sync(lambda: [run_raw(raw, s) for s in selects])[0]


# ---- plans ------------------------------------------------------------------------------------------

def full_scans(plan: tuple[str, ...]) -> list[str]:
    """Plan lines reading a whole big table or index, or a whole FTS table (no MATCH)."""
    found = []
    for line in (p.strip() for p in plan):
        table = re.match(r"SCAN (\w+)", line)
        if table and table.group(1) in BIG_TABLES or re.search(r"VIRTUAL TABLE INDEX \d+:$", line):
            found.append(line)
    return found


def _scan_summary(m: Measured) -> str:
    scanning = sum(n for plan, n in m.plans.items() if full_scans(plan))
    return "none" if not scanning else f"[bold red]{scanning}/{sum(m.plans.values())} inputs[/]"


# ---- output -------------------------------------------------------------------------------------------

def report(measured: list[Measured], customers: int) -> None:
    rows = [
        [m.kind.name, m.graphql.n, ms(m.graphql.p50), ms(m.graphql.p95), ms(m.graphql.mean),
         f"≤ {m.kind.target_p95_ms:g}", verdict(m.ok), ms(m.search_sql.p50), ms(m.search_sql.p95),
         f"{m.graphql.p50 / m.search_sql.p50:.1f}x", ms(m.request_sql.p50), f"{m.statements:g}",
         f"{m.hits:g}", _scan_summary(m)]
        for m in measured
    ]
    print_table(
        f"Search through /graphql, {customers:,} customers (ms; distinct inputs, after {WARMUP} warm-up requests)",
        ["kind", "n", "p50", "p95", "mean", "target p95", "", "search SQL p50", "p95", "GraphQL÷SQL p50",
         "all SQL p50", "stmts", "hits", "full scans"],
        rows,
        caption="search SQL: the resolver's page statement, captured and replayed on stdlib sqlite3; "
                "all SQL: every SELECT of the request (auth, page, primary accounts, markets, utilities) replayed.",
    )
    rows = [[m.kind.name, m.count.n, ms(m.count.p50), ms(m.count.p95), ms(m.count.max), ms(m.count_sql.p50),
             ms(m.count_sql.p95), f"{m.counted:,.0f}"] for m in measured]
    print_table("The same grid query with totalCount (ms; no target)",
                ["kind", "n", "p50", "p95", "max", "count SQL p50", "p95", "median totalCount"], rows)


def report_plans(measured: list[Measured], raw: sqlite3.Connection, explain: bool) -> None:
    """Each distinct plan of each kind's page statement; with --explain, SQL and count plans too."""
    heading("search: EXPLAIN QUERY PLAN of the page statement, per kind")
    for m in measured:
        for plan, n in m.plans.items():
            console.print(f"[bold]{m.kind.name}[/] ({n} distinct statements with this plan)")
            _print_lines(plan)
    if explain:
        heading("search: the SQL of the first input of each kind, and of its totalCount (--explain)")
        for m in measured:
            console.print(f"[bold]{m.kind.name}[/]: {m.kind.inputs[0]}")
            for statement in (m.sample, m.sample_count):
                _print_lines([statement.sql, f"params {statement.params}", *query_plan(raw, statement)])


def _print_lines(lines) -> None:
    for line in lines:
        console.print(f"  {line}", markup=False)
