"""`csrgraph bulk-note FILE ...`: the bulkAddNote resolver from a terminal, with a progress bar."""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from db.enums import AccountNumberType, EnrollmentStatus
from graph.auth import user_scope
from graph.settings import Settings

PHASES = {"parse": "reading the list", "resolve": "finding the accounts", "insert": "adding the notes"}


def add_parser(commands: Any) -> None:
    """Register `bulk-note` on the `csrgraph` subcommands."""
    p = commands.add_parser("bulk-note", help="add one note to many accounts listed in a CSV file (seed 000)")
    p.add_argument(
        "file", type=Path, metavar="FILE", help="CSV of account numbers, with or without a header (- for stdin)"
    )
    p.add_argument("--client", required=True, metavar="SLUG", help="the client (tenant) the accounts belong to")
    p.add_argument("--as", dest="email", required=True, metavar="EMAIL", help="a TEAM_LEAD or ADMIN of that client")
    p.add_argument("--body", required=True, help="the note")
    p.add_argument("--subject", help="short subject (default: the client's)")
    p.add_argument("--category", help="category (default: the client's, else Account)")
    p.add_argument("--disposition", help="disposition code from the client's list")
    p.add_argument("--critical", action="store_true", default=None, help="a critical note (an account alert)")
    p.add_argument("--only-status", dest="only_statuses", nargs="+", action="extend", default=[], metavar="STATUS",
                   choices=[s.value for s in EnrollmentStatus], help="add only to accounts in these statuses")
    p.add_argument("--ldc", action="store_true", help="the file lists LDC account numbers, not customer numbers")
    p.add_argument("--dry-run", action="store_true", help="report what would happen; write no note")
    p.set_defaults(run=bulk_note_command)


def bulk_note_command(args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read() if str(args.file) == "-" else _read(args.file)
    if data is None:
        return 1
    return asyncio.run(_run(Settings.from_environ(), args, data))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        print(f"csrgraph: cannot read {path}: {error.strerror}", file=sys.stderr)
        return None


def to_request(args: argparse.Namespace, data: bytes) -> Any:
    from resolvers.commlog.bulk_notes.commands import AccountFile, BulkNote, BulkNoteRequest

    note = BulkNote(category=args.category, disposition=args.disposition, critical=args.critical,
                    subject=args.subject, body=args.body)
    number_type = AccountNumberType.LDC_ACCOUNT_NUMBER if args.ldc else AccountNumberType.CUSTOMER_NUMBER
    return BulkNoteRequest(
        note=note, file=AccountFile(filename=args.file.name if str(args.file) != "-" else "stdin", data=data),
        number_type=number_type, only_statuses=tuple(EnrollmentStatus(s) for s in args.only_statuses),
        dry_run=args.dry_run,
    )


async def _run(settings: Settings, args: argparse.Namespace, data: bytes) -> int:
    from db.engine import make_engine
    from graph.cli_writes import WriteBusy, busy_exit, cli_writes
    from resolvers.commlog.bulk_notes.commands import bulk_add_note
    from resolvers.errors import UserInputError

    engine = make_engine(settings.database_url)
    try:
        scope = await user_scope(engine, args.email, args.client)
        if scope is None:
            return 1
        try:
            with ProgressBar(PHASES) as bar:
                async with cli_writes(engine).transaction(bulk=True) as session:
                    done = await bulk_add_note(scope.with_session(session), to_request(args, data), bar.update)
        except UserInputError as error:
            print(f"csrgraph: {error.message}", file=sys.stderr)
            return 1
        except WriteBusy as error:
            return busy_exit(error)
        _report(done.job)
        return 0
    finally:
        await engine.dispose()



class ProgressBar:
    """One rich progress bar per phase, fed by a resolver's progress(phase, done, total) calls."""

    def __init__(self, phases: dict[str, str]):
        self.phases = phases

    def __enter__(self) -> "ProgressBar":
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TimeElapsedColumn,
        )

        self.progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), transient=False)
        self.tasks: dict[str, Any] = {}
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)

    def update(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(self.phases.get(phase, phase), total=total or None)
        self.progress.update(self.tasks[phase], completed=done, total=total or None)


def _report(job: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"bulk note job {job.id}{' (dry run: no note written)' if job.dry_run else ''}",
                  title_justify="left")
    table.add_column("outcome")
    table.add_column("accounts", justify="right")
    for label, value in (("added", job.added), ("skipped (status)", job.skipped_status), ("not found", job.not_found),
                         ("duplicate", job.duplicate), ("invalid", job.invalid), ("total", job.total),
                         ("found INACTIVE", job.found_inactive), ("found DROP_ACCEPTED", job.found_drop_accepted)):
        table.add_row(label, f"{value:,}")
    console = Console()
    console.print(table)
    console.print(f"results: /files/bulk-note-jobs/{job.id}.csv")
