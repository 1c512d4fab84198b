"""A guess at the id the next row of a table will get, read without taking one (nothing is locked or used up)."""

from typing import Any

from sqlalchemy import func, select, text


async def next_id_guess(session: Any, model: Any) -> int:
    """SQLite gives max(rowid) + 1 (no AUTOINCREMENT here); PostgreSQL the next value of the column's sequence.
    Only a guess: a row another transaction inserts first takes it."""
    if session.get_bind().dialect.name == "postgresql":
        sequence = (await session.execute(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                          {"table": model.__tablename__})).scalar_one()
        last, called = (await session.execute(text(f"SELECT last_value, is_called FROM {sequence}"))).one()
        return last + 1 if called else last
    return ((await session.execute(select(func.max(model.id)))).scalar() or 0) + 1
