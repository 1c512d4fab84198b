"""Nested customer profiles through /graphql, beside the floor: hand-written SQL and orjson."""

import argparse
import sqlite3
from base64 import b64encode
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from bench import benchmark
from bench.common import (
    BENCH_DIR,
    GraphQLClient,
    Stats,
    capturing_statements,
    connect_raw,
    console,
    data_of,
    describe,
    document_id_of,
    ensure_database,
    graphql_client,
    heading,
    ms,
    print_table,
    profile_by_package,
    register_documents,
    stats,
    tenant_id,
    time_async,
    time_sync,
    verdict,
)

DB_PATH = BENCH_DIR / "nested.db"
CUSTOMERS = 20_000
PAGE = 50
PAGES = 10  # distinct pages, spread over the client's customers, cycled through
ITERATIONS = 60
WARMUP = 6
TARGET_RATIO = 10.0  # the executor's, text
PLAN_TARGETS = {"registered": 3.0, "text": 4.0}  # issue 12: the compiled plan's, x floor p50
CHILDREN = 10  # children(first:) in PROFILES
ACCOUNTS = 10  # utilityAccounts(first:) in PROFILES; no seeded customer has more than 4

# A customer profile: identity, hierarchy, and every utility account with premise, plan and history.
PROFILES = """
query Profiles($first: Int!, $after: String) {
  customers(first: $first, after: $after, orderBy: NUMBER) {
    edges { node {
      id number name kind email phone language isMaster
      billingAddress { line1 line2 city state zip }
      master { id number name }
      hierarchyTrail { id number name }
      children(first: 10) { pageInfo { hasNextPage } edges { node { id number name } } }
      utilityAccounts(first: 10) { edges { node {
        id ldcAccountNumber status startDate endDate contractTermMonths renewalPending pendingTransfer
        premise { serviceAddress { line1 line2 city state zip } meterNumber rateClass loadProfile premiseType }
        utility { code name }
        market { code name }
        ratePlan { code name kind energyRate termMonths }
        enrollments { status startDate endDate ratePlan { code name } }
      } } }
    } }
  }
}"""

Key = tuple[str, int]  # (number, id): the NUMBER order's keyset key


@benchmark("nested")
async def run(options: argparse.Namespace) -> bool:
    """Time the profile page through GraphQL and as the floor; count statements; check parity."""
    heading(f"nested: {PAGE} customer profiles, GraphQL (executor; compiled plan by documentId and as text seen "
            "before) vs hand-written SQL + orjson (the floor)")
    db = await ensure_database(DB_PATH, CUSTOMERS, rebuild=options.rebuild)
    console.print(describe(db))
    raw = connect_raw(db.path)
    raw.row_factory = sqlite3.Row  # the floor reads columns by name, like the ORM rows
    client_id = tenant_id(raw)
    pages = page_starts(raw, client_id)
    await register_documents(db.url, [PROFILES])
    async with graphql_client(db.url) as client, graphql_client(db.url, compiled_plans=True) as planning:
        plans = Plans(planning)
        await check_parity(client, raw, client_id, pages)
        await check_parity(plans.registered, raw, client_id, pages)
        await check_parity(plans.text, raw, client_id, pages)
        timed = await time_all(client, plans, raw, client_id, pages, 10 if options.quick else ITERATIONS)
        graphql, floor = timed["executor"], timed["floor"]
        counts = await statement_counts(client, raw, client_id, pages)
        plan_counts = await statement_counts(plans.registered, raw, client_id, pages)
        shape = response_shape(await client.post(PROFILES, variables(pages[0], PAGE)))
        profile = None
        if options.profile:
            profile = await profile_by_package(lambda: client.send(PROFILES, variables(pages[1], PAGE)), 20)
    raw.close()
    ratio = graphql.p50 / floor.p50
    planned = {name: timed[name].p50 / floor.p50 for name in PLAN_TARGETS}
    report(timed, ratio, planned, counts, plan_counts, shape)
    if profile:
        report_profile(profile)
    return ratio <= TARGET_RATIO and all(planned[name] <= target for name, target in PLAN_TARGETS.items())


# ---- pages ---------------------------------------------------------------------------------------

def page_starts(raw: sqlite3.Connection, client_id: int) -> list[Key | None]:
    """`after` keys of PAGES pages spread evenly over the client's customers (None: the first page)."""
    keys = raw.execute("SELECT number, id FROM customers WHERE client_id = ? ORDER BY number, id",
                       (client_id,)).fetchall()
    step = (len(keys) - PAGE) // PAGES
    return [None, *(tuple(keys[i * step]) for i in range(1, PAGES))]


def variables(after: Key | None, size: int) -> dict[str, Any]:
    """PROFILES variables for `size` customers after the key `after`."""
    from graph.core.relay import encode_cursor
    from graph.customers.types import NUMBER_CURSOR

    return {"first": size, "after": encode_cursor(after, NUMBER_CURSOR) if after else None}


# ---- the floor: a handful of statements with IN lists, dicts, orjson --------------------------------

@dataclass
class Floor:
    """Hand-written SQL on stdlib sqlite3 (rows by column name); counts the statements it runs."""

    conn: sqlite3.Connection
    client_id: int
    statements: int = 0

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        self.statements += 1
        return self.conn.execute(sql, params).fetchall()


def marks(ids: Collection[int]) -> str:
    """Placeholders of an IN list."""
    return ",".join("?" * len(ids))


def floor_profiles(conn: sqlite3.Connection, client_id: int, after: Key | None, size: int) -> tuple[bytes, int]:
    """The response body of PROFILES, and the number of statements it took."""
    db = Floor(conn, client_id)
    customers = _customer_page(db, after, size)
    ids = [c["id"] for c in customers]
    accounts = _grouped(_accounts(db, ids), "customer_id")
    flat = [a for group in accounts.values() for a in group]
    enrollments = _grouped(_enrollments(db, [a["id"] for a in flat]), "utility_account_id")
    plan_ids = {a["rate_plan_id"] for a in flat} | {e["rate_plan_id"] for g in enrollments.values() for e in g}
    refs = Refs(
        masters=_by_id(_customers_by_id(db, {c["master_id"] for c in customers} - {None})),
        trails=_grouped(_trails(db, ids), "start_id"),
        children=_grouped(_children(db, ids), "master_id"),
        accounts=accounts,
        enrollments=enrollments,
        plans=_by_id(_plans(db, plan_ids - {None})),
        utilities=_by_id(_reference(db, "utilities", {a["utility_id"] for a in flat})),
        markets=_by_id(_reference(db, "markets", {a["market_id"] for a in flat})),
    )
    edges = [{"node": _profile(c, refs)} for c in customers]
    return orjson.dumps({"data": {"customers": {"edges": edges}}}), db.statements


CUSTOMER_COLUMNS = ("id, number, name, kind, email, phone, language, is_master, master_id, "
                    "billing_line1, billing_line2, billing_city, billing_state, billing_zip")


def _customer_page(db: Floor, after: Key | None, size: int) -> list[sqlite3.Row]:
    number, pk = after or ("", 0)
    return db.rows(f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE client_id = ? AND (number, id) > (?, ?) "
                   "ORDER BY number, id LIMIT ?", db.client_id, number, pk, size)


def _customers_by_id(db: Floor, ids: set[int]) -> list[sqlite3.Row]:
    if not ids:
        return []
    return db.rows(f"SELECT id, number, name FROM customers WHERE client_id = ? AND id IN ({marks(ids)})",
                   db.client_id, *ids)


def _trails(db: Floor, ids: list[int]) -> list[sqlite3.Row]:
    """Each customer's chain of masters, top first, the customer itself last (one recursive CTE)."""
    return db.rows(f"""
        WITH RECURSIVE trail(start_id, id, master_id, depth) AS (
          SELECT id, id, master_id, 0 FROM customers WHERE client_id = ? AND id IN ({marks(ids)})
          UNION ALL
          SELECT trail.start_id, c.id, c.master_id, trail.depth + 1
          FROM customers c JOIN trail ON c.id = trail.master_id WHERE c.client_id = ? AND trail.depth < 10)
        SELECT trail.start_id, c.id, c.number, c.name FROM trail JOIN customers c ON c.id = trail.id
        ORDER BY trail.start_id, trail.depth DESC""", db.client_id, *ids, db.client_id)


def _children(db: Floor, ids: list[int]) -> list[sqlite3.Row]:
    """The first CHILDREN + 1 children of each master by name (ROW_NUMBER per master)."""
    return db.rows(f"""
        SELECT master_id, id, number, name FROM (
          SELECT master_id, id, number, name,
                 row_number() OVER (PARTITION BY master_id ORDER BY name_key, id) AS rank
          FROM customers WHERE client_id = ? AND master_id IN ({marks(ids)}))
        WHERE rank <= ? ORDER BY master_id, rank""", db.client_id, *ids, CHILDREN + 1)


def _accounts(db: Floor, ids: list[int]) -> list[sqlite3.Row]:
    return db.rows(f"SELECT * FROM utility_accounts WHERE client_id = ? AND customer_id IN ({marks(ids)}) "
                   "ORDER BY customer_id, id", db.client_id, *ids)


def _enrollments(db: Floor, account_ids: list[int]) -> list[sqlite3.Row]:
    if not account_ids:
        return []
    return db.rows("SELECT utility_account_id, rate_plan_id, status, start_date, end_date FROM enrollments "
                   f"WHERE client_id = ? AND utility_account_id IN ({marks(account_ids)}) "
                   "ORDER BY start_date DESC, id DESC", db.client_id, *account_ids)


def _plans(db: Floor, ids: set[int]) -> list[sqlite3.Row]:
    if not ids:
        return []
    # the price in force today: the latest effective on or before it, then the latest entered (rules/rates.py)
    price = ("(SELECT energy_rate_millicents FROM rate_plan_prices r WHERE r.rate_plan_id = p.id "
             "AND r.effective_from <= date('now') ORDER BY r.effective_from DESC, r.id DESC LIMIT 1)")
    return db.rows(f"SELECT id, code, name, kind, {price} AS energy_rate_millicents, term_months FROM rate_plans p "
                   f"WHERE client_id = ? AND id IN ({marks(ids)})", db.client_id, *ids)


def _reference(db: Floor, table: str, ids: set[int]) -> list[sqlite3.Row]:
    """Markets or utilities: shared reference data, no tenant column."""
    return db.rows(f"SELECT id, code, name FROM {table} WHERE id IN ({marks(ids)})", *ids) if ids else []


def _grouped(rows: list[sqlite3.Row], column: str) -> dict[int, list[sqlite3.Row]]:
    groups = defaultdict(list)
    for row in rows:
        groups[row[column]].append(row)
    return groups


def _by_id(rows: list[sqlite3.Row]) -> dict[int, sqlite3.Row]:
    return {r["id"]: r for r in rows}


@dataclass
class Refs:
    """Everything the page's profiles point at, looked up by id."""

    masters: dict
    trails: dict
    children: dict
    accounts: dict
    enrollments: dict
    plans: dict
    utilities: dict
    markets: dict


def _gid(type_name: str, pk: int) -> str:
    return b64encode(f"{type_name}:{pk}".encode()).decode()


def _brief(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": _gid("Customer", row["id"]), "number": row["number"], "name": row["name"]}


def _address(row: sqlite3.Row, prefix: str) -> dict[str, Any]:
    return {part: row[f"{prefix}_{column}"] for part, column in
            (("line1", "line1"), ("line2", "line2"), ("city", "city"), ("state", "state"), ("zip", "zip"))}


def _profile(c: sqlite3.Row, refs: Refs) -> dict[str, Any]:
    """One customer profile, shaped as the API returns it."""
    children = refs.children.get(c["id"], [])
    master = refs.masters.get(c["master_id"])
    return {
        "id": _gid("Customer", c["id"]), "number": c["number"], "name": c["name"], "kind": c["kind"],
        "email": c["email"], "phone": c["phone"], "language": c["language"], "isMaster": bool(c["is_master"]),
        "billingAddress": _address(c, "billing"),
        "master": _brief(master) if master else None,
        "hierarchyTrail": [_brief(t) for t in refs.trails.get(c["id"], [])],
        "children": {"pageInfo": {"hasNextPage": len(children) > CHILDREN},
                     "edges": [{"node": _brief(k)} for k in children[:CHILDREN]]},
        "utilityAccounts": {"edges": [{"node": _account(a, refs)} for a in refs.accounts.get(c["id"], [])[:ACCOUNTS]]},
    }


def _account(a: sqlite3.Row, refs: Refs) -> dict[str, Any]:
    """One utility account with premise, plan and history, shaped as the API returns it."""
    plan = refs.plans.get(a["rate_plan_id"])
    return {
        "id": _gid("UtilityAccount", a["id"]), "ldcAccountNumber": a["ldc_account_number"], "status": a["status"],
        "startDate": a["start_date"], "endDate": a["end_date"], "contractTermMonths": a["contract_term_months"],
        "renewalPending": bool(a["renewal_pending"]), "pendingTransfer": bool(a["pending_transfer"]),
        "premise": {"serviceAddress": _address(a, "service"), "meterNumber": a["meter_number"],
                    "rateClass": a["rate_class"], "loadProfile": a["load_profile"], "premiseType": a["premise_type"]},
        "utility": _named(refs.utilities[a["utility_id"]]),
        "market": _named(refs.markets[a["market_id"]]),
        "ratePlan": _plan(plan) if plan else None,
        "enrollments": [_enrollment(e, refs) for e in refs.enrollments.get(a["id"], [])],
    }


def _named(row: sqlite3.Row) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"]}


def _plan(p: sqlite3.Row) -> dict[str, Any]:
    rate = str(Decimal(p["energy_rate_millicents"]).scaleb(-3))  # the API's Decimal scalar is a string
    return {"code": p["code"], "name": p["name"], "kind": p["kind"], "energyRate": rate, "termMonths": p["term_months"]}


def _enrollment(e: sqlite3.Row, refs: Refs) -> dict[str, Any]:
    plan = refs.plans.get(e["rate_plan_id"])
    return {"status": e["status"], "startDate": e["start_date"], "endDate": e["end_date"],
            "ratePlan": _named(plan) if plan else None}


# ---- measuring --------------------------------------------------------------------------------------

async def check_parity(client: Any, raw: sqlite3.Connection, client_id: int, pages: list) -> None:
    """The floor must build exactly the data GraphQL returns, or the ratio compares different work."""
    for after in pages:
        graphql = await client.post(PROFILES, variables(after, PAGE))
        floor = orjson.loads(floor_profiles(raw, client_id, after, PAGE)[0])["data"]
        if graphql != floor:
            raise AssertionError(f"floor and GraphQL differ on the page after {after}")


class Registered:
    """PROFILES named by its documentId (registered before the run), on an app with compiled plans."""

    def __init__(self, client: GraphQLClient) -> None:
        self.client, self.id = client, document_id_of(PROFILES)

    async def send(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        assert query == PROFILES  # the one registered document
        return await self.client.send_id(self.id, variables)

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return data_of(await self.send(query, variables))


@dataclass
class Plans:
    """The app with compiled plans on, by documentId (`registered`) and as text it has seen before (`text`: the
    checks of check_parity are its first sight)."""

    text: GraphQLClient

    @property
    def registered(self) -> Any:
        return Registered(self.text)


async def time_all(client: GraphQLClient, plans: Plans, raw: sqlite3.Connection, client_id: int, pages: list,
                   iterations: int) -> dict[str, Stats]:
    """Alternate the paths page by page, so drift of the machine hits them alike."""
    senders = {"executor": client, "registered": plans.registered, "text": plans.text}
    took: dict[str, list[float]] = {name: [] for name in [*senders, "floor"]}
    for i in range(WARMUP + iterations):
        after = pages[i % len(pages)]
        for name, sender in senders.items():
            seconds, response = await time_async(
                lambda after=after, sender=sender: sender.send(PROFILES, variables(after, PAGE)))
            data_of(response)
            if i >= WARMUP:
                took[name].append(seconds)
        seconds, _ = time_sync(lambda after=after: floor_profiles(raw, client_id, after, PAGE))
        if i >= WARMUP:
            took["floor"].append(seconds)
    return {name: stats(values) for name, values in took.items()}


@dataclass(frozen=True)
class Counts:
    """Statements per request for one page size, fewest and most over several pages."""

    size: int
    graphql_selects: tuple[int, int]
    graphql_all: tuple[int, int]  # with BEGIN/ROLLBACK of each loader's own session
    floor: tuple[int, int]


async def statement_counts(client: Any, raw: sqlite3.Connection, client_id: int,
                           pages: list[Key | None]) -> list[Counts]:
    """Statements per request for pages of 1 to 100 customers, by path."""
    counts = []
    for size in (1, 10, PAGE, 100):
        starts = [*pages, _richest_customer(raw, client_id)] if size == 1 else pages
        seen = [await _statements(client, start, size) for start in starts]
        selects = [sum(s.sql.startswith(("SELECT", "WITH")) for s in run) for run in seen]
        floor = [floor_profiles(raw, client_id, start, size)[1] for start in starts]
        counts.append(Counts(size, _span(selects), _span([len(run) for run in seen]), _span(floor)))
    return counts


async def _statements(client: Any, after: Key | None, size: int) -> list:
    with capturing_statements() as seen:
        await client.post(PROFILES, variables(after, size))
    return list(seen)


def _span(values: list[int]) -> tuple[int, int]:
    return min(values), max(values)


def _richest_customer(raw: sqlite3.Connection, client_id: int) -> Key:
    """The `after` key right before a child customer whose enrollments reach a second plan.

    One such customer reaches every loader of the query (a master, say, has no accounts).
    """
    number = raw.execute("""
        SELECT c.number FROM customers c JOIN utility_accounts a ON a.customer_id = c.id
        JOIN enrollments e ON e.utility_account_id = a.id
        WHERE c.client_id = ? AND c.master_id IS NOT NULL AND e.rate_plan_id != a.rate_plan_id
        ORDER BY c.number LIMIT 1""", (client_id,)).fetchone()[0]
    return tuple(raw.execute("SELECT number, id FROM customers WHERE client_id = ? AND number < ? "
                             "ORDER BY number DESC, id DESC LIMIT 1", (client_id, number)).fetchone())


def response_shape(data: Any) -> tuple[int, int, int]:
    """(objects, leaf fields, bytes) of a response's data."""
    objects = leaves = 0
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            objects += 1
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        else:
            leaves += 1
    return objects, leaves, len(orjson.dumps(data))


# ---- output --------------------------------------------------------------------------------------------

def report(timed: dict[str, Stats], ratio: float, planned: dict[str, float], counts: list[Counts],
           plan_counts: list[Counts], shape: tuple[int, int, int]) -> None:
    """The timing table and the statement-count table."""
    objects, leaves, size = shape
    graphql, floor = timed["executor"], timed["floor"]
    plan_rows = [[f"compiled plan, {label}", ms(timed[name].p50), ms(timed[name].p95), ms(timed[name].mean),
                  f"{planned[name]:.1f}x", f"≤ {PLAN_TARGETS[name]:g}x", verdict(planned[name] <= PLAN_TARGETS[name])]
                 for name, label in (("registered", "by documentId"), ("text", "text seen before"))]
    print_table(
        f"{PAGE} customer profiles per request (ms; {graphql.n} requests over {PAGES} pages, alternating paths)",
        ["path", "p50", "p95", "mean", "x floor (p50)", "target", ""],
        [["GraphQL text, executor (/graphql over ASGI)", ms(graphql.p50), ms(graphql.p95), ms(graphql.mean),
          f"{ratio:.1f}x", f"≤ {TARGET_RATIO:g}x", verdict(ratio <= TARGET_RATIO)],
         *plan_rows,
         ["floor (stdlib sqlite3 + dicts + orjson)", ms(floor.p50), ms(floor.p95), ms(floor.mean), "1x", "", ""]],
        notes=[f"response: {objects:,} objects, {leaves:,} leaf fields, {size / 1024:.0f} KB; "
               "both paths return identical data (checked on every page)."],
    )
    print_table(
        f"SQL statements per request, by page size (fewest-most over {PAGES} pages)",
        ["customers", "GraphQL SELECTs", "GraphQL incl. BEGIN/ROLLBACK", "plan SELECTs", "plan, all", "floor"],
        [[c.size, _range(c.graphql_selects), _range(c.graphql_all), _range(p.graphql_selects), _range(p.graphql_all),
          _range(c.floor)] for c, p in zip(counts, plan_counts, strict=True)],
        notes=["GraphQL SELECTs include the token's user lookup. The 1-customer pages add a child customer whose "
               "enrollments reach a second plan: it reaches every loader, and rate plans take a second batch."],
    )


def _range(span: tuple[int, int]) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


def report_profile(profile: list[tuple[str, float]]) -> None:
    """The --profile table: self time by package."""
    total = sum(ms_ for _, ms_ in profile)
    rows = [[where, ms(ms_), f"{ms_ / total:.0%}"] for where, ms_ in profile if ms_ / total >= 0.005]
    print_table(f"Where one GraphQL request's time goes ({PAGE} profiles; self time under cProfile, by package)",
                ["where", "ms per request", "share"], rows,
                notes=["cProfile slows Python code several times and C code hardly at all: read the shares."])
