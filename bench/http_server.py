"""One uvicorn worker for `python -m bench http`: the app as `csrgraph serve` runs it, or the plain route beside it.

`python -m bench.http_server --port P app` serves graph.app:from_environ (settings from the environment, the
request log on, as in production); `... plain FILE` serves FILE's bytes as JSON from a bare Starlette route on
POST /graphql: the floor the app is compared with in the same run; `... profile DB` answers the SPA's
CustomerProfile for the customer its request's `variables.id` names, by hand (bench/profile_floor.py: SQL on
stdlib sqlite3 over DB, orjson), as the benchmark user sees it: the floor of the registered profile.
"""

import argparse
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph.logs import logging_config
from graph.settings import Settings


def plain_app(body: bytes) -> Starlette:
    """The same JSON from a Starlette route that reads the request and does nothing else."""

    async def answer(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/graphql", answer, methods=["POST"]), Route("/healthz", healthz)])


def profile_app(db_path: Path) -> Starlette:
    """CustomerProfile by hand, for the benchmark user's client and role (bench/common.py: AGENT)."""
    from bench.common import AGENT, connect_raw, tenant_id
    from bench.profile_floor import ProfileFloor, customer_pk
    from db.enums import Role

    conn = connect_raw(db_path)  # one connection, on the event loop's thread: the floor's SQL takes ~0.3 ms
    role = Role(conn.execute("SELECT role FROM users WHERE email = ?", (AGENT,)).fetchone()[0])
    floor = ProfileFloor(conn, tenant_id(conn, AGENT), role)

    async def answer(request: Request) -> Response:
        variables = orjson.loads(await request.body()).get("variables") or {}
        global_id = variables.get("id")
        return Response(floor.body(customer_pk(global_id) if isinstance(global_id, str) else None),
                        media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/graphql", answer, methods=["POST"]), Route("/healthz", healthz)])


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.http_server")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("what", choices=["app", "plain", "profile"])
    p.add_argument("body", nargs="?", type=Path,
                   help="plain: the file whose bytes the route answers; profile: the SQLite database")
    args = p.parse_args()
    config = logging_config(Settings.from_environ().log_format if args.what == "app" else "plain")
    # as `csrgraph serve` runs uvicorn (graph/cli.py): no proxy-headers layer (its default), no access log
    options = {"host": "127.0.0.1", "port": args.port, "workers": 1, "access_log": False, "proxy_headers": False,
               "log_config": config, "log_level": "info"}
    if args.what == "app":
        uvicorn.run("graph.app:from_environ", factory=True, **options)
    elif args.what == "profile":
        uvicorn.run(profile_app(args.body), **options)
    else:
        uvicorn.run(plain_app(args.body.read_bytes()), **options)


if __name__ == "__main__":
    main()
