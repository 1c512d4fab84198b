"""A SQLite worker's read connections for reads by key (db/engine.read_by_key): parked between requests, each held
by one request at a time, parked only as a fresh checkout would be (nothing open), closed with the engine."""

import asyncio
import sqlite3
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import PARKED_READS, make_engine, make_read_sessionmaker, read_by_key


@pytest.fixture
async def read(tmp_path) -> Any:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        await connection.exec_driver_sql("INSERT INTO t VALUES (1, 'one')")
    yield make_read_sessionmaker(engine).kw["bind"]
    await engine.dispose()


def checkouts(engine: AsyncEngine) -> list[Any]:
    found: list[Any] = []
    event.listen(engine.sync_engine.pool, "checkout", lambda *args: found.append(args))
    return found


async def test_a_request_after_another_takes_its_connection_without_a_checkout(read) -> None:
    async with read_by_key(read) as (_, first):
        assert first.execute("SELECT v FROM t").fetchall() == [("one",)]
    checked_out = checkouts(read)
    for _ in range(3):
        async with read_by_key(read) as (_, raw):
            assert raw is first
    assert checked_out == []


async def test_concurrent_requests_never_share_a_connection(read) -> None:
    held: set[sqlite3.Connection] = set()
    most, shared = [0], []

    async def request(n: int) -> str:
        async with read_by_key(read) as (_, raw):
            shared.append(raw in held)
            held.add(raw)
            most[0] = max(most[0], len(held))
            await asyncio.sleep(0.001 * (n % 3))  # the others run meanwhile
            [(value,)] = raw.execute("SELECT v FROM t WHERE id = 1").fetchall()
            held.remove(raw)
            return str(value)

    for _ in range(2):  # a fresh burst, then one that takes the parked connections first
        assert await asyncio.gather(*(request(n) for n in range(PARKED_READS + 4))) == ["one"] * (PARKED_READS + 4)
    assert most[0] == PARKED_READS + 4
    assert not any(shared)
    # at most PARKED_READS stay checked out: the rest went back to the pool
    assert read.sync_engine.pool.checkedout() == PARKED_READS


@pytest.mark.parametrize("ending", ["an error", "an open transaction"])
async def test_a_connection_left_in_another_state_is_not_parked(read, ending) -> None:
    async with read_by_key(read) as (_, first):
        pass
    with pytest.raises(ZeroDivisionError) if ending == "an error" else _nothing():
        async with read_by_key(read) as (_, raw):
            assert raw is first
            if ending == "an error":
                raise ZeroDivisionError
            raw.execute("BEGIN")
            raw.execute("SELECT v FROM t").fetchall()
    # then it went back to the pool (which rolled back what was open): the next request checks one out again
    assert read.sync_engine.pool.checkedout() == 0
    checked_out = checkouts(read)
    async with read_by_key(read) as (_, raw):
        assert not raw.in_transaction
    assert len(checked_out) == 1


async def test_a_parked_connection_reads_what_was_committed_since(read) -> None:
    async with read_by_key(read) as (_, raw):
        assert raw.execute("SELECT count(*) FROM t").fetchall() == [(1,)]
    async with read.begin() as connection:
        await connection.exec_driver_sql("INSERT INTO t VALUES (2, 'two')")
    async with read_by_key(read) as (_, again):
        assert again is raw
        assert again.execute("SELECT count(*) FROM t").fetchall() == [(2,)]


async def test_disposing_the_engine_closes_its_parked_connections(tmp_path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    read = make_read_sessionmaker(engine).kw["bind"]
    parked = await asyncio.gather(*(_hold(read) for _ in range(3)))
    assert read.sync_engine.pool.checkedout() == 3
    await engine.dispose()
    for raw in parked:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            raw.execute("SELECT 1")
    async with read_by_key(read) as (_, raw):  # and the engine parks again afterwards
        assert raw.execute("SELECT 1").fetchall() == [(1,)]
    assert read.sync_engine.pool.checkedout() == 1
    await engine.dispose()
    assert read.sync_engine.pool.checkedout() == 0


async def _hold(read: AsyncEngine) -> sqlite3.Connection:
    async with read_by_key(read) as (_, raw):
        await asyncio.sleep(0.01)
        return raw


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


async def test_a_parked_connection_goes_only_to_the_engine_that_checked_it_out(read) -> None:
    # the pool's other engines (the write engine: BEGIN IMMEDIATE) have other execution options
    writing = read.execution_options(sqlite_begin="BEGIN IMMEDIATE")
    async with read_by_key(read) as (_, first):
        pass
    async with read_by_key(writing) as (connection, raw):
        assert raw is not first
        assert connection.sync_connection.get_execution_options()["sqlite_begin"] == "BEGIN IMMEDIATE"
    async with read_by_key(read) as (connection, raw):
        assert raw is first
        assert connection.sync_connection.get_execution_options()["sqlite_begin"] is None
