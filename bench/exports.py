"""customers.csv streamed by a real uvicorn worker over HTTP, beside the `sqlite3` shell writing the same CSV.

The worker runs in its own process, so its peak RSS (VmHWM) is its own: before the export (startup) and after.
The client writes the download to a file as the shell does. Both read the same SQLite file, warm.
`--size N` sets how many customers the exported client has (the database holds three clients of N each and
is built once per size under var/bench/); `--quick` uses 20,000.
"""

import argparse
import asyncio
import csv
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from time import perf_counter, sleep

import httpx

from bench import benchmark
from bench.common import (
    BENCH_DIR,
    ROOT,
    connect_raw,
    console,
    describe,
    ensure_database,
    heading,
    ms,
    prime_os_cache,
    print_table,
    verdict,
)

DEFAULT_SIZE, QUICK_SIZE = 1_000_000, 20_000
CLIENTS = 3  # the demo seeder spreads customers over its three clients evenly
LEAD = "lead@lumen.example"  # exports need TEAM_LEAD
SECRET = "bench-exports-secret-0123456789abcdef"  # the worker's signing secret, for the lead's token
FIRST_BYTE_TARGET_MS = 200
RSS_GROWTH_TARGET_MB = 50  # flat: a worker that buffered 1,000,000 rows would grow by hundreds of MB
OUT_DIR = BENCH_DIR / "exports-out"
# What the shell writes: the export's columns from the same rows, in the same order (booleans and times as stored).
SHELL_SQL = """
SELECT c.number AS customer_number, c.name, c.kind, c.email, c.phone, c.language, c.billing_line1, c.billing_line2,
       c.billing_city, c.billing_state, c.billing_zip, CASE WHEN c.is_master THEN 'true' ELSE 'false' END AS is_master,
       m.number AS master_number, CASE WHEN c.autopay THEN 'true' ELSE 'false' END AS autopay,
       CASE WHEN c.paperless THEN 'true' ELSE 'false' END AS paperless, c.dunning_hold_until,
       strftime('%Y-%m-%dT%H:%M:%S+00:00', c.created_at) AS created_at
FROM customers c LEFT JOIN customers m ON m.id = c.master_id
WHERE c.client_id = (SELECT client_id FROM users WHERE email = '{email}') ORDER BY c.number"""


@dataclass(frozen=True)
class Download:
    first_byte_ms: float  # the header row
    first_row_ms: float  # the first customer
    seconds: float
    rows: int
    size: int


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen
    url: str

    def kib(self, field: str) -> int:
        return proc_kib(self.process.pid, field)


def proc_kib(pid: int, field: str) -> int:
    """A memory figure of a process's /proc status (VmRSS now, VmHWM its peak), in KiB; 0 once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(field + ":")), 0)


@benchmark("exports")
async def run(options: argparse.Namespace) -> bool:
    """Export the client's customers through the worker, then with the shell; print both and the worker's RSS."""
    size = options.size or (QUICK_SIZE if options.quick else DEFAULT_SIZE)
    heading(f"exports: customers.csv of a client with {size:,} customers from a uvicorn worker, SQLite")
    db = await ensure_database(BENCH_DIR / f"exports-{size}.db", size * CLIENTS, rebuild=options.rebuild)
    console.print(describe(db))
    prime_os_cache(db.path)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    worker, bearer = await start_worker(db.url), token(db.path)
    try:
        await warm_up(worker.url, bearer)
        startup_peak, before = worker.kib("VmHWM"), worker.kib("VmRSS")
        download = await fetch(worker.url, bearer, OUT_DIR / "customers.csv")
        peak = worker.kib("VmHWM")
    finally:
        stop(worker)
    shell = run_shell(db.path, OUT_DIR / "customers-sqlite3.csv")
    same = shell is not None and read_rows(OUT_DIR / "customers.csv") == read_rows(OUT_DIR / "customers-sqlite3.csv")
    return report(size, download, shell, same, (before, startup_peak, peak))


def token(path: Path) -> str:
    """A bearer token of the lead, signed with the worker's secret."""
    from db.models import User
    from graph.auth import issue_token

    raw = connect_raw(path)
    user_id, client_id = raw.execute("SELECT id, client_id FROM users WHERE email = ?", (LEAD,)).fetchone()
    raw.close()
    return issue_token(SECRET, User(id=user_id, client_id=client_id, email=LEAD), timedelta(hours=1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_worker(database_url: str) -> Worker:
    """`uvicorn graph.app:from_environ` on 127.0.0.1, one worker, ready once /healthz answers."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "CSRGRAPH_SECRET": SECRET,
           "CSRGRAPH_OUTBOX_DIR": str(OUT_DIR / "outbox")}
    command = [sys.executable, "-m", "uvicorn", "graph.app:from_environ", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]
    worker = Worker(subprocess.Popen(command, cwd=ROOT, env=env), f"http://127.0.0.1:{port}")
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(f"{worker.url}/healthz")).status_code == 200:
                    return worker
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    stop(worker)
    raise RuntimeError("the worker did not start")


def stop(worker: Worker) -> None:
    worker.process.terminate()
    worker.process.wait(timeout=30)


async def warm_up(url: str, bearer: str) -> None:
    """One small request through auth and the database, as on a worker that has been serving a while."""
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/files/exports/aging.csv?asOf=1900-01-01",
                                    headers={"authorization": f"Bearer {bearer}"})
        response.raise_for_status()


async def fetch(url: str, bearer: str, out: Path) -> Download:
    """Stream the export into `out`, timing the first byte, the first data row and the whole."""
    first_byte = first_row = None
    size = newlines = 0
    async with httpx.AsyncClient(timeout=None) as client:  # made before the clock starts: it loads CA certificates
        started = perf_counter()
        async with client.stream("GET", f"{url}/files/exports/customers.csv",
                                 headers={"authorization": f"Bearer {bearer}"}) as response:
            response.raise_for_status()
            with out.open("wb") as file:
                async for chunk in response.aiter_raw():
                    now = perf_counter()
                    first_byte = first_byte or now
                    newlines += chunk.count(b"\n")
                    if first_row is None and newlines >= 2:  # the header and one customer
                        first_row = now
                    size += len(chunk)
                    file.write(chunk)
    done = perf_counter()
    return Download((first_byte - started) * 1000, ((first_row or done) - started) * 1000, done - started,
                    len(read_rows(out)) - 1, size)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


@dataclass(frozen=True)
class Shell:
    seconds: float
    peak_kib: int
    size: int


def run_shell(path: Path, out: Path) -> Shell | None:
    """`sqlite3 -csv -header` writing the same columns to a file; its time and peak RSS."""
    if shutil.which("sqlite3") is None:
        console.print("[yellow]no sqlite3 shell on PATH: the floor is skipped[/]")
        return None
    started, peak = perf_counter(), 0
    with out.open("wb") as file:
        process = subprocess.Popen(["sqlite3", "-bail", "-csv", "-header", str(path), SHELL_SQL.format(email=LEAD)],
                                   stdout=file)
        # Sampled from /proc while it runs: the rusage of a spawned child also counts the parent it was forked from.
        while process.poll() is None:
            peak = max(peak, proc_kib(process.pid, "VmHWM"))
            sleep(0.002)
    seconds = perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"sqlite3 failed with status {process.returncode}")
    return Shell(seconds, peak, out.stat().st_size)


def report(size: int, download: Download, shell: Shell | None, same: bool, rss: tuple[int, int, int]) -> bool:
    """The table, and whether every target was met."""
    before, startup_peak, peak = rss
    growth_mb = max(0, peak - max(startup_peak, before)) / 1024
    first_ok = download.first_byte_ms <= FIRST_BYTE_TARGET_MS and download.first_row_ms <= FIRST_BYTE_TARGET_MS
    flat_ok, complete = growth_mb <= RSS_GROWTH_TARGET_MB, download.rows == size
    rows = [
        ("worker: first byte (header)", f"{ms(download.first_byte_ms)} ms", f"<= {FIRST_BYTE_TARGET_MS} ms",
         verdict(download.first_byte_ms <= FIRST_BYTE_TARGET_MS)),
        ("worker: first customer row", f"{ms(download.first_row_ms)} ms", f"<= {FIRST_BYTE_TARGET_MS} ms",
         verdict(download.first_row_ms <= FIRST_BYTE_TARGET_MS)),
        ("worker: rows / second", f"{download.rows / download.seconds:,.0f}", "", ""),
        ("worker: whole export", f"{download.seconds:,.1f} s ({download.size / 1e6:,.1f} MB)", "", ""),
        ("worker: RSS before / startup peak / peak", f"{before / 1024:,.0f} / {startup_peak / 1024:,.0f} / "
         f"{peak / 1024:,.0f} MB", f"growth <= {RSS_GROWTH_TARGET_MB} MB", verdict(flat_ok)),
        ("rows exported", f"{download.rows:,}", f"= {size:,}", verdict(complete)),
    ]
    if shell is not None:
        rows += [("sqlite3 shell: rows / second", f"{size / shell.seconds:,.0f}", "", ""),
                 ("sqlite3 shell: whole export", f"{shell.seconds:,.1f} s ({shell.size / 1e6:,.1f} MB)", "", ""),
                 ("sqlite3 shell: peak RSS", f"{shell.peak_kib / 1024:,.0f} MB", "", ""),
                 ("worker time / shell time", f"{download.seconds / shell.seconds:,.1f}x", "", ""),
                 ("worker's rows = shell's rows (parsed)", "yes" if same else "NO", "yes", verdict(same))]
    print_table("customers.csv", ["measure", "value", "target", ""], rows,
                notes=["first byte and first row are timed from the request; RSS from /proc/PID/status"])
    return first_ok and flat_ok and complete and (shell is None or same)
