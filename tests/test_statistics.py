"""SQLite's planner statistics stay current in a running app (db/maintenance.py): a database analyzed while a table
was small, then grown, plans by index again once the app's statistics pass has run; nothing runs on PostgreSQL."""

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from db import maintenance
from db.engine import make_engine
from db.maintenance import refresh_statistics
from db.migrate import migrate
from db.writes import Writes
from graph.app import STATISTICS_TASK, create_app
from graph.settings import Settings
from tests.conftest import SECRET, Database
from tests.lifespan import lifespan

# The billing bench's query: an invoice page's allocations
ALLOCATIONS_OF_INVOICES = "SELECT * FROM payment_allocations WHERE invoice_id IN (1, 2, 3)"
SMALL, GROWN = 5, 20_000


def plan_of(path: Path, query: str = ALLOCATIONS_OF_INVOICES) -> str:
    """The planner's choice, on a new connection (it reads the statistics as they are now)."""
    raw = sqlite3.connect(path)
    try:
        return " / ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {query}"))
    finally:
        raw.close()


def add_allocations(raw: sqlite3.Connection, rows: int, invoices: int) -> None:
    """`rows` allocations spread over `invoices` invoices, in one set-based statement (the planner's statistics are
    the point here, not the rows' parents: sqlite3 leaves foreign keys off)."""
    raw.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO payment_allocations (client_id, payment_id, invoice_id, amount_cents, created_at) "
        "SELECT 1, i, 1 + i % ?, 100, '2026-12-04 09:00:00' FROM n", (rows, invoices))
    raw.commit()


@pytest.fixture
async def grown(tmp_path: Path) -> AsyncIterator[Path]:
    """A migrated database analyzed when payment_allocations held SMALL rows of one invoice, then grown to GROWN
    rows over 5,000 invoices: what the billing bench's postings did to its database."""
    path = tmp_path / "grown.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    await engine.dispose()
    raw = sqlite3.connect(path)
    add_allocations(raw, SMALL, invoices=1)
    raw.execute("ANALYZE")
    add_allocations(raw, GROWN, invoices=5_000)
    raw.close()
    assert plan_of(path) == "SCAN payment_allocations"  # stale statistics: the whole table for three invoices
    yield path


def uses_an_index(plan: str) -> bool:
    return plan.startswith("SEARCH payment_allocations USING") and "INDEX" in plan


async def test_a_pass_analyzes_the_grown_table_and_the_planner_takes_its_index(grown):
    engine = make_engine(f"sqlite+aiosqlite:///{grown}")
    writes = Writes(engine)
    try:
        # when the app's statistics pass runs
        analyzed = await refresh_statistics(writes)
        # then it analyzed the grown table and nothing else, and three invoices' allocations are read by index
        assert analyzed == ['ANALYZE "main"."payment_allocations"']
        assert uses_an_index(plan_of(grown)), plan_of(grown)
        # and a pass with nothing changed since finds nothing to do (takes no write lock)
        assert await refresh_statistics(writes) == []
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("exact_rows", "sampled"), [(maintenance.EXACT_ROWS, False), (SMALL + GROWN - 1, True)],
                         ids=["whole up to EXACT_ROWS", "sampled past it"])
async def test_a_large_table_is_sampled_and_the_connection_goes_back_without_the_limit(grown, monkeypatch,
                                                                                      exact_rows, sampled):
    # given a table of SMALL + GROWN rows, and EXACT_ROWS at or below that
    monkeypatch.setattr(maintenance, "EXACT_ROWS", exact_rows)
    engine = make_engine(f"sqlite+aiosqlite:///{grown}")
    try:
        await refresh_statistics(Writes(engine))
        # then every pooled connection is back at SQLite's default: a later ANALYZE on it reads everything
        pooled = [await engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
        limits = [(await conn.exec_driver_sql("PRAGMA analysis_limit")).scalar() for conn in pooled]
        for conn in pooled:
            await conn.close()
        assert limits
        assert set(limits) == {0}
    finally:
        await engine.dispose()
    raw = sqlite3.connect(grown)
    try:
        # and its statistics count the rows exactly when read whole, and estimate them from a sample past EXACT_ROWS
        counts = [int(stat.split()[0]) for (stat,) in
                  raw.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'payment_allocations'")]
        assert len(counts) == 3
        assert (counts != [SMALL + GROWN] * 3) is sampled, counts
    finally:
        raw.close()


async def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def statistics_tasks() -> list[asyncio.Task]:
    return [t for t in asyncio.all_tasks() if t.get_name() == STATISTICS_TASK]


async def test_the_running_app_refreshes_them_at_start_and_its_task_stops_with_it(grown):
    # given the app over the grown database, with the default interval
    application = create_app(Settings(database_url=f"sqlite+aiosqlite:///{grown}", secret=SECRET,
                                      outbox_enabled=False, event_poll_seconds=3600))
    async with lifespan(application):
        # then its statistics pass runs at start and the planner takes the index
        assert len(statistics_tasks()) == 1
        assert await wait_for(lambda: uses_an_index(plan_of(grown))), plan_of(grown)
    # and when it stops, so does the task
    assert statistics_tasks() == []


async def test_switched_off_no_pass_runs(grown):
    application = create_app(Settings(database_url=f"sqlite+aiosqlite:///{grown}", secret=SECRET,
                                      outbox_enabled=False, event_poll_seconds=3600, statistics_minutes=0))
    async with lifespan(application):
        assert statistics_tasks() == []
    assert plan_of(grown) == "SCAN payment_allocations"


async def test_the_pass_repeats_every_interval(tmp_path):
    # given an app started over an empty database (nothing to analyze), passes a fraction of a second apart
    path = tmp_path / "repeats.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    await engine.dispose()
    application = create_app(Settings(database_url=f"sqlite+aiosqlite:///{path}", secret=SECRET,
                                      outbox_enabled=False, event_poll_seconds=3600, statistics_minutes=0.005))
    async with lifespan(application):
        # when allocations arrive after the first pass
        await asyncio.sleep(0.5)
        raw = sqlite3.connect(path)
        add_allocations(raw, SMALL, invoices=1)
        raw.execute("ANALYZE")
        add_allocations(raw, GROWN, invoices=5_000)
        raw.close()
        # then a later pass analyzes them
        assert await wait_for(lambda: uses_an_index(plan_of(path))), plan_of(path)


async def test_nothing_runs_on_postgresql(database: Database):
    # the statistics task runs on SQLite only; on PostgreSQL a pass does nothing (autovacuum analyzes)
    application = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                                      event_poll_seconds=3600))
    async with lifespan(application):
        assert len(statistics_tasks()) == (1 if database.backend == "sqlite" else 0)
    if database.backend == "postgresql":
        assert await refresh_statistics(Writes(database.engine)) == []


@pytest.mark.parametrize(("table", "limit"), [
    ("few", 0),                                      # up to EXACT_ROWS rows: read whole
    ("many", maintenance.ANALYSIS_LIMIT),            # its largest rowid past EXACT_ROWS: sampled
    ("no_rowid", maintenance.ANALYSIS_LIMIT),        # no rowid to bound its rows: sampled
    ("unparsed", maintenance.ANALYSIS_LIMIT),        # not a statement of optimize's form
])
async def test_the_limit_of_each_analyze(tmp_path, table, limit):
    raw = sqlite3.connect(tmp_path / "limits.db")
    raw.executescript(f"""
        CREATE TABLE few (id INTEGER PRIMARY KEY);
        INSERT INTO few VALUES (1), ({maintenance.EXACT_ROWS});
        CREATE TABLE many (id INTEGER PRIMARY KEY);
        INSERT INTO many VALUES (1), ({maintenance.EXACT_ROWS + 1});
        CREATE TABLE no_rowid (k TEXT PRIMARY KEY) WITHOUT ROWID;
        INSERT INTO no_rowid VALUES ('a');
    """)
    raw.close()
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'limits.db'}")
    statement = f'ANALYZE "main"."{table}"' if table != "unparsed" else "ANALYZE few"
    try:
        async with engine.execution_options(sqlite_begin=None).connect() as conn:
            assert await maintenance.analysis_limit(conn, 'ANALYZE "main"."no_rowid"') == maintenance.ANALYSIS_LIMIT
            # (the connection goes on after a table without rowid)
            assert await maintenance.analysis_limit(conn, statement) == limit
    finally:
        await engine.dispose()
