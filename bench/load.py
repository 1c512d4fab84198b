"""A call centre at once (issue 11): 50 agents against `csrgraph serve --workers 2`, on SQLite and PostgreSQL."""

import argparse
import asyncio
import math
import multiprocessing
import secrets
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import benchmark
from bench.common import (
    AGENT,
    BENCH_DIR,
    console,
    describe,
    ensure_database,
    heading,
    load_user,
    ms,
    percentile,
    print_table,
    sqlite_url,
    verdict,
)
from bench.load_agents import MIX, WRITES, Floor, Sample, Tally, agent, sample_floor, subscriber, watch_lag
from bench.load_postgres import postgres_url, restore_postgres
from bench.load_trace import print_stages, read_trace
from tests.served import serve_workers

CUSTOMERS, QUICK_CUSTOMERS = 100_000, 10_000
AGENTS = 50
AGENT_PROCESSES = 2  # the agents' client work shared by two processes, each with its own event loop
SUBSCRIBERS = 9  # three customers followed in each demo client
DURATION, QUICK_DURATION = 180.0, 20.0
DELIVERY_TARGET_MS = {"sqlite": 250.0, "postgresql": 50.0}
WRITE_TO_READ_P99 = 2.0


@benchmark("load")
async def run(options: argparse.Namespace) -> bool:
    """Seed (cached), serve with two workers, run the floor on each engine, print the tables and verdicts."""
    customers = QUICK_CUSTOMERS if options.quick else CUSTOMERS
    duration = options.duration or (QUICK_DURATION if options.quick else DURATION)
    heading(f"load: {AGENTS} agents for {duration:.0f} s against `csrgraph serve --workers 2`, {customers:,} customers")
    seeded = await ensure_database(BENCH_DIR / f"load-{customers // 1000}k.db", customers, rebuild=options.rebuild)
    console.print(describe(seeded))
    ok = True
    for engine in _engines(options):
        ok &= await _run_engine(engine, seeded.path, customers, duration, options)
    return ok


def _engines(options: argparse.Namespace) -> list[str]:
    wanted = (options.engine or "sqlite,postgresql").split(",")
    if "postgresql" in wanted and not postgres_url():
        console.print("[yellow]PostgreSQL skipped: set CSRGRAPH_BENCH_POSTGRES_URL or run under scripts/with-postgres "
                      "(`make bench` does)[/]")
        wanted.remove("postgresql")
    return wanted


async def _run_engine(engine: str, seeded: Path, customers: int, duration: float, options: argparse.Namespace) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"csrgraph-load-{engine}-"))
    url = await _database_for(engine, seeded, customers, workdir, options.rebuild)
    if options.server_code:
        await _downgrade_for(options.server_code, url)
    secret = secrets.token_urlsafe(32)
    tokens = await _tokens(url, secret)
    env = {"CSRGRAPH_TRACE_EVENTS": "1", **({"PYTHONPATH": options.server_code} if options.server_code else {})}
    async with serve_workers(url, secret, workdir, workers=2, env=env) as served:
        tally = await _floor(served.address, tokens, seeded, duration)
    shutil.copyfile(served.log, BENCH_DIR / f"load-{engine}-server.log")  # for a look at what went wrong
    shutil.rmtree(workdir, ignore_errors=True)
    ok = _report(engine, tally, duration)
    print_stages(engine, tally, read_trace(BENCH_DIR / f"load-{engine}-server.log"))
    return ok


async def _database_for(engine: str, seeded: Path, customers: int, workdir: Path, rebuild: bool) -> str:
    """A working copy of the seeded data, so the cached database never sees the run's writes."""
    if engine == "postgresql":
        return await restore_postgres(seeded, customers, rebuild)
    copy = workdir / "load.db"
    shutil.copyfile(seeded, copy)
    return sqlite_url(copy)


async def _downgrade_for(code_dir: str, url: str) -> None:
    """Take the working copy back to the newest migration the other code knows, so that it can serve it."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from db.engine import make_engine
    from db.migrate import alembic_config

    head = ScriptDirectory(str(Path(code_dir) / "db" / "migrations")).get_current_head()

    def downgrade(connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, head)

    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(downgrade)
    await engine.dispose()


async def _tokens(url: str, secret: str) -> dict[str, str]:
    """A bearer token for each demo client's agent."""
    from graph.auth import issue_token

    tokens = {}
    for slug in ("lumen", "keystone", "prairie"):
        user = await load_user(url, AGENT.replace("lumen", slug))
        tokens[slug] = issue_token(secret, user, timedelta(hours=2))
    return tokens


async def _floor(address: str, tokens: dict[str, str], seeded: Path, duration: float) -> Tally:
    """The subscribers in a process of their own and the agents in AGENT_PROCESSES more, so that the arrival stamps
    measure the server, not a client loop busy with fifty agents (each process's own timer lag is reported beside
    the figures, bench/load_trace.py). Every process first starts (imports, connects), then all begin at once."""
    sample = sample_floor(seeded)
    hot = {slug: ids[: SUBSCRIBERS // len(tokens)] for slug, ids in sample.customers.items()}
    spawn = multiprocessing.get_context("spawn")
    ready, go, results = spawn.Queue(), spawn.Queue(), spawn.Queue()
    processes = [spawn.Process(target=_subscribers_process, args=(address, tokens, hot, ready, go, results))]
    processes += [spawn.Process(target=_agents_process, args=(address, tokens, sample, hot, n, ready, go, results))
                  for n in range(AGENT_PROCESSES)]
    loop = asyncio.get_running_loop()
    for process in processes:
        process.start()
    try:
        for _ in processes:
            await loop.run_in_executor(None, ready.get, True, 120)
        await asyncio.sleep(1.0)  # the servers register the subscriptions after `subscribe` arrives
        stop_at = time.monotonic() + duration  # CLOCK_MONOTONIC: one clock for every process of the machine
        for _ in processes:
            go.put(stop_at)
        parts = [await loop.run_in_executor(None, results.get, True, duration + 120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():  # a floor that failed: end what this run started
                process.terminate()
    return _merged(parts)


def _subscribers_process(address: str, tokens: dict[str, str], hot: dict[str, list[str]], ready: Any, go: Any,
                         results: Any) -> None:
    async def main() -> Tally:
        floor = Floor(address, tokens, Sample({}, {}), hot, Tally(), stop_at=math.inf)
        connected = [asyncio.Event() for _ in range(SUBSCRIBERS)]
        listeners = [asyncio.create_task(subscriber(floor, slug, customer, connected[n]))
                     for n, (slug, customer) in enumerate((s, c) for s, ids in hot.items() for c in ids)]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in connected)), timeout=60)
        ready.put(True)
        floor.stop_at = await asyncio.get_running_loop().run_in_executor(None, go.get)
        await asyncio.gather(watch_lag(floor.tally, floor.stop_at), *listeners, return_exceptions=True)
        return floor.tally

    results.put(_plain(asyncio.run(main())))


def _agents_process(address: str, tokens: dict[str, str], sample: Sample, hot: dict[str, list[str]], part: int,
                    ready: Any, go: Any, results: Any) -> None:
    async def main() -> Tally:
        ready.put(True)
        stop_at = await asyncio.get_running_loop().run_in_executor(None, go.get)
        floor = Floor(address, tokens, sample, hot, Tally(), stop_at=stop_at)
        slugs = list(tokens)
        mine = range(part, AGENTS, AGENT_PROCESSES)
        await asyncio.gather(watch_lag(floor.tally, floor.stop_at),
                             *(agent(floor, slugs[n % len(slugs)], seed=n) for n in mine))
        return floor.tally

    results.put(_plain(asyncio.run(main())))


def _plain(tally: Tally) -> dict[str, Any]:
    """A tally that pickles (no default factories)."""
    return {name: dict(value) if isinstance(value, dict) else value for name, value in vars(tally).items()}


def _merged(parts: list[dict[str, Any]]) -> Tally:
    tally = Tally()
    for part in parts:
        for op, values in part["ms"].items():
            tally.ms[op] += values
        for name in ("errors", "reasons"):
            for key, count in part[name].items():
                getattr(tally, name)[key] += count
        for entry, arrivals in part["received"].items():
            tally.received[entry] += arrivals
        tally.written.update(part["written"])
        tally.events.update(part["events"])
        tally.expected += part["expected"]
        tally.lags += part["lags"]
    return tally


def _report(engine: str, tally: Tally, duration: float) -> bool:
    rows, p99 = [], {}
    for op in MIX:
        ordered = sorted(tally.ms[op])
        p99[op] = percentile(ordered, 99)
        rows.append([op, len(ordered) + tally.errors[op], tally.errors[op], ms(percentile(ordered, 50)),
                     ms(percentile(ordered, 95)), ms(p99[op])])
    total = sum(len(v) for v in tally.ms.values()) + sum(tally.errors.values())
    delivery = _delivery(tally)
    errors = sum(tally.errors.values())
    read_p99 = max(v for k, v in p99.items() if k not in WRITES)
    write_p99 = max(v for k, v in p99.items() if k in WRITES)
    target = DELIVERY_TARGET_MS[engine]
    delivered = sum(1 for e in tally.written if tally.received.get(e))
    checks = [
        (f"errors: {errors} (target 0)", errors == 0),
        (f"write p99 {ms(write_p99)} ms vs read p99 {ms(read_p99)} ms: {write_p99 / read_p99:.2f}x "
         f"(target <= {WRITE_TO_READ_P99:.0f}x)", write_p99 <= WRITE_TO_READ_P99 * read_p99),
        (f"delivery p50 {ms(delivery[0])} / p95 {ms(delivery[1])} ms, {delivered} of {tally.expected} notes "
         f"arrived, {_repeats(tally)} repeated (target p95 <= {target:.0f} ms, all, none repeated)",
         delivery[1] <= target and delivered == tally.expected and not _repeats(tally)),
    ]
    print_table(f"load on {engine}: {total / duration:.1f} requests/s over {duration:.0f} s",
                ["operation", "count", "errors", "p50 ms", "p95 ms", "p99 ms"], rows,
                notes=[f"{verdict(ok)} {text}" for text, ok in checks]
                + [f"{count} x {reason}" for reason, count in sorted(tally.reasons.items(), key=lambda r: -r[1])[:8]])
    return all(ok for _text, ok in checks)


def _delivery(tally: Tally) -> tuple[float, float]:
    """p50 and p95 (ms) from a note's addNote answer to its arrival at the subscriber (0 if it came first)."""
    lags = sorted(max(0.0, (arrivals[0] - tally.written[e]) * 1000)
                  for e, arrivals in tally.received.items() if e in tally.written)
    return percentile(lags, 50), percentile(lags, 95)


def _repeats(tally: Tally) -> int:
    return sum(len(arrivals) - 1 for arrivals in tally.received.values())

