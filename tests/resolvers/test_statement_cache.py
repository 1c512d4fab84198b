"""Each SQLite connection of the app keeps SQLITE_CACHED_STATEMENTS compiled statements (db/engine.py): a text run
again while it is among the last that many is not compiled again. sqlite3 has no public counter of its statement
cache; SQLite calls a connection's authorizer while it compiles a statement (and never while it runs one), so the
authorizer's calls count compilations."""

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from db.engine import SQLITE_CACHED_STATEMENTS, make_engine, make_read_sessionmaker, read_by_key


@pytest.fixture
async def raw(tmp_path) -> Any:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    read = make_read_sessionmaker(engine).kw["bind"]
    async with read_by_key(read) as (_, connection):
        yield connection
    await engine.dispose()


def compiled(connection: sqlite3.Connection, texts: Iterator[str]) -> int:
    """How many of `texts`, run in order on `connection`, SQLite compiled."""
    calls = [0]

    def authorizer(*_: object) -> int:
        calls[0] += 1
        return sqlite3.SQLITE_OK

    connection.set_authorizer(authorizer)  # SQLite expires the connection's compiled statements when it is set
    try:
        count = 0
        for text in texts:
            before = calls[0]
            connection.execute(text, (1,)).fetchall()
            count += calls[0] > before
        return count
    finally:
        connection.set_authorizer(None)


def texts(count: int) -> list[str]:
    return [f"SELECT ? + {n}" for n in range(count)]


@pytest.mark.parametrize("kept", [SQLITE_CACHED_STATEMENTS // 2, SQLITE_CACHED_STATEMENTS])
def test_a_connection_compiles_each_text_once_while_it_is_kept(raw: sqlite3.Connection, kept: int) -> None:
    assert compiled(raw, iter(texts(kept) * 3)) == kept


def test_a_text_beyond_the_kept_number_is_compiled_again(raw: sqlite3.Connection) -> None:
    # one text more than are kept: run in a cycle, each pushes out the next one's compiled form
    many = texts(SQLITE_CACHED_STATEMENTS + 1)
    assert compiled(raw, iter(many * 2)) == 2 * len(many)


def test_more_are_kept_than_sqlite3s_default(raw: sqlite3.Connection) -> None:
    assert SQLITE_CACHED_STATEMENTS > 128
    assert compiled(raw, iter(texts(129) * 2)) == 129
