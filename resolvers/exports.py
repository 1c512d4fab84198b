"""The shared part of the CSV exports: who may export, and rows read from a server-side cursor in batches.

An export reads a whole table of the client, up to millions of rows: never `fetchall`. `stream` holds a
server-side cursor (asyncpg: a PostgreSQL cursor in the session's transaction; aiosqlite: one statement
stepped `fetchmany` at a time), so the worker holds one batch at a time whatever the size. The database
writes every cell as text (resolvers/sql_text.py), so a batch goes to the CSV writer as it comes.
"""

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from sqlalchemy import Select

from resolvers.context import RequestScope
from resolvers.permissions import Action, ensure_allowed

FIRST_BATCH_ROWS = 100  # the first rows go out at once: a client sees data within milliseconds
BATCH_ROWS = 2_000  # then rows per fetch and per chunk written: memory stays flat, each chunk is cheap
Cells = Sequence[Any]
Batches = AsyncGenerator[Sequence[Cells]]  # an async generator: the reader closes it (and its cursor) when done


def check_export_allowed(scope: RequestScope) -> None:
    """Raise Forbidden unless the viewer may export the client's data."""
    ensure_allowed(scope, Action.EXPORT_DATA)


async def row_batches(scope: RequestScope, stmt: Select[Any]) -> Batches:
    """The statement's rows, FIRST_BATCH_ROWS and then BATCH_ROWS at a time, from a server-side cursor."""
    # On the session's Core connection: plain rows, without the ORM's per-row loading.
    connection = await scope.db.connection()
    result = await connection.stream(stmt.execution_options(yield_per=BATCH_ROWS))
    try:
        size = FIRST_BATCH_ROWS
        while batch := await result.fetchmany(size):
            yield batch
            size = BATCH_ROWS
    finally:
        await result.close()
