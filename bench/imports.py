"""Customer import: a book of account rows (1,000,000 by default, about 670,000 customers) loaded on SQLite
through the code `csrgraph import customers` runs, beside the floor: stdlib sqlite3 `executemany` writing the
same rows (the customers, name tokens, utility accounts, enrollments and status changes the import wrote,
read back from it) in one transaction into an empty copy of the schema. Also the demo seeder's rate, which
writes through the same driver-level path (db/bulk.py).

`--quick` imports 20,000 rows; `--rows N` any number.
"""

import argparse
import csv
import resource
import sqlite3
from pathlib import Path
from time import perf_counter
from typing import Any

from bench import benchmark
from bench.common import BENCH_DIR, console, fresh_database, heading, print_table, verdict

ROWS = 1_000_000
QUICK_ROWS = 20_000
SEED_CUSTOMERS, QUICK_SEED = 20_000, 2_000
TARGET_RATIO = 3.0
ADMIN = "admin@lumen.example"
# What the import writes, in an order that satisfies the foreign keys.
TABLES = ("customers", "customer_name_tokens", "utility_accounts", "enrollments", "enrollment_status_changes")


@benchmark("import")
async def run(options: argparse.Namespace) -> bool:
    rows = getattr(options, "rows", None) or (QUICK_ROWS if options.quick else ROWS)
    heading(f"import: {rows:,} account rows through `csrgraph import customers`, SQLite, beside sqlite3 executemany")
    path = BENCH_DIR / f"import-{rows}.csv"
    customers = _write_file(path, rows)
    imported, peak, job = await _import(BENCH_DIR / "import.db", path)
    floor = _floor(BENCH_DIR / "import.db", BENCH_DIR / "import-floor.db")
    seed_count = QUICK_SEED if options.quick else SEED_CUSTOMERS
    seeded = await _seed_rate(BENCH_DIR / "seed-rate.db", seed_count)
    ratio = imported / floor
    ok = ratio <= TARGET_RATIO and job.created == rows
    print_table(
        f"Customer import, {rows:,} rows ({customers:,} customers): seconds",
        ["path", "seconds", "rows/s", "x floor", "target", ""],
        [["import: stream, check, stage, check across rows, write in batches (committed)", f"{imported:.1f}",
          f"{rows / imported:,.0f}", f"{ratio:.2f}x", f"≤ {TARGET_RATIO:g}x", verdict(ok)],
         ["floor: sqlite3 executemany of the same rows, one transaction", f"{floor:.1f}", f"{rows / floor:,.0f}",
          "1.00x", "", ""],
         [f"csrgraph seed: {seed_count:,} demo customers (~20 rows each, usage included)", f"{seeded:.1f}",
          f"{seed_count / seeded:,.0f} customers/s", "", "", ""]],
        notes=[f"job: created {job.created:,}, refused {job.refused:,}, customers created {job.customers_created:,}; "
               f"peak RSS of the process after the import {peak / 2**20:,.0f} MiB (the file is streamed: "
               "it stays flat as the file grows; compare --rows runs)",
               "floor: the rows of " + ", ".join(TABLES) + " the import wrote, read back before timing, inserted with "
               "synchronous=FULL into a freshly migrated database (same indexes and address-search triggers).",
               "measured on a busy machine: quote the ratio, not the seconds."],
    )
    return ok


def _write_file(path: Path, rows: int) -> int:
    """The book as a CSV file on disk, written as a stream; returns how many customers it has."""
    from db.demo_imports import HEADER, customer_rows
    from tests.api.customers.import_helpers import number_for

    path.parent.mkdir(parents=True, exist_ok=True)
    customers = set()
    with path.open("w", newline="") as f:
        f.write(HEADER + "\n")
        writer = csv.writer(f, lineterminator="\n")
        for row in customer_rows(rows, number_for):
            customers.add(row[0])
            writer.writerow(row)
    return len(customers)


async def _import(db_path: Path, file: Path) -> tuple[float, int, Any]:
    """Seconds of the import (the CLI's code, its batches committed) and the process's peak RSS after it."""
    from db import demo
    from db.writes import Writes
    from graph.auth import user_scope
    from resolvers.customers.imports.commands import CustomerFile, ImportRequest, import_customers

    engine = await fresh_database(db_path)
    await demo.seed(engine, 0)
    scope = await user_scope(engine, ADMIN, "lumen")
    with file.open("rb") as stream:
        request = ImportRequest(CustomerFile(file.name, stream))
        started = perf_counter()
        done = await import_customers(scope, Writes(engine), request, _progress())
        seconds = perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    await engine.dispose()
    console.print()
    return seconds, peak, done.job


def _progress() -> Any:
    last: dict[str, int] = {}

    def tick(phase: str, done: int, total: int) -> None:
        if total and done * 10 // total != last.get(phase, -1):
            last[phase] = done * 10 // total
            console.print(f"  {phase} {done:,}/{total:,}", end="\r")

    return tick


def _floor(imported: Path, floor_path: Path) -> float:
    """Seconds to insert what the import wrote, with executemany in one transaction, into an empty schema."""
    source = sqlite3.connect(imported)
    tables = {name: _rows(source, name) for name in TABLES}
    source.close()
    _empty_copy(imported, floor_path)
    target = sqlite3.connect(floor_path, isolation_level=None)
    target.execute("PRAGMA synchronous=FULL")
    target.execute("PRAGMA journal_mode=WAL")
    started = perf_counter()
    target.execute("BEGIN")
    for name, (columns, rows) in tables.items():
        marks = ", ".join("?" for _ in columns)
        target.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)
    target.execute("COMMIT")
    seconds = perf_counter() - started
    target.close()
    return seconds


def _rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple]]:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE client_id = (SELECT id FROM clients WHERE slug = 'lumen')")
    return [d[0] for d in cursor.description], cursor.fetchall()


def _empty_copy(source: Path, target: Path) -> None:
    """The source database's schema and reference rows, without what the import wrote."""
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("BEGIN")
    for table in reversed(TABLES):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM customer_import_rows")
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    conn.close()


async def _seed_rate(path: Path, customers: int) -> float:
    from db import demo

    engine = await fresh_database(path)
    started = perf_counter()
    await demo.seed(engine, customers)
    seconds = perf_counter() - started
    await engine.dispose()
    return seconds

