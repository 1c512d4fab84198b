"""communicationLogUpdated through `csrgraph serve --workers 2`: every worker's writes reach every subscriber.

The server runs as operators run it, in child processes. Writes alternate between the two workers (each
HTTP client keeps one connection, and /healthz says which worker holds it), so whichever worker a
subscriber landed on, half of what it must receive was written through the other one. On PostgreSQL
the workers' unprompted reads of the event log are turned off: there, only LISTEN/NOTIFY (and the
catch-up after a reconnection) can carry an event from one worker to the other.
"""

import asyncio

import pytest
from sqlalchemy import bindparam, text

from tests.api.commlog.live import add_memo, add_note, next_update, one_client_per_worker, subscribe
from tests.conftest import SECRET
from tests.factories.customers import make_customer
from tests.served import serve_workers

QUIET = 0.5  # seconds in which nothing more may arrive


@pytest.fixture(scope="module")
async def served(database, tmp_path_factory):
    env = {"CSRGRAPH_EVENT_POLL_SECONDS": "3600"} if database.backend == "postgresql" else {}
    async with serve_workers(database.url, SECRET, tmp_path_factory.mktemp("workers"), env=env) as server:
        yield server


@pytest.fixture
async def workers(served):
    async with one_client_per_worker(served.address) as clients:
        yield clients


async def following(ws, workers, user, customer) -> None:
    """Wait until the subscription is live: probe notes (through both workers) until one arrives, then the rest."""
    for n in range(40):
        await add_note(workers[n % 2], user, customer, f"probe {n}")
        try:
            first = int((await next_update(ws, timeout=0.5))["entry"]["subject"].split()[1])
        except TimeoutError:
            continue
        for later in range(first + 1, n + 1):  # probes written after the first to arrive come too, in order
            assert (await next_update(ws))["entry"]["subject"] == f"probe {later}"
        return
    raise AssertionError("the subscription never received a probe")


async def write_notes_and_memos(workers, user, customer, prefix: str, count: int) -> list[tuple[str, str]]:
    """Notes through alternating workers, every third with a memo through the other; what each update will say."""
    expected = []
    for n in range(count):
        entry = await add_note(workers[n % 2], user, customer, f"{prefix} {n}")
        expected.append((f"{prefix} {n}", None))
        if n % 3 == 2:
            await add_memo(workers[(n + 1) % 2], user, entry, f"memo on {prefix} {n}")
            expected.append((f"{prefix} {n}", f"memo on {prefix} {n}"))
    return expected


def seen(update: dict) -> tuple[str, str | None]:
    return update["entry"]["subject"], update["memo"]["text"] if update["memo"] else None


async def received(ws, count: int, timeout: float = 15) -> list[dict]:
    return [await next_update(ws, timeout) for _ in range(count)]


async def assert_quiet(ws) -> None:
    with pytest.raises(TimeoutError):
        await next_update(ws, timeout=QUIET)


class TestAcrossWorkers:
    async def test_every_note_and_memo_arrives_once_in_order(self, served, workers, session, tenant):
        # given an agent with a customer open, on one of the two workers
        customer = await make_customer(session, tenant, "Live Across")
        await session.commit()
        ws = await subscribe(served.address, tenant.agent, customer)
        await following(ws, workers, tenant.lead, customer)
        # when colleagues add notes and memos through both workers
        expected = await write_notes_and_memos(workers, tenant.lead, customer, "note", 12)
        # then each arrives once, in the order written, with its own cursor
        updates = await received(ws, len(expected))
        assert [seen(u) for u in updates] == expected
        assert len({u["cursor"] for u in updates}) == len(updates)
        assert not any(u["refetch"] for u in updates)
        await assert_quiet(ws)
        await ws.close()

    async def test_a_subscriber_that_reconnects_with_its_cursor_misses_nothing(self, served, workers, session, tenant):
        # given a subscriber that got three notes
        customer = await make_customer(session, tenant, "Live Resume")
        await session.commit()
        ws = await subscribe(served.address, tenant.agent, customer)
        await following(ws, workers, tenant.lead, customer)
        before = await write_notes_and_memos(workers, tenant.lead, customer, "before", 3)
        updates = await received(ws, len(before))
        assert [seen(u) for u in updates] == before
        await ws.close()
        # when notes and a memo are added while it is away, and it comes back with its last cursor
        missed = await write_notes_and_memos(workers, tenant.lead, customer, "away", 4)
        ws = await subscribe(served.address, tenant.agent, customer, after=updates[-1]["cursor"])
        # then it gets what it missed, in order, then what follows, and nothing twice
        assert [seen(u) for u in await received(ws, len(missed))] == missed
        after = await write_notes_and_memos(workers, tenant.lead, customer, "after", 2)
        assert [seen(u) for u in await received(ws, len(after))] == after
        await assert_quiet(ws)
        await ws.close()

    async def test_the_listener_connections_are_killed_mid_stream(self, served, workers, database, session, tenant):
        if database.backend != "postgresql":
            pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite workers read the log at an interval")
        # given a subscriber receiving notes from both workers
        customer = await make_customer(session, tenant, "Live Killed")
        await session.commit()
        ws = await subscribe(served.address, tenant.agent, customer)
        await following(ws, workers, tenant.lead, customer)
        first = await write_notes_and_memos(workers, tenant.lead, customer, "first", 3)
        assert [seen(u) for u in await received(ws, len(first))] == first
        # when every worker's listening connection is terminated, and writing goes on at once
        names = [f"csrgraph-listener {(await client.get('/healthz')).json()['worker']}" for client in workers]
        killed = await terminate_listeners(database, names)
        assert len(killed) == 2
        rest = await write_notes_and_memos(workers, tenant.lead, customer, "rest", 6)
        # then every event still arrives, once and in order, and the workers listen again on new connections
        assert [seen(u) for u in await received(ws, len(rest))] == rest
        await assert_quiet(ws)
        assert await listeners_back(database, names, killed) == 2
        await ws.close()


LISTENERS = text("SELECT pid FROM pg_stat_activity WHERE application_name IN :names").bindparams(
    bindparam("names", expanding=True))


async def terminate_listeners(database, names: list[str]) -> set[int]:
    """The served workers' listening connections, ended by the server (not those of other apps in this test run)."""
    async with database.engine.connect() as conn:
        pids = set((await conn.execute(LISTENERS, {"names": names})).scalars())
        for pid in pids:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return pids


async def listeners_back(database, names: list[str], killed: set[int]) -> int:
    for _ in range(100):
        async with database.engine.connect() as conn:
            pids = set((await conn.execute(LISTENERS, {"names": names})).scalars())
        if len(pids - killed) == 2:
            return 2
        await asyncio.sleep(0.1)
    return len(pids - killed)
