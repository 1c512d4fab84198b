"""CPU per request of the registered CustomerProfile (bench http's load) in process: raw ASGI, no uvicorn, no wrk.

`python -m bench.in_process [N] [--profile] [--typename] [--log]` answers N requests (default 3,000; 300 warm-up
first), 8 at a time as bench http's c=8, on a private copy of var/bench/http.db (`python -m bench http` builds it),
and prints the process's CPU time per request: steadier than wall time while other work shares the cores, and the
figure docs/compiled-plans.md section 18 compares branch against main with. `--profile` writes a cProfile of the
measured requests to prof.out (pstats; it inflates Python calls about 2x); `--typename` sends the registered
`{ __typename }` instead; `--log` turns the request log on as `csrgraph serve` does, to /dev/null.
"""

import argparse
import asyncio
import cProfile
import logging.config
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench.common import ROOT, document_id_of, register_documents, spa_document, token_for
from bench.http import DB_PATH, PROFILE, TYPENAME, richest_customer


async def measure(requests: int, body: bytes, profile: bool, log: bool) -> float:
    """CPU microseconds per request over `requests` POSTs of `body` to /graphql, 8 at a time."""
    from graph.app import from_environ
    from graph.logs import logging_config
    from graph.settings import Settings

    with tempfile.TemporaryDirectory(prefix="in-process-") as tmp:
        copy = Path(tmp) / "http.db"
        shutil.copy(DB_PATH, copy)
        url = f"sqlite+aiosqlite:///{copy}"
        secret = secrets.token_urlsafe(32)
        os.environ.update(DATABASE_URL=url, CSRGRAPH_SECRET=secret, CSRGRAPH_DOCUMENTS="open")
        await register_documents(url, [TYPENAME, spa_document(PROFILE)])
        headers = [(b"content-type", b"application/json"), (b"host", b"127.0.0.1"),
                   (b"authorization", f"Bearer {await token_for(url, secret)}".encode())]
        if log:
            config = logging_config(Settings.from_environ().log_format)
            config["handlers"]["default"] = {"class": "logging.StreamHandler", "formatter": "default",
                                             "stream": open(os.devnull, "w")}  # noqa: SIM115 - for the process
            logging.config.dictConfig(config)
        app = from_environ()
        answers: list[bytes] = []
        async with app.router.lifespan_context(app) as state:
            async def one() -> None:
                await app(_scope(headers, state or {}), _receive(body), _collect(answers))

            for _ in range(300):
                await one()
            if not answers[-1].startswith(b'{"data"') or b'"errors"' in answers[-1]:
                raise RuntimeError(f"the app answered {answers[-1][:300]!r}")
            profiler = cProfile.Profile() if profile else None
            started = time.process_time()
            if profiler:
                profiler.enable()
            rounds = requests // 8
            for _ in range(rounds):
                await asyncio.gather(*(one() for _ in range(8)))
            used = time.process_time() - started
            if profiler:
                profiler.disable()
                profiler.dump_stats("prof.out")
        return used * 1e6 / (rounds * 8)


def _scope(headers: list[tuple[bytes, bytes]], state: dict[str, Any]) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "", "headers": headers,
            "state": dict(state), "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}


def _receive(body: bytes) -> Any:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:  # the app reads no further: wait as a quiet client would
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _collect(answers: list[bytes]) -> Any:
    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            answers.append(message.get("body", b""))

    return send


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.in_process", description=__doc__.split("\n")[0])
    p.add_argument("requests", nargs="?", type=int, default=3_000)
    p.add_argument("--profile", action="store_true", help="write a cProfile of the measured requests to prof.out")
    p.add_argument("--typename", action="store_true", help="the registered { __typename } instead of the profile")
    p.add_argument("--log", action="store_true", help="the request log on, as in production (to /dev/null)")
    args = p.parse_args()
    if not DB_PATH.exists():
        raise SystemExit(f"{DB_PATH} is missing: `python -m bench http` builds it")
    if args.typename:
        body = orjson.dumps({"documentId": document_id_of(TYPENAME)})
    else:
        body = orjson.dumps({"documentId": document_id_of(spa_document(PROFILE)),
                             "variables": {"id": richest_customer(DB_PATH)}})
    import uvloop  # as uvicorn runs the app (bench http, `csrgraph serve`)

    uvloop.install()
    used = asyncio.run(measure(args.requests, body, args.profile, args.log))
    print(f"{used:.0f} us CPU per request ({'{ __typename }' if args.typename else PROFILE}, "
          f"{DB_PATH.relative_to(ROOT)}{', cProfile on: inflated' if args.profile else ''})")


if __name__ == "__main__":
    main()
