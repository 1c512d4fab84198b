"""Write transactions of command-line jobs, which may run while servers serve the same database.

They go through db/writes.py like a worker's mutations: on SQLite the write lock is taken without waiting
inside SQLite's busy handler and held for the transaction's own statements, a bulk job rests between its
units so that the servers' writers get in, and a wait that runs out (CSRGRAPH_WRITE_WAIT_SECONDS, as for the
servers) is WriteBusy, nothing written by that transaction, instead of "database is locked" after SQLite's
busy timeout. On PostgreSQL a command's connections have no lock_timeout: a job with no event loop to keep
responsive may wait for a row as long as a request holds it.
"""

import sys

from sqlalchemy.ext.asyncio import AsyncEngine

from db.writes import WriteBusy, Writes
from graph.settings import Settings

__all__ = ["WriteBusy", "busy_exit", "cli_writes"]


def cli_writes(engine: AsyncEngine) -> Writes:
    return Writes(engine, wait_seconds=Settings.from_environ().write_wait_seconds)


def busy_exit(error: WriteBusy) -> int:
    """Say that the database stayed busy (exit status 1)."""
    print(f"csrgraph: the database stayed busy ({error}); the transaction that waited wrote nothing: run the command "
          "again", file=sys.stderr)
    return 1
