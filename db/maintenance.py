"""SQLite's planner statistics kept current while the app runs (`PRAGMA optimize`, as SQLite's docs advise
long-lived connections: at start and then periodically, under an analysis limit).

SQLite never refreshes sqlite_stat1 by itself. A table analyzed while small keeps its small statistics as it grows,
and the planner goes on trusting them: bench billing's database, analyzed when payment_allocations held a few rows,
scanned the whole table for `WHERE invoice_id IN (...)` once the postings had written tens of thousands (2.2 ms
where the index takes 0.02). A call centre's database grows all day.

`PRAGMA optimize` re-analyzes a table only when SQLite judges its statistics stale: an index without statistics, or
(3.40) 25 times the rows the statistics say. But it looks only at the tables this very connection's planner has
costed by their statistics (its 0x10000 flag, every table, is newer than 3.40: it changes nothing there). So a
pass first has the planner cost each index of each table with rows (EXPLAIN QUERY PLAN, nothing read), then asks
optimize which tables it would analyze (0x01: it lists the ANALYZE statements and runs none). A pass that finds
nothing takes no lock and writes nothing. One that does runs those ANALYZEs in a write transaction through
db/writes.py (queued with the worker's mutations, off the event loop's thread): a table of up to EXACT_ROWS rows
whole, a larger one by a sample of ANALYSIS_LIMIT rows of each index, so that a pass over a million customers
stays short. PostgreSQL's autovacuum analyzes by itself: nothing runs there.
"""

import asyncio
import logging
import re
import time
from contextlib import suppress

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from db.engine import is_sqlite
from db.writes import WriteBusy, Writes

log = logging.getLogger("csrgraph.maintenance")

# Rows ANALYZE reads of each index of a large table (SQLite's docs: values between 100 and 1000 work well for most
# applications). 0, SQLite's default, reads them all: 1 s for the million customers of bench search, write lock held.
ANALYSIS_LIMIT = 400
# A table of up to this many rows (its largest rowid) is analyzed whole. Sampled statistics are rough where a column
# repeats for long runs: on the million customers, 401 customers to a client where there are 333,334 (and 401 rows to
# a name token where 6,389). Whole, payment_allocations' 46,000 rows take 16 ms (7 ms sampled).
EXACT_ROWS = 100_000
# 0x02: ANALYZE the tables whose statistics look stale, of those this connection's planner costed by their
# statistics (`_cost_every_index` chooses them); 0x01: list those ANALYZE statements, run none. Not 0x10000 (every
# table; newer than 3.40, a no-op there): it would take empty tables too, which never get statistics (ANALYZE
# writes no row for them) and so were listed again on every pass (18 of them on bench search's database).
OPTIMIZE_LISTING = "PRAGMA optimize=0x03"
ANALYZE_TABLE = re.compile(r'ANALYZE "main"\."([^"]+)"')  # a statement of optimize's listing


async def stale_tables(conn: AsyncConnection) -> list[str]:
    """The ANALYZE statements `PRAGMA optimize` would run now, on this connection (it reads, never writes)."""
    await _cost_every_index(conn)
    return [row[0] for row in (await conn.exec_driver_sql(OPTIMIZE_LISTING)).all()]


async def _cost_every_index(conn: AsyncConnection) -> None:
    """Have the planner cost each index of each table that holds rows by its statistics (what marks a table for
    optimize): an equality on the index's first column, planned and never run. An index on an expression is
    skipped; so is an empty table (it has no statistics to refresh, and gets them once it has rows)."""
    tables = (await conn.exec_driver_sql(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).scalars().all()
    for table in tables:
        indexes = (await conn.exec_driver_sql(f'PRAGMA index_list("{table}")')).all()
        if not indexes or (await conn.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is None:
            continue
        for index in indexes:
            first = (await conn.exec_driver_sql(f'PRAGMA index_info("{index.name}")')).first()
            if first is not None and first.name is not None:
                await conn.exec_driver_sql(f'EXPLAIN QUERY PLAN SELECT 1 FROM "{table}" WHERE "{first.name}" = ?',
                                           (None,))


async def analysis_limit(conn: AsyncConnection, statement: str) -> int:
    """The analysis_limit for one of optimize's statements: 0 (every row) for a table of up to EXACT_ROWS rows, else
    ANALYSIS_LIMIT. Its largest rowid bounds its rows in one index lookup (a WITHOUT ROWID table counts as large)."""
    named = ANALYZE_TABLE.fullmatch(statement)
    if named is None:
        return ANALYSIS_LIMIT
    try:
        largest = (await conn.exec_driver_sql(f'SELECT max(rowid) FROM "{named[1]}"')).scalar()
    except DBAPIError:  # no rowid
        return ANALYSIS_LIMIT
    return 0 if (largest or 0) <= EXACT_ROWS else ANALYSIS_LIMIT


async def refresh_statistics(writes: Writes) -> list[str]:
    """One pass: analyze what SQLite finds stale (a large table by a sample of each index); the statements run.
    Nothing on PostgreSQL. Raises WriteBusy when the write lock stayed taken for the writes' whole wait."""
    if not is_sqlite(writes.engine):
        return []
    async with writes.engine.execution_options(sqlite_begin=None).connect() as conn:
        statements = [(statement, await analysis_limit(conn, statement)) for statement in await stale_tables(conn)]
    if statements:
        async with writes.transaction(bulk=True) as session:
            try:
                for statement, limit in statements:
                    await session.execute(text(f"PRAGMA analysis_limit={limit}"))
                    await session.execute(text(statement))
            finally:  # the connection goes back to the pool: its later ANALYZEs read everything, as before
                await session.execute(text("PRAGMA analysis_limit=0"))
    return [statement for statement, _ in statements]


async def statistics_pass(writes: Writes, interval_seconds: float) -> None:
    """One pass; a failed one is logged (the next, `interval_seconds` on, tries again)."""
    started = time.perf_counter()
    try:
        analyzed = await refresh_statistics(writes)
    except WriteBusy as error:
        log.warning("statistics: the database stayed busy, next pass in %.0f s: %s", interval_seconds, error)
    except Exception:
        log.exception("statistics: the pass failed; next pass in %.0f s", interval_seconds)
    else:
        if analyzed:
            log.info("statistics: %s in %.0f ms", "; ".join(analyzed), (time.perf_counter() - started) * 1000)


async def keep_statistics_current(writes: Writes, interval_seconds: float, stop: asyncio.Event, *,
                                  first_pass: bool = True) -> None:
    """A pass now (unless the app ran it before serving: `first_pass`) and every `interval_seconds` until `stop` is
    set."""
    if first_pass:
        await statistics_pass(writes, interval_seconds)
    while not stop.is_set():
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        if not stop.is_set():
            await statistics_pass(writes, interval_seconds)
