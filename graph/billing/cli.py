"""`csrgraph bill-run --client SLUG --as EMAIL --start DATE --end DATE`: the runBilling resolver with a progress bar."""

import argparse
import asyncio
import sys
from typing import Any

from graph.core.scalars import iso_day
from graph.settings import Settings
from resolvers.rules.billing_periods import MAX_PERIOD_DAYS


def add_parser(commands: Any) -> None:
    """Register `bill-run` on the `csrgraph` subcommands."""
    p = commands.add_parser("bill-run", help="issue invoices for a period from usage, rates, taxes and pending charges")
    p.add_argument("--client", required=True, metavar="SLUG", help="the client (tenant) to bill")
    p.add_argument("--as", dest="email", required=True, metavar="EMAIL", help="an ADMIN of that client")
    p.add_argument("--start", required=True, type=iso_day, help="first day of the period (YYYY-MM-DD)")
    p.add_argument("--end", required=True, type=iso_day,
                   help=f"last day of the period (YYYY-MM-DD), at most {MAX_PERIOD_DAYS} days in all")
    p.add_argument("--issued", type=iso_day, default=None, help="issue date (default today), after the period's end")
    p.set_defaults(run=bill_run_command)


def bill_run_command(args: argparse.Namespace) -> int:
    return asyncio.run(_run(Settings.from_environ(), args))


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from db.base import utcnow
    from db.engine import make_engine
    from graph.auth import user_scope
    from graph.cli_writes import WriteBusy, busy_exit, cli_writes
    from resolvers.billing.billing_run import RunRequest, run_billing
    from resolvers.errors import UserInputError

    engine = make_engine(settings.database_url)
    try:
        scope = await user_scope(engine, args.email, args.client)
        if scope is None:
            return 1
        request = RunRequest(args.start, args.end, args.issued or utcnow().date())
        with Progress("billing accounts", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as progress:
            task = progress.add_task("bill", total=None)
            try:
                async with cli_writes(engine).transaction(bulk=True) as session:
                    result = await run_billing(scope.with_session(session), request,
                                               lambda done, total: progress.update(task, completed=done, total=total))
            except UserInputError as error:
                print(f"csrgraph: {error.message}", file=sys.stderr)
                return 1
            except WriteBusy as error:
                return busy_exit(error)
        total = sum(i.total_cents for i in result.invoices)
        print(
            f"issued {len(result.invoices):,} invoices ({total // 100:,}.{total % 100:02d}); skipped "
            f"{result.skipped:,} "
            f"accounts ({result.already_billed:,} already billed for part of the period)"
        )
        return 0
    finally:
        await engine.dispose()
