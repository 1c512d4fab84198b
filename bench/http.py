"""Requests per second over HTTP, one uvicorn worker: a document sent as text, the same document registered (named
by its documentId: graph/persisted/fast_path.py), and a plain Starlette route serving the same JSON, in one run;
the SPA's CustomerProfile, as text and registered, beside a hand-written route serving the same JSON bytes for the
same customer (bench/profile_floor.py: SQL on stdlib sqlite3 and orjson).

Issue 12's targets: the registered `{ __typename }` at >= 3,000 req/s and >= 40% of the plain route; the registered
CustomerProfile at c=8 at >= 50% of the hand-written route. The app runs with the environment's settings
(CSRGRAPH_COMPILED_PLANS, on by default: `CSRGRAPH_COMPILED_PLANS=0 python -m bench http` measures the executor).

The load comes from wrk (Debian package `wrk`) with one thread, so the worker and the load share the two cores;
without wrk, from a Python client (much slower: it then measures itself as much as the server). The servers run
as `csrgraph serve` does (uvloop, httptools, the request log on, written to var/bench/http-app.log).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from bench import benchmark
from bench.common import (
    AGENT,
    BENCH_DIR,
    ROOT,
    connect_raw,
    console,
    describe,
    document_id_of,
    ensure_database,
    heading,
    percentile,
    print_table,
    register_documents,
    spa_document,
    tenant_id,
    token_for,
    verdict,
)

DB_PATH = BENCH_DIR / "http.db"
CUSTOMERS = 2_000
TYPENAME = "{ __typename }"
PROFILE = "CustomerProfile"  # the SPA's customer profile (spa/operations/CustomerProfile.graphql)
TARGET_RPS = 3_000.0
TARGET_SHARE = 0.40  # of the plain route's requests per second
TARGET_PROFILE_SHARE = 0.50  # the registered profile, of the hand-written route's requests per second
SECONDS, QUICK_SECONDS = 10, 3


@dataclass(frozen=True)
class Load:
    name: str
    body: bytes  # the POST body
    connections: int


@dataclass(frozen=True)
class Measured:
    rps: float
    p50_ms: float
    p99_ms: float
    failed: int  # non-2xx answers or socket errors
    cpu_us: float | None = None  # the server process's CPU time per answered request (Linux /proc), None elsewhere


@benchmark("http")
async def run(options: argparse.Namespace) -> bool:
    """Measure each load against its server; print requests per second beside the plain route's."""
    heading("http: one worker, requests per second: text vs registered document vs a plain Starlette route")
    db = await ensure_database(DB_PATH, CUSTOMERS, rebuild=options.rebuild)
    console.print(describe(db))
    profile = spa_document(PROFILE)
    await register_documents(db.url, [TYPENAME, profile])
    secret = secrets.token_urlsafe(32)
    headers = {"content-type": "application/json", "authorization": f"Bearer {await token_for(db.url, secret)}"}
    profile_variables = {"id": richest_customer(db.path)}
    loads = [
        Load("{ __typename } as text", _body(query=TYPENAME), 32),
        Load("{ __typename } registered (documentId)", _body(documentId=document_id_of(TYPENAME)), 32),
        Load(f"{PROFILE} as text, c=8", _body(query=profile, variables=profile_variables), 8),
        Load(f"{PROFILE} registered, c=8", _body(documentId=document_id_of(profile), variables=profile_variables), 8),
    ]
    env = {"DATABASE_URL": db.url, "CSRGRAPH_SECRET": secret, "CSRGRAPH_DOCUMENTS": "open"}
    seconds = QUICK_SECONDS if options.quick else SECONDS
    async with _serving(["app"], env, "http-app.log") as (app_url, app_pid):
        typename_json = await _same_answers(app_url, headers, loads[:2])
        profile_json = await _same_answers(app_url, headers, loads[2:])
        measured = {load.name: _measure(app_url, load, headers, seconds, app_pid) for load in loads}
    plain_file = BENCH_DIR / "http-plain.json"
    plain_file.write_bytes(typename_json)
    plain = Load("plain Starlette route, same JSON", _body(query=TYPENAME), 32)
    async with _serving(["plain", str(plain_file)], env, "http-plain.log") as (plain_url, plain_pid):
        measured[plain.name] = _measure(plain_url, plain, headers, seconds, plain_pid)
    by_hand = Load(f"{PROFILE} by hand (SQL + orjson), c=8", loads[3].body, 8)
    async with _serving(["profile", str(db.path)], env, "http-profile.log") as (hand_url, hand_pid):
        await _same_bytes(hand_url, headers, by_hand, profile_json)
        measured[by_hand.name] = _measure(hand_url, by_hand, headers, seconds, hand_pid)
    return _report(loads, plain, by_hand, measured, compiled=os.environ.get("CSRGRAPH_COMPILED_PLANS", "1") != "0")


# ---- the documents ------------------------------------------------------------------------------------

def _body(**request: object) -> bytes:
    return json.dumps(request).encode()


def richest_customer(path: Path) -> str:
    """The global id of the benchmark user's customer with the most utility accounts."""
    from graph.core.relay import to_global_id

    raw = connect_raw(path)
    try:
        row = raw.execute("SELECT c.id FROM customers c JOIN utility_accounts a ON a.customer_id = c.id "
                          "WHERE c.client_id = ? GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1",
                          (tenant_id(raw, AGENT),)).fetchone()
    finally:
        raw.close()
    return to_global_id("Customer", row[0])


# ---- the servers --------------------------------------------------------------------------------------

@asynccontextmanager
async def _serving(args: list[str], env: dict[str, str], log_name: str) -> AsyncIterator[tuple[str, int]]:
    """A uvicorn worker (bench/http_server.py) on a free port of 127.0.0.1; its URL and pid while it runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(BENCH_DIR / log_name, "wb")  # noqa: SIM115 - closed below, after the server stops
    server = subprocess.Popen([sys.executable, "-m", "bench.http_server", "--port", str(port), *args], cwd=ROOT,
                              env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        await _until_up(url, server)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


async def _until_up(url: str, server: subprocess.Popen) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError(f"the benchmark server stopped (exit {server.returncode}); see var/bench/*.log")
            try:
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError("the benchmark server did not start within a minute")


async def _same_answers(url: str, headers: dict[str, str], loads: list[Load]) -> bytes:
    """Each load's answer, which must be one and the same 200: else its numbers would mean nothing."""
    async with httpx.AsyncClient() as client:
        answers = [await client.post(f"{url}/graphql", content=load.body, headers=headers) for load in loads]
    bodies = {a.content for a in answers}
    if {a.status_code for a in answers} != {200} or len(bodies) != 1 or b'"errors"' in answers[0].content:
        raise RuntimeError(f"the loads answer differently: {[a.content[:200] for a in answers]}")
    return answers[0].content


async def _same_bytes(url: str, headers: dict[str, str], load: Load, expected: bytes) -> None:
    """The hand-written route must answer the app's bytes, or it is not the floor of the same work."""
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{url}/graphql", content=load.body, headers=headers)
    if answer.status_code != 200 or answer.content != expected:
        raise RuntimeError(f"the hand-written profile differs from the app's: {answer.content[:200]!r}")


# ---- the load -----------------------------------------------------------------------------------------

def _measure(url: str, load: Load, headers: dict[str, str], seconds: int, pid: int) -> Measured:
    """The load's figures, with the server's CPU per request: on a busy machine req/s follow what else runs, while
    the CPU a request costs the server moves much less."""
    if shutil.which("wrk"):
        _wrk(url, load, headers, 1)  # warm up: caches, the JIT-less interpreter's first calls, connections
    before = _cpu_seconds(pid)
    measured, requests = _wrk(url, load, headers, seconds) if shutil.which("wrk") else \
        _python_load(url, load, headers, seconds)
    after = _cpu_seconds(pid)
    if before is None or after is None or not requests:
        return measured
    return replace(measured, cpu_us=(after - before) * 1e6 / requests)


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU time the process `pid` has used (all its threads), from /proc; None without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (proc(5): fields 14, 15)


def _wrk(url: str, load: Load, headers: dict[str, str], seconds: int) -> tuple[Measured, int]:
    body_file = BENCH_DIR / "http-body.json"
    body_file.write_bytes(load.body)
    script = BENCH_DIR / "http-post.lua"
    lines = ['wrk.method = "POST"', f'local f = io.open("{body_file}", "rb")', "wrk.body = f:read('*a')", "f:close()"]
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["wrk", "-t1", f"-c{load.connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"{url}/graphql"], capture_output=True, text=True, check=True).stdout
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    failed += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    measured = Measured(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), _latency(out, "50%"),
                        _latency(out, "99%"), failed)
    return measured, int(re.search(r"(\d+) requests in", out).group(1))


def _latency(out: str, which: str) -> float:
    value, unit = re.search(rf"{which}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _python_load(url: str, load: Load, headers: dict[str, str], seconds: int) -> tuple[Measured, int]:
    """The fallback: `connections` threads posting back to back (the client's cost is in the numbers)."""
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.perf_counter() + seconds

    def worker() -> tuple[list[float], int]:
        samples, failed = [], 0
        with httpx.Client(headers=headers) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                ok = client.post(f"{url}/graphql", content=load.body).status_code == 200
                samples.append((time.perf_counter() - started) * 1000)
                failed += not ok
        return samples, failed

    with ThreadPoolExecutor(load.connections) as pool:
        results = list(pool.map(lambda _: worker(), range(load.connections)))
    samples = sorted(s for r in results for s in r[0])
    return Measured(len(samples) / seconds, percentile(samples, 50), percentile(samples, 99),
                    sum(r[1] for r in results)), len(samples)


# ---- the report ---------------------------------------------------------------------------------------

def _report(loads: list[Load], plain: Load, by_hand: Load, measured: dict[str, Measured], compiled: bool) -> bool:
    floor = measured[plain.name].rps
    floors = {load.name: measured[by_hand.name if PROFILE in load.name else plain.name] for load in [*loads, plain]}
    floors[by_hand.name] = measured[by_hand.name]
    rows = [(load.name, load.connections, f"{m.rps:,.0f}", f"{m.p50_ms:.2f}", f"{m.p99_ms:.2f}",
             f"{m.rps / floors[load.name].rps:.0%}", _cpu(m.cpu_us, floors[load.name].cpu_us), m.failed)
            for load in [*loads, plain, by_hand] for m in [measured[load.name]]]
    registered = measured[loads[1].name]
    share = registered.rps / floor
    typename_ok = registered.rps >= TARGET_RPS and share >= TARGET_SHARE
    text_profile, registered_profile = measured[loads[2].name], measured[loads[3].name]
    profile_share = registered_profile.rps / measured[by_hand.name].rps
    profile_ok = profile_share >= TARGET_PROFILE_SHARE
    ok = typename_ok and profile_ok and not any(m.failed for m in measured.values())
    print_table(f"one worker, {'wrk -t1' if shutil.which('wrk') else 'Python client (no wrk)'}",
                ["load", "connections", "req/s", "p50 ms", "p99 ms", "of its floor", "server CPU/request", "failed"],
                rows, notes=[
                    f"registered {{ __typename }}: {registered.rps:,.0f} req/s (target >= {TARGET_RPS:,.0f}), "
                    f"{share:.0%} of the plain route (target >= {TARGET_SHARE:.0%}): {verdict(typename_ok)}",
                    f"registered {PROFILE}, c=8: {profile_share:.0%} of the hand-written route serving the same bytes "
                    f"(target >= {TARGET_PROFILE_SHARE:.0%}): {verdict(profile_ok)}",
                    _cpu_share(registered_profile, measured[by_hand.name]),
                    f"{PROFILE} registered / as text: {registered_profile.rps / text_profile.rps:.2f}x the requests",
                    f"compiled plans {'on' if compiled else 'off'} (CSRGRAPH_COMPILED_PLANS); the request log is on, "
                    "as in production (var/bench/http-app.log)",
                    "of its floor: { __typename } of the plain route, CustomerProfile of the hand-written route",
                    "server CPU/request: the worker's CPU time over the requests it answered (x: times its floor's); "
                    "steadier than req/s on a busy machine",
                ])
    return ok


def _cpu_share(profile: Measured, by_hand: Measured) -> str:
    """The profile's share of the hand-written route by the worker's CPU per request: what req/s would be on an idle
    machine, where the other processes on a busy one move req/s."""
    if profile.cpu_us is None or by_hand.cpu_us is None:
        return f"registered {PROFILE}, c=8, by CPU per request: not measured (no /proc)"
    return (f"registered {PROFILE}, c=8, by CPU per request: {by_hand.cpu_us / profile.cpu_us:.0%} of the hand-written "
            f"route ({profile.cpu_us:,.0f} us against {by_hand.cpu_us:,.0f} us; the 50% target: "
            f"<= {by_hand.cpu_us / TARGET_PROFILE_SHARE:,.0f} us)")


def _cpu(cpu_us: float | None, floor_us: float | None) -> str:
    if cpu_us is None:
        return "-"
    return f"{cpu_us:,.0f} us" + (f" ({cpu_us / floor_us:.1f}x)" if floor_us else "")
