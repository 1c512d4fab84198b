"""Command-line writes queue like the servers' (graph/cli_writes.py): a database held past the write wait ends the
command with a clear message and exit status 1, nothing written, instead of SQLite's "database is locked"."""

import asyncio
import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import SECRET

COMMANDS = [["purge-events"], ["purge-keys"], ["apply-drops"], ["client", "create", "busy-co", "--name", "Busy Co"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
async def test_a_command_that_cannot_write_in_time_says_so(database, tenant, tmp_path, command):
    if database.backend != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL commands wait for rows (graph/cli_writes.py)")
    env = {**os.environ, "DATABASE_URL": database.url, "CSRGRAPH_SECRET": SECRET, "CSRGRAPH_VAR": str(tmp_path),
           "CSRGRAPH_WRITE_WAIT_SECONDS": "0.3"}
    held = sqlite3.connect(make_url(database.url).database, isolation_level=None)
    held.execute("BEGIN IMMEDIATE")  # another process's writer holds the file
    try:
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "graph.cli", *command], env=env,
                                       capture_output=True, text=True)
    finally:
        held.rollback()
        held.close()
    assert done.returncode == 1, done.stderr
    assert "the database stayed busy" in done.stderr
    assert "run the command again" in done.stderr
    assert "Traceback" not in done.stderr
