"""`csrgraph serve --workers N` in a child process on 127.0.0.1, for tests and benchmarks that need real workers."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT = 90.0  # seconds: two workers import the app and build the schema on a busy machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A running `csrgraph serve`: its address (host:port), process and log file."""

    address: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@asynccontextmanager
async def serve_workers(database_url: str, secret: str, workdir: Path, *, workers: int = 2,
                        env: dict[str, str] | None = None) -> AsyncIterator[Served]:
    """Start the server with `workers` uvicorn workers on a free port; stop it (SIGTERM, its pid only) after."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "server.log"
    child_env = {**os.environ, "DATABASE_URL": database_url, "CSRGRAPH_SECRET": secret,
                 "CSRGRAPH_VAR": str(workdir), "CSRGRAPH_SEED_DEMO": "0", **(env or {})}
    command = [sys.executable, "-m", "graph.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=child_env, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    served = Served(f"127.0.0.1:{port}", process, log)
    try:
        await _wait_until_ready(served, workers)
        yield served
    finally:
        _stop(process)


async def _wait_until_ready(served: Served, workers: int) -> None:
    """Every worker answers /healthz (the supervisor starts them one after another)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    async with httpx.AsyncClient(base_url=f"http://{served.address}", timeout=5) as http:
        while loop.time() < deadline:
            if served.process.poll() is not None:
                raise RuntimeError(f"csrgraph serve exited ({served.process.returncode}):\n{served.log_tail()}")
            try:
                if (await http.get("/healthz")).status_code == 200 and _started(served) >= workers:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    _stop(served.process)
    raise RuntimeError(f"csrgraph serve did not start in {START_TIMEOUT:.0f} s:\n{served.log_tail()}")


def _started(served: Served) -> int:
    """Workers whose lifespan has finished starting, as uvicorn logs them."""
    return served.log.read_text(errors="replace").count("Application startup complete")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # uvicorn's supervisor stops its workers and waits for them
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
