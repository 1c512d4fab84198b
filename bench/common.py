"""Shared helpers of the benchmarks: seeded databases, an in-process GraphQL client, timing, tables."""

import json
import math
import secrets
import sqlite3
import sys
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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

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


async def ensure_database(path: Path, customers: int) -> BuiltDatabase:
    """A migrated, seeded and analyzed SQLite database at `path`, built once and then reused."""
    marker = path.with_name(path.name + ".ready")  # written last: a half-built file is rebuilt
    if path.exists() and marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded["customers"] == customers:
            return BuiltDatabase(path, customers, recorded["seed_seconds"], reused=True)
    seconds = await _build(path, customers)
    marker.write_text(json.dumps({"customers": customers, "seed_seconds": round(seconds, 1)}))
    return BuiltDatabase(path, customers, seconds, reused=False)


async def _build(path: Path, customers: int) -> float:
    """Migrate, seed with a progress bar, ANALYZE; return the seeding seconds."""
    from db import demo
    from db.engine import make_engine
    from db.migrate import migrate

    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(sqlite_url(path))
    await migrate(engine)
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
    return raw.execute("SELECT client_id FROM users WHERE email = ?", (email,)).fetchone()[0]


# ---- GraphQL over ASGI, in process --------------------------------------------------------

class GraphQLError(RuntimeError):
    """A benchmark query came back with errors: its numbers would mean nothing."""


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    headers: dict[str, str]

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one operation through /graphql and return its `data`."""
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                        headers=self.headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise GraphQLError(f"{response.status_code}: {body.get('errors')}")
        return body["data"]


@asynccontextmanager
async def graphql_client(database_url: str, email: str = AGENT) -> AsyncIterator[GraphQLClient]:
    """The whole app (middleware, auth, view, schema) over ASGI, signed in as `email`."""
    from graph.app import create_app
    from graph.auth import issue_token
    from graph.settings import Settings

    secret = secrets.token_urlsafe(32)
    token = issue_token(secret, await _load_user(database_url, email), timedelta(hours=1))
    app = create_app(Settings(database_url=database_url, secret=secret))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as http:
            yield GraphQLClient(http, {"authorization": f"Bearer {token}"})


async def _load_user(database_url: str, email: str):
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
    """Every statement any engine runs inside the block, with its driver-level parameters."""
    seen: list[Statement] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(Statement(statement, tuple(parameters or ())))

    # On the Engine class, so it also hears the engine the app's lifespan made.
    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)


def run_raw(raw: sqlite3.Connection, statement: Statement) -> list[tuple[Any, ...]]:
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
    ordered = sorted(samples_ms)
    mean = sum(ordered) / len(ordered) if ordered else math.nan
    return Stats(len(ordered), percentile(ordered, 50), percentile(ordered, 95), mean, ordered[-1] if ordered else math.nan)


async def time_async(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """(milliseconds, result) of one awaited call."""
    started = perf_counter()
    result = await call()
    return (perf_counter() - started) * 1000, result


def time_sync(call: Callable[[], Any]) -> tuple[float, Any]:
    started = perf_counter()
    result = call()
    return (perf_counter() - started) * 1000, result


# ---- output ----------------------------------------------------------------------------------

def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def verdict(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[bold red]MISS[/]"


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None = None) -> None:
    """A plain table; numeric-looking columns right-aligned."""
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, title_justify="left", caption_justify="left")
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)


def heading(text: str) -> None:
    console.rule(f"[bold]{text}")
