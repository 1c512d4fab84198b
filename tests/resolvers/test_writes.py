"""db/writes.py on SQLite: the lock is held only for a transaction's own statements, waits are queued and bounded.

Also pins what db/sqlite_driver.py leans on: aiosqlite's Connection._execute and _conn.
"""

import asyncio
import sqlite3
import time

import aiosqlite
import pytest
from sqlalchemy import func, insert, select, text

from db.engine import make_engine
from db.migrate import migrate
from db.models import Client, DomainEvent
from db.writes import WriteBusy, Writes


@pytest.fixture
async def engine(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'writes.db'}")
    await migrate(engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE marks (n INTEGER)"))
    yield engine
    await engine.dispose()


class LoopTurns:
    """Counts turns of the event loop while it runs: a task that yields forever, one count per turn."""

    def __init__(self) -> None:
        self.count = 0
        self.task = asyncio.create_task(self._spin())

    async def _spin(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)


async def until(condition, seconds: float = 4.0) -> None:
    """Wait until `condition()` holds, checking every few ms; fail past `seconds` (under the writers' 5 s wait)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.002)


async def mark(session, n: int) -> None:
    await session.execute(text("INSERT INTO marks (n) VALUES (:n)"), {"n": n})


async def marks(engine) -> list[int]:
    async with engine.connect() as conn:
        return list((await conn.execute(text("SELECT n FROM marks ORDER BY rowid"))).scalars())


async def test_the_driver_internals_we_lean_on_exist(engine):
    assert callable(getattr(aiosqlite.Connection, "_execute", None))
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).dbapi_connection
        sqlite_conn = driver._connection._conn
        assert isinstance(sqlite_conn, sqlite3.Connection)
        assert sqlite_conn.execute("SELECT 1").fetchone() == (1,)  # from this thread: opened check_same_thread=False


class TestHoldingTheLock:
    async def test_a_write_runs_to_commit_without_a_turn_of_the_loop(self, engine):
        # given a busy loop (another task runs at every turn)
        writes, turns = Writes(engine), LoopTurns()
        await asyncio.sleep(0.01)
        seen = []

        async def work(session):
            seen.append(turns.count)
            for n in range(20):
                await mark(session, n)
                await session.execute(select(func.count()).select_from(text("marks")))
            seen.append(turns.count)

        # when a transaction of 40 statements runs
        await writes.run(work)
        turns.task.cancel()
        # then no other task ran between its first statement and its last (and its commit)
        assert seen[0] == seen[1]
        assert await marks(engine) == list(range(20))

    async def test_bulk_work_leaves_the_loop_free_between_statements(self, engine):
        writes, turns = Writes(engine), LoopTurns()
        seen = []

        async def work(session):
            seen.append(turns.count)
            for n in range(5):
                await mark(session, n)
            seen.append(turns.count)

        await writes.run(work, bulk=True)
        turns.task.cancel()
        assert seen[1] >= seen[0] + 5  # a hop, so a turn, per statement

    async def test_a_failed_write_leaves_nothing(self, engine):
        async def work(session):
            await mark(session, 1)
            raise ValueError("no")

        with pytest.raises(ValueError):
            await Writes(engine).run(work)
        assert await marks(engine) == []


class TestWaiting:
    async def test_writers_of_a_process_go_first_come_first_served(self, engine, tmp_path):
        # given another process (a plain connection) holding the write lock
        writes = Writes(engine)
        other = sqlite3.connect(tmp_path / "writes.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        async def writer(n: int):
            await writes.run(lambda session: mark(session, n))

        # when writers arrive one after another while it holds it, then it lets go
        tasks = []
        for n in range(6):
            tasks.append(asyncio.create_task(writer(n)))
            await until(lambda n=n: writes.waiting == n + 1)  # it has queued (a fixed 20 ms was not always enough)
        other.rollback()
        await asyncio.gather(*tasks)
        # then they wrote in the order they came
        assert await marks(engine) == list(range(6))
        other.close()

    async def test_a_lock_held_past_the_wait_is_busy_and_writes_nothing(self, engine, tmp_path):
        # given another process holding the write lock for longer than the wait
        writes = Writes(engine, wait_seconds=0.3)
        other = sqlite3.connect(tmp_path / "writes.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        # when two writers try (one waits for the file, the other in the queue)
        started = time.monotonic()
        results = await asyncio.gather(*(writes.run(lambda session: mark(session, 1)) for _ in range(2)),
                                       return_exceptions=True)
        # then both give up within the wait, nothing written; once the lock is free, writing works
        assert all(isinstance(r, WriteBusy) for r in results), results
        assert time.monotonic() - started < 0.3 + 2.0  # the wait, and slack for a busy machine (not the 5 s default)
        other.rollback()
        other.close()
        assert await marks(engine) == []
        await writes.run(lambda session: mark(session, 2))
        assert await marks(engine) == [2]

    async def test_a_write_that_finds_others_queued_joins_the_queue(self, engine, tmp_path):
        """No barging: a writer that arrives while another waits for the lock waits behind it, even if the
        lock happens to be free the instant it arrives."""
        writes = Writes(engine)
        other = sqlite3.connect(tmp_path / "writes.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        first = asyncio.create_task(writes.run(lambda session: mark(session, 1)))
        await until(lambda: writes.waiting == 1)  # the first is at the head of the queue, trying every few ms
        other.rollback()
        second = asyncio.create_task(writes.run(lambda session: mark(session, 2)))
        await asyncio.gather(first, second)
        assert await marks(engine) == [1, 2]
        other.close()

    async def test_another_workers_writer_gets_in_between_bulk_transactions(self, engine):
        """A job committing bulk unit after unit (a customer import) must not starve the other workers' writers,
        which only try for the lock every few ms (shown to fail without BULK_REST_SECONDS: every write gave up)."""
        # given a worker running bulk transactions back to back, each holding the lock for a while
        job, agents = Writes(engine), Writes(engine, wait_seconds=0.5)  # two workers' writes on one database
        stop = asyncio.Event()

        async def units():
            while not stop.is_set():
                async with job.transaction(bulk=True) as session:
                    await mark(session, 0)
                    await asyncio.sleep(0.05)

        running = asyncio.create_task(units())
        await asyncio.sleep(0.02)
        # when the other worker's writers write meanwhile, one after another
        results = []
        for n in range(1, 6):
            results.append(await agents.run(lambda session, n=n: mark(session, n)))
        stop.set()
        await running
        # then each got the lock within its wait
        assert [n for n in await marks(engine) if n] == [1, 2, 3, 4, 5]

    async def test_a_jobs_transaction_is_bounded_like_a_mutations(self, engine, tmp_path):
        # given another process holding the lock past the job's wait
        writes = Writes(engine)
        other = sqlite3.connect(tmp_path / "writes.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        # when a job's transaction tries, it gives up at its own wait, having written nothing
        with pytest.raises(WriteBusy):
            async with writes.transaction(bulk=True, wait_seconds=0.2) as session:
                await mark(session, 1)
        other.rollback()
        other.close()
        # and once the lock is free its transaction commits when the block ends
        async with writes.transaction(bulk=True) as session:
            await mark(session, 2)
        assert await marks(engine) == [2]


async def test_events_are_appended_only_when_the_transaction_commits(engine):
    from db import event_log

    async def work(session, fail: bool):
        event_log.record(session, client_id=1, kind="COMMLOG_ENTRY_ADDED", customer_id=7, entry_id=70, memo_id=None)
        if fail:
            raise ValueError("rolled back")

    async with engine.begin() as conn:
        await conn.execute(insert(Client), [{"id": 1, "slug": "w", "name": "W", "settings": {}}])
    with pytest.raises(ValueError):
        await Writes(engine).run(lambda session: work(session, fail=True))
    _, appended = await Writes(engine).run(lambda session: work(session, fail=False))
    async with engine.connect() as conn:
        rows = (await conn.execute(select(DomainEvent.id, DomainEvent.entry_id))).all()
    assert [tuple(r) for r in rows] == [(appended[0], 70)]
    assert len(appended) == 1


async def test_quick_reads_take_no_turn_of_the_loop_and_leave_the_connection_as_it_was(engine):
    from db.engine import make_read_sessionmaker, on_loop_thread

    turns, seen = LoopTurns(), []
    async with make_read_sessionmaker(engine)() as session:
        async with on_loop_thread(session):
            seen.append(turns.count)
            for _ in range(10):
                await session.execute(text("SELECT count(*) FROM marks"))
            seen.append(turns.count)
        await session.execute(text("SELECT count(*) FROM marks"))  # hops again
        seen.append(turns.count)
    turns.task.cancel()
    assert seen[0] == seen[1] < seen[2]
