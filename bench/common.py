"""Shared helpers of the benchmarks: seeded databases, an in-process GraphQL client, timing, tables."""

import cProfile
import hashlib
import json
import math
import os
import pstats
import secrets
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
AGENT = "agent@lumen.example"  # every benchmark reads as this user, so as the client "lumen"

# Piped output (make bench > file) would otherwise wrap the tables at 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160, highlight=False)


# ---- databases ------------------------------------------------------------------------------

def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@dataclass(frozen=True)
class BuiltDatabase:
    path: Path
    customers: int
    seed_seconds: float
    reused: bool

    @property
    def url(self) -> str:
        return sqlite_url(self.path)


# What the data depends on: when one of these changed since a build, the reused database says so.
DATA_SOURCES = ["db/migrations/versions/*.py", "db/demo.py", "db/search_keys.py"]


def data_fingerprint() -> str:
    """A hash of DATA_SOURCES, recorded with each built database."""
    digest = hashlib.sha256()
    for pattern in DATA_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


async def ensure_database(path: Path, customers: int, *, rebuild: bool = False) -> BuiltDatabase:
    """A migrated, seeded and analyzed SQLite database at `path`, built once and then reused."""
    marker = path.with_name(path.name + ".ready")  # written last: a half-built file is rebuilt
    if path.exists() and marker.exists() and not rebuild:
        recorded = json.loads(marker.read_text())
        if recorded["customers"] == customers and await _migrated(path):
            if recorded.get("fingerprint") != data_fingerprint():
                console.print(f"[yellow]{path.name} was built from older migrations or demo data; "
                              "`python -m bench --rebuild` rebuilds it[/]")
            return BuiltDatabase(path, customers, recorded["seed_seconds"], reused=True)
    seconds = await _build(path, customers)
    marker.write_text(json.dumps({"customers": customers, "fingerprint": data_fingerprint(),
                                  "seed_seconds": round(seconds, 1)}))
    return BuiltDatabase(path, customers, seconds, reused=False)


async def _migrated(path: Path) -> bool:
    """Bring a reused database to the latest migration (new tables apply in a moment; reseeding takes minutes);
    False when its migrations cannot run (built on a branch whose revisions were renumbered since): rebuild it."""
    from db.engine import make_engine
    from db.migrate import migrate

    engine = make_engine(sqlite_url(path))
    try:
        await migrate(engine)
    except DBAPIError as error:
        console.print(f"[yellow]{path.name} does not migrate ({error.orig}): rebuilding it[/]")
        return False
    finally:
        await engine.dispose()
    return True


async def fresh_database(path: Path) -> AsyncEngine:
    """An engine on a new, migrated, empty database at `path` (what was there before is removed)."""
    from db.engine import make_engine
    from db.migrate import migrate

    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), path.with_name(path.name + ".ready")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(sqlite_url(path))
    await migrate(engine)
    return engine


async def _build(path: Path, customers: int) -> float:
    """Migrate, seed with a progress bar, ANALYZE; return the seeding seconds."""
    from db import demo

    engine = await fresh_database(path)
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"seeding {path.name}", total=customers)
        started = perf_counter()
        await demo.seed(engine, customers, progress=lambda n: progress.advance(task, n))
        seconds = perf_counter() - started
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")  # the planner needs statistics after a bulk load
    async with engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    await engine.dispose()
    return seconds


def describe(db: BuiltDatabase) -> str:
    """One line: the database, its size and how long seeding it took."""
    how = "reused" if db.reused else "built now"
    return f"{db.path.relative_to(ROOT)}: {db.customers:,} customers, seeded in {db.seed_seconds:,.1f} s ({how})"


def prime_os_cache(path: Path) -> None:
    """Read the file once, so a reused database is timed warm, as on a running server."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def connect_raw(path: Path) -> sqlite3.Connection:
    """A stdlib sqlite3 connection: the floor every GraphQL number is compared with."""
    return sqlite3.connect(path, isolation_level=None)


def tenant_id(raw: sqlite3.Connection, email: str = AGENT) -> int:
    """The client (tenant) of the user the benchmarks sign in as."""
    return raw.execute("SELECT client_id FROM users WHERE email = ?", (email,)).fetchone()[0]


# ---- GraphQL over ASGI, in process --------------------------------------------------------

class GraphQLError(RuntimeError):
    """A benchmark query came back with errors: its numbers would mean nothing."""


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    headers: dict[str, str]

    async def send(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """One POST to /graphql; what the benchmarks time (the response body is not parsed yet)."""
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers=self.headers)

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return data_of(await self.send(query, variables))

    async def send_id(self, document_id: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """One POST naming a registered document by its id (the persisted-documents appendix)."""
        return await self.http.post("/graphql", json={"documentId": document_id, "variables": variables or {}},
                                    headers=self.headers)


def spa_document(name: str) -> str:
    """The text of the SPA's operation `name`, as spa/persisted-query-manifest.json holds it."""
    manifest = json.loads((ROOT / "spa" / "persisted-query-manifest.json").read_text())
    return next(o["body"] for o in manifest["operations"] if o["name"] == name)


def document_id_of(text: str) -> str:
    """The documentId of a document's text (sha256:<hex>)."""
    from resolvers.rules.persisted_files import document_id, sha256_of

    return document_id(sha256_of(text))


async def register_documents(database_url: str, texts: list[str]) -> None:
    """Register the documents as `csrgraph documents add` would (checked against the schema first); registering one
    again changes nothing."""
    from db.engine import make_engine, make_write_sessionmaker
    from graph.persisted.known import checker_for
    from graph.schema import make_schema
    from graph.settings import Settings
    from resolvers.persisted.registry import NewDocument, add_trusted

    settings = Settings(database_url=database_url, secret="")
    checker = checker_for(make_schema(settings), settings)
    documents = [checker.prepare(text, trusted=True) for text in texts]
    engine = make_engine(database_url)
    try:
        async with make_write_sessionmaker(engine)() as session, session.begin():
            await add_trusted(session, [NewDocument(d.sha256, d.text, d.name, "graphql") for d in documents])
    finally:
        await engine.dispose()


def data_of(response: httpx.Response) -> dict[str, Any]:
    """The `data` of a response; errors fail the benchmark, as its numbers would mean nothing."""
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise GraphQLError(f"{response.status_code}: {body.get('errors')}")
    return body["data"]


@asynccontextmanager
async def graphql_client(database_url: str, email: str = AGENT, *,
                         compiled_plans: bool = False) -> AsyncIterator[GraphQLClient]:
    """The whole app (middleware, auth, view, schema) over ASGI, signed in as `email` (`compiled_plans`: with
    CSRGRAPH_COMPILED_PLANS=1)."""
    from graph.app import create_app
    from graph.settings import Settings

    secret = secrets.token_urlsafe(32)
    token = await token_for(database_url, secret, email)
    app = create_app(Settings(database_url=database_url, secret=secret, compiled_plans=compiled_plans))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as http:
            yield GraphQLClient(http, {"authorization": f"Bearer {token}"})


async def token_for(database_url: str, secret: str, email: str = AGENT) -> str:
    """A bearer token (an hour long, signed with `secret`) for the user `email` of the database."""
    from graph.auth import issue_token

    return issue_token(secret, await load_user(database_url, email), timedelta(hours=1))


async def load_user(database_url: str, email: str):
    """The User row the token is issued for."""
    from db.engine import make_engine, make_sessionmaker
    from db.models import User

    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        user = (await session.execute(select(User).where(User.email == email))).scalar_one()
    await engine.dispose()
    return user


# ---- counting and capturing SQL ---------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]


@contextmanager
def capturing_statements() -> Iterator[list[Statement]]:
    """Every statement any engine runs inside the block, with its driver-level parameters, but the event feed's
    reads of the log: they run beside the request, not for it (on SQLite every 20 ms, as often as the loop lets
    them, so a longer request saw more of them: bench accounts counted 7 / 8 / 12 SELECTs for 1 / 10 / 50 accounts
    where the request ran 6 for each)."""
    seen: list[Statement] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if not is_feed_read(statement):
            seen.append(Statement(statement, tuple(parameters or ())))

    # On the Engine class, so it also hears the engine the app's lifespan made.
    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)


def is_feed_read(sql: str) -> bool:
    """The event feed's read of new events (resolvers/events.py: changes_after), as tests/conftest.py knows it."""
    flat = " ".join(sql.split())
    return flat.startswith("SELECT domain_events.id, domain_events.client_id") and "WHERE domain_events.id >" in flat


def run_raw(raw: sqlite3.Connection, statement: Statement) -> list[tuple[Any, ...]]:
    """Run a captured statement on stdlib sqlite3 and fetch every row."""
    return raw.execute(statement.sql, statement.params).fetchall()


def query_plan(raw: sqlite3.Connection, statement: Statement) -> list[str]:
    """EXPLAIN QUERY PLAN lines, indented by depth like the sqlite3 shell prints them."""
    rows = raw.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.params).fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


# ---- timing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    """Milliseconds over `n` samples."""

    n: int
    p50: float
    p95: float
    mean: float
    max: float


def percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks of an ascending list (q in 0..100)."""
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def stats(samples_ms: Sequence[float]) -> Stats:
    """p50, p95, mean and max of millisecond samples."""
    ordered = sorted(samples_ms)
    if not ordered:
        return Stats(0, math.nan, math.nan, math.nan, math.nan)
    mean = sum(ordered) / len(ordered)
    return Stats(len(ordered), percentile(ordered, 50), percentile(ordered, 95), mean, ordered[-1])


async def time_async(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """(milliseconds, result) of one awaited call."""
    started = perf_counter()
    result = await call()
    return (perf_counter() - started) * 1000, result


def time_sync(call: Callable[[], Any]) -> tuple[float, Any]:
    """(milliseconds, result) of one call."""
    started = perf_counter()
    result = call()
    return (perf_counter() - started) * 1000, result


# ---- profiling ------------------------------------------------------------------------------

async def profile_by_package(call: Callable[[], Awaitable[Any]], n: int) -> list[tuple[str, float]]:
    """(where, ms per call) of `n` awaited calls under cProfile, by package, most first.

    Self time only, so the parts add up; cProfile slows Python code more than C: read shares.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        await call()
    profiler.disable()
    totals: Counter[str] = Counter()
    for (filename, _line, function), (_cc, _nc, self_seconds, _cum, _callers) in pstats.Stats(profiler).stats.items():
        totals[_package_of(filename, function)] += self_seconds * 1000 / n
    return totals.most_common()


def _package_of(filename: str, function: str) -> str:
    if filename == "~":  # C functions: name the idle wait apart, it is time spent in other threads
        return "idle: epoll wait (SQLite runs in aiosqlite's thread)" if "epoll" in function else "C builtins"
    path = Path(filename)
    if not path.is_absolute():  # <frozen ...>, <string>: generated code
        return "other"
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1]
    if ROOT in path.parents:
        return f"csrgraph {path.relative_to(ROOT).parts[0]}/"
    return f"stdlib {path.stem if path.parent.name.startswith('python3') else path.parent.name}"


# ---- output ----------------------------------------------------------------------------------

def ms(value: float) -> str:
    """Milliseconds for a table: two decimals below 10, one above."""
    return "-" if math.isnan(value) else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def verdict(ok: bool) -> str:
    """PASS or MISS, coloured."""
    return "[green]PASS[/]" if ok else "[bold red]MISS[/]"


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                notes: Sequence[str] = ()) -> None:
    """A plain table, the first column left-aligned, the others right-aligned; notes below it."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)
    for note in notes:
        console.print(f"  {note}")
    if notes:
        console.print()


def heading(text: str) -> None:
    """A rule with the benchmark's title."""
    console.rule(f"[bold]{text}")


# ---- the machine ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CpuSnapshot:
    at: float
    machine_busy: float  # CPU seconds of every process since boot
    own: float  # CPU seconds of this process, all its threads


def cpu_snapshot() -> CpuSnapshot | None:
    """None where /proc/stat is missing (not Linux)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    own = os.times()
    return CpuSnapshot(perf_counter(), (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK"), own.user + own.system)


def others_busy(start: CpuSnapshot | None) -> str:
    """How many cores other processes kept busy since `start`: they skew timings, less so ratios."""
    end = cpu_snapshot()
    if start is None or end is None:
        return ""
    cores = max(0.0, (end.machine_busy - start.machine_busy) - (end.own - start.own)) / (end.at - start.at)
    warning = " [yellow]- timings are inflated; ratios hold better[/]" if cores > 0.2 else ""
    return f"other processes kept {cores:.1f} of {os.cpu_count()} cores busy meanwhile{warning}"
