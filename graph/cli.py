"""The `csrgraph` command: serve, migrate, seed, token, apply-drops, purge-*, export-schema, documents ..."""

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from graph.admin import cli as admin_cli
from graph.billing import cli as billing_cli
from graph.commlog.bulk_notes import cli as bulk_cli
from graph.core.scalars import iso_day
from graph.customers.imports import cli as import_cli
from graph.demo_billing import bill_demo
from graph.logs import logging_config
from graph.persisted import cli as documents_cli
from graph.settings import Settings


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args) or 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="csrgraph", description="GraphQL backend of the CSR portal.")
    commands = p.add_subparsers(required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="migrate, load demo data into an empty database, and serve")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    serve.set_defaults(run=serve_command)
    commands.add_parser("migrate", help="run database migrations to the latest").set_defaults(run=migrate_command)
    seed = commands.add_parser("seed", help="add demo data (three clients and their customers)")
    seed.add_argument("--customers", type=int, default=300, help="customers in all (default 300)")
    seed.add_argument("--seed", type=int, default=42, help="random seed: the same seed gives the same data")
    seed.set_defaults(run=seed_command)
    token = commands.add_parser("token", help="print a bearer (local) token for an active user")
    token.add_argument("email")
    token.set_defaults(run=token_command)
    drops = commands.add_parser("apply-drops", help="drop DROP_ACCEPTED accounts whose end date has come (run daily)")
    drops.add_argument("--today", type=iso_day, default=None,
                       help="the day to apply, YYYY-MM-DD (default: today, UTC)")
    drops.set_defaults(run=apply_drops_command)
    purge = commands.add_parser("purge-keys", help="delete idempotency keys past their retention (run daily)")
    purge.add_argument("--older-than-hours", type=int, default=48,
                       help="age of the keys to delete, at least 24 (default 48)")
    purge.set_defaults(run=purge_keys_command)
    events = commands.add_parser("purge-events", help="delete subscription events past their retention (run daily)")
    events.add_argument("--older-than-days", type=int, default=7,
                        help="age of the events to delete, at least 1 (default 7: subscribers resume within a week)")
    events.set_defaults(run=purge_events_command)
    export = commands.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", type=Path, default=None, help="file to write (default: print to stdout)")
    export.set_defaults(run=export_command)
    bulk_cli.add_parser(commands)
    import_cli.add_parser(commands)
    billing_cli.add_parser(commands)
    admin_cli.add_parsers(commands)
    documents_cli.add_parser(commands)
    return p


def serve_command(args: argparse.Namespace) -> None:
    import uvicorn

    os.environ["WEB_CONCURRENCY"] = str(args.workers)  # each worker sizes its connection pool by it
    settings = Settings.from_environ()
    asyncio.run(_prepare(settings))
    print(f"csrgraph: GraphiQL at http://{args.host}:{args.port}/graphql "
          f"(token: .venv/bin/csrgraph token agent@lumen.example)", file=sys.stderr)
    # uvicorn's access log is off: the app writes one line per request itself (graph/request_log.py).
    # uvicorn replaces a worker that does not answer its supervisor for timeout_worker_healthcheck; its 5 s
    # default replaced workers still starting (and then their replacements) on a busy 2-core machine.
    uvicorn.run("graph.app:from_environ", factory=True, host=args.host, port=args.port,
                workers=args.workers, proxy_headers=False, log_level="info", access_log=False,
                log_config=logging_config(settings.log_format), timeout_worker_healthcheck=30)


async def _prepare(settings: Settings) -> None:
    from db import demo
    from db.engine import make_engine
    from db.migrate import migrate

    _ensure_sqlite_dir(settings.database_url)
    engine = make_engine(settings.database_url)
    await migrate(engine)
    if settings.seed_demo and await demo.is_empty(engine):
        print("csrgraph: empty database, loading demo data", file=sys.stderr)
        await demo.seed(engine)
        await bill_demo(engine, demo.DEMO_CUSTOMERS)
    await engine.dispose()


def migrate_command(args: argparse.Namespace) -> None:
    from db.engine import make_engine
    from db.migrate import migrate

    settings = Settings.from_environ()
    _ensure_sqlite_dir(settings.database_url)

    async def run() -> None:
        engine = make_engine(settings.database_url)
        await migrate(engine)
        await engine.dispose()

    asyncio.run(run())
    print("csrgraph: database at the latest migration", file=sys.stderr)


def seed_command(args: argparse.Namespace) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from db import demo
    from db.engine import make_engine
    from db.migrate import migrate

    settings = Settings.from_environ()
    _ensure_sqlite_dir(settings.database_url)

    async def run(progress: Progress) -> None:
        task = progress.add_task("customers", total=args.customers)
        engine = make_engine(settings.database_url)
        await migrate(engine)
        started = time.perf_counter()
        await demo.seed(engine, args.customers, seed=args.seed, progress=lambda n: progress.advance(task, n))
        seconds = time.perf_counter() - started
        progress.console.print(f"csrgraph: {args.customers:,} customers in {seconds:,.1f} s "
                               f"({args.customers / seconds:,.0f} customers/s); billing them now")
        await bill_demo(engine, args.customers)
        await _analyze(engine)
        await engine.dispose()

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns) as progress:
        asyncio.run(run(progress))


async def _analyze(engine: AsyncEngine) -> None:
    """Refresh planner statistics so searches pick their indexes after a bulk load."""
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")


def apply_drops_command(args: argparse.Namespace) -> int:
    from db.engine import make_engine, make_sessionmaker
    from graph.cli_writes import WriteBusy, busy_exit, cli_writes
    from resolvers.accounts.drops import apply_drops_for_every_client

    settings = Settings.from_environ()

    async def run() -> dict[str, int]:
        engine = make_engine(settings.database_url)
        try:
            return await apply_drops_for_every_client(make_sessionmaker(engine), cli_writes(engine), args.today)
        finally:
            await engine.dispose()

    try:
        dropped = asyncio.run(run())
    except WriteBusy as error:
        return busy_exit(error)
    for slug, count in dropped.items():
        print(f"csrgraph: {slug}: {count} accounts dropped", file=sys.stderr)
    return 0


def purge_keys_command(args: argparse.Namespace) -> int:
    from graph.cli_writes import cli_writes
    from resolvers.billing.key_retention import purge_keys

    async def purge(engine: Any) -> int:
        purged, _events = await cli_writes(engine).run(
            lambda session: purge_keys(session, timedelta(hours=args.older_than_hours)))
        return purged

    return _purge("idempotency keys", purge)


def purge_events_command(args: argparse.Namespace) -> int:
    from graph.cli_writes import cli_writes
    from resolvers.events import purge_events

    async def purge(engine: Any) -> int:
        return await purge_events(cli_writes(engine), timedelta(days=args.older_than_days))

    return _purge("events", purge)


def _purge(what: str, purge: Callable[[Any], Awaitable[int]]) -> int:
    """Run a purge on the configured database; a refused age (ValueError) exits 2 with its message, a database that
    stayed busy 1."""
    from db.engine import make_engine
    from graph.cli_writes import WriteBusy, busy_exit

    settings = Settings.from_environ()

    async def run() -> int:
        engine = make_engine(settings.database_url)
        try:
            return await purge(engine)
        finally:
            await engine.dispose()

    try:
        purged = asyncio.run(run())
    except ValueError as error:
        print(f"csrgraph: {error}", file=sys.stderr)
        return 2
    except WriteBusy as error:
        return busy_exit(error)
    print(f"csrgraph: {purged} {what} purged", file=sys.stderr)
    return 0


def token_command(args: argparse.Namespace) -> int:
    from db.engine import make_engine, make_sessionmaker
    from graph.auth import issue_token
    from resolvers.admin.queries import user_by_email
    from resolvers.admin.sign_in import account

    settings = Settings.from_environ()

    async def run() -> tuple[str | None, str]:
        engine = make_engine(settings.database_url)
        async with make_sessionmaker(engine)() as session:
            user = await user_by_email(session, args.email)
            found = await account(session, user.id) if user else None
        await engine.dispose()
        if found is None or not found.user.active:
            return None, f"no active user {args.email!r}"
        if not found.local_tokens:
            return None, f"client {found.client.slug!r} signs in through its identity provider only (local tokens off)"
        return issue_token(settings.secret, found.user, timedelta(hours=settings.token_ttl_hours)), ""

    token, problem = asyncio.run(run())
    if token is None:
        print(f"csrgraph: {problem}", file=sys.stderr)
        return 1
    print(token)
    return 0


def export_command(args: argparse.Namespace) -> None:
    from graph.schema import make_schema

    sdl = make_schema().as_str() + "\n"
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(sdl)
    else:
        args.output.write_text(sdl)
        print(f"csrgraph: wrote {args.output}", file=sys.stderr)


def _ensure_sqlite_dir(url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    sys.exit(main())
