"""Core INSERT executemany that never runs for zero rows.

`execute(insert(table), [])` is not a no-op: SQLAlchemy runs one `INSERT ... DEFAULT VALUES`, which fails on
the first NOT NULL column (a customer named "!!!" once hit it through the name-token reindex). Every
many-row insert goes through here; tests/test_layering.py keeps it that way.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert


async def insert_rows(executor: Any, target: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` into `target` (a table or mapped class) in one executemany; nothing when there are none."""
    if rows:
        await executor.execute(insert(target), list(rows))
