"""The fast path for many rows: the driver's own executemany (SQLite) or COPY (PostgreSQL), inside the
caller's transaction, with values converted by each column's own bind processor (so they are stored
exactly as SQLAlchemy would store them) but without SQLAlchemy's per-row statement machinery.

The customer import stages its rows through here and the demo seeder writes everything through here.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# Values both drivers take as they are (a StrEnum is a str): their processors would only cost time.
_NATIVE = (String, Integer, Boolean)


async def copy_rows(db: AsyncSession | AsyncConnection, table: Table, columns: Sequence[str],
                      rows: Iterable[Sequence[Any]]) -> None:
    """INSERT `rows` (tuples in `columns` order) into `table`, in the transaction `db` has open; nothing for none.
    (db/inserts.py::insert_rows is the ordinary path; this one is for hundreds of thousands of rows.)"""
    rows = list(rows)
    if not rows:
        return
    conn = await db.connection() if isinstance(db, AsyncSession) else db
    await conn.exec_driver_sql("SELECT 1")  # the transaction begins now, before the driver is used directly
    dialect = conn.dialect
    processors = [None if isinstance(table.c[name].type, _NATIVE) else table.c[name].type.bind_processor(dialect)
                  for name in columns]
    converted = list(_converted(rows, processors)) if any(processors) else rows
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None  # a pooled connection always has its driver's
    names = ", ".join(columns)
    if dialect.name != "postgresql":
        placeholders = ", ".join("?" for _ in columns)
        await driver.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({placeholders})", converted)
    elif any(isinstance(table.c[name].type, JSON) for name in columns):  # SQLAlchemy's json codec is text-only
        placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        await driver.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({placeholders})", converted)
    else:
        await driver.copy_records_to_table(table.name, records=converted, columns=list(columns))


def _converted(rows: Iterable[Sequence[Any]], processors: list[Any]) -> Iterable[tuple[Any, ...]]:
    active = [(i, p) for i, p in enumerate(processors) if p is not None]
    for row in rows:
        values = list(row)
        for i, process in active:
            if values[i] is not None:
                values[i] = process(values[i])
        yield tuple(values)


async def copy_dicts(db: AsyncSession | AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """`copy_rows` for rows given as dicts; rows with the same keys go together."""
    shapes: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(tuple(row.values()))
    for columns, values in shapes.items():
        await copy_rows(db, table, columns, values)
