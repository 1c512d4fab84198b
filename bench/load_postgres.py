"""PostgreSQL for `bench load`: the seeded data as a pg_dump file, built once and restored before each run."""

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path
from time import perf_counter

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.common import BENCH_DIR, console, data_fingerprint


def postgres_url() -> str | None:
    """The server to run on: CSRGRAPH_BENCH_POSTGRES_URL, or the one scripts/with-postgres started."""
    return os.environ.get("CSRGRAPH_BENCH_POSTGRES_URL") or os.environ.get("CSRGRAPH_TEST_POSTGRES_URL")


async def restore_postgres(seeded: Path, customers: int, rebuild: bool) -> str:
    """Empty the database, then load the cached dump of `customers` (seeding and dumping it first if needed)."""
    url = postgres_url()
    assert url is not None
    dump = BENCH_DIR / f"load-{customers // 1000}k.pgdump"
    marker = dump.with_name(dump.name + ".ready")
    fresh = rebuild or not marker.exists() or json.loads(marker.read_text()) != _identity(customers)
    await _reset(url)
    if fresh:
        await _seed(url, customers)
        _run_tool("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _libpq(url))
        marker.write_text(json.dumps(_identity(customers)))
    else:
        started = perf_counter()
        _run_tool("pg_restore", "--no-owner", "--no-privileges", "--jobs=2", f"--dbname={_libpq(url)}", str(dump))
        console.print(f"{dump.name}: restored in {perf_counter() - started:.1f} s (reused)")
    await _analyze(url)
    return url


def _identity(customers: int) -> dict:
    return {"customers": customers, "fingerprint": data_fingerprint()}


async def _reset(url: str) -> None:
    from db.engine import make_engine

    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _seed(url: str, customers: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from db import demo
    from db.engine import make_engine
    from db.migrate import migrate

    engine = make_engine(url)
    await migrate(engine)
    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("seeding PostgreSQL", total=customers)
        await demo.seed(engine, customers, progress=lambda n: bar.advance(task, n))
    await engine.dispose()


async def _analyze(url: str) -> None:
    """Planner statistics: pg_restore does not bring them."""
    from db.engine import make_engine

    engine = make_engine(url)
    async with engine.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
    await engine.dispose()


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string for pg_dump and pg_restore."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run_tool(name: str, *args: str) -> None:
    subprocess.run([_tool(name), *args], check=True)


def _tool(name: str) -> str:
    """The newest server's copy of a client tool (Debian keeps them outside PATH), else PATH's."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    return found[-1] if found else shutil.which(name) or name
