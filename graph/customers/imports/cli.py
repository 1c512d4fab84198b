"""`csrgraph import customers FILE.csv ...`: the importCustomers resolver from a terminal, with a progress bar."""

import argparse
import asyncio
import hashlib
import sys
from pathlib import Path
from typing import Any

from graph.auth import user_scope
from graph.commlog.bulk_notes.cli import ProgressBar
from graph.settings import Settings

PHASES = {"stage": "reading and checking rows", "apply": "writing customers"}


def add_parser(commands: Any) -> None:
    """Register `import customers` on the `csrgraph` subcommands."""
    what = commands.add_parser("import", help="load data from files").add_subparsers(required=True, metavar="WHAT")
    p = what.add_parser("customers", help="load customers and their utility accounts from a CSV file (README)")
    p.add_argument("file", type=Path, metavar="FILE", help="CSV file, one row per utility account (see the README)")
    p.add_argument("--client", required=True, metavar="SLUG", help="the client (tenant) to load into")
    p.add_argument("--as", dest="email", required=True, metavar="EMAIL", help="an ADMIN of that client")
    p.add_argument("--dry-run", action="store_true", help="check every row and say what would change; write nothing")
    p.add_argument("--idempotency-key", metavar="KEY",
                   help="default: one made from the file's contents, so running the same command again after a crash "
                   "resumes the job (SQLite) and after success shows the finished job")
    p.set_defaults(run=import_customers_command)


def import_customers_command(args: argparse.Namespace) -> int:
    try:
        stream = args.file.open("rb")
    except OSError as error:
        print(f"csrgraph: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    with stream:
        return asyncio.run(_run(Settings.from_environ(), args, stream))


def default_key(stream: Any, dry_run: bool) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return f"cli-{'dry-' if dry_run else ''}{digest.hexdigest()[:40]}"


async def _run(settings: Settings, args: argparse.Namespace, stream: Any) -> int:
    from db.engine import make_engine
    from db.writes import Writes
    from resolvers.customers.imports.commands import CustomerFile, ImportRequest, import_customers
    from resolvers.errors import UserInputError

    engine = make_engine(settings.database_url)
    try:
        scope = await user_scope(engine, args.email, args.client)
        if scope is None:
            return 1
        key = args.idempotency_key or default_key(stream, args.dry_run)
        request = ImportRequest(CustomerFile(args.file.name, stream), dry_run=args.dry_run, idempotency_key=key)
        print(f"csrgraph: importing {args.file} (idempotency key {key})", file=sys.stderr)
        try:
            with ProgressBar(PHASES) as bar:
                done = await import_customers(scope, Writes(engine), request, bar.update)
        except UserInputError as error:
            print(f"csrgraph: {error.message}", file=sys.stderr)
            return 1
        _report(done)
        return 0
    finally:
        await engine.dispose()


def _report(done: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    job = done.job
    how = " (dry run: nothing written)" if job.dry_run else ""
    how += " (finished earlier: shown again)" if done.replayed else " (resumed)" if done.resumed else ""
    table = Table(title=f"customer import job {job.id}{how}", title_justify="left")
    table.add_column("rows")
    table.add_column("count", justify="right")
    for label, value in (("created", job.created), ("updated", job.updated), ("unchanged", job.unchanged),
                         ("refused", job.refused), ("total", job.total), ("customers created", job.customers_created),
                         ("customers updated", job.customers_updated)):
        table.add_row(label, f"{value:,}")
    console = Console(stderr=True)
    console.print(table)
    console.print(f"results: /files/customer-import-jobs/{job.id}.csv")
