"""communicationLogUpdated over graphql-transport-ws, with a real websocket client and a server in this process."""

import asyncio
import json
import threading
from datetime import date, timedelta

import httpx
import pytest
import uvicorn
import websockets
from sqlalchemy import delete, func, select, update

from db.enums import CommLogKind
from db.models import DomainEvent, User
from graph import broker as broker_module
from graph import event_feed
from graph.app import create_app
from graph.caches import USER_TTL_SECONDS
from graph.commlog import subscriptions
from graph.core.relay import to_global_id
from graph.event_feed import commlog_topic
from graph.settings import Settings
from resolvers.commlog.entries import append_entry
from resolvers.context import RequestScope, Viewer
from tests.api.commlog.live import add_memo, add_note, connect, next_message, next_update, post, subscribe
from tests.conftest import SECRET, token_for
from tests.factories.customers import make_customer
from tests.served import free_port

ADD = "mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { field code } } }"
BULK_NOTE = "mutation($i: BulkAddNoteInput!) { bulkAddNote(input: $i) { userErrors { code message } } }"
BULK_HOLD = (
    "mutation($i: BulkPlaceDunningHoldInput!) { bulkPlaceDunningHold(input: $i) { userErrors { code message } } }"
)
HOLD_UNTIL = (date.today() + timedelta(days=30)).isoformat()


class Served(str):
    """The server's address, carrying its app state (the event feed, the socket guard)."""

    def __new__(cls, address: str, state):
        served = super().__new__(cls, address)
        served.state = state
        return served

    @property
    def address(self) -> str:
        return str(self)


@pytest.fixture
async def server(database):
    """The app served by uvicorn on 127.0.0.1, so the websocket is a real one."""
    port = free_port()
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False))
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(uv.serve())
    while not uv.started:
        await asyncio.sleep(0.02)
    yield Served(f"127.0.0.1:{port}", uv.lifespan.state)
    uv.should_exit = True
    await task


@pytest.fixture
async def http(server):
    async with httpx.AsyncClient(base_url=f"http://{server}") as client:
        yield client


async def subscribed(server: Served, tenant, customer) -> None:
    """Wait (bounded) until the server has registered the subscription, instead of sleeping."""
    topic = commlog_topic(tenant.client.id, customer.id)
    for _ in range(250):
        if server.state["feed"].subscribers(topic):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the subscription never registered")


async def following(server, tenant, customer, user=None, after: str | None = None):
    """A websocket of `user` (the agent by default) with customer's log subscribed, once the server registered it."""
    ws = await subscribe(server, user or tenant.agent, customer, after=after)
    await subscribed(server, tenant, customer)
    return ws


async def errors_of(ws) -> list[dict]:
    message = await next_message(ws)
    return message["payload"] if message["type"] == "error" else message["payload"]["errors"]


async def quiet(ws, seconds: float = 0.5) -> bool:
    try:
        await asyncio.wait_for(ws.recv(), timeout=seconds)
    except TimeoutError:
        return True
    return False


async def notes_in_one_transaction(database, tenant, customer, count: int, prefix: str) -> None:
    """Notes written straight through the resolver: their events reach the feed together."""
    scope = RequestScope(Viewer(tenant.lead.id, tenant.client.id, tenant.lead.role, tenant.lead.email), "test")
    async with database.sessionmaker() as session, session.begin():
        for n in range(count):
            await append_entry(scope.with_session(session), customer_id=customer.id, kind=CommLogKind.NOTE,
                               subject=f"{prefix} {n}")


class TestCommunicationLogUpdated:
    async def test_entries_and_memos_arrive_as_they_are_added(self, server, http, session, tenant):
        # given a CSR with the profile open
        customer = await make_customer(session, tenant, "Live Customer")
        await session.commit()
        ws = await following(server, tenant, customer)
        # when another CSR adds a note and then a memo
        entry = await add_note(http, tenant.lead, customer, "Called about bill")
        memo = await add_memo(http, tenant.lead, entry, "Follow-up done.")
        # then both arrive, in order, each with its own cursor, naming the entry and the memo the mutations wrote
        first, second = await next_update(ws), await next_update(ws)
        # (each update shows the entry as it is when delivered, so the first may already list the memo)
        assert first["memo"] is None
        assert first["entry"]["id"] == entry
        assert first["entry"]["subject"] == "Called about bill"
        assert second["entry"]["id"] == entry
        assert second["memo"] == {"id": memo, "text": "Follow-up done."}
        assert second["entry"]["memos"] == [{"text": "Follow-up done."}]
        assert first["cursor"] != second["cursor"]
        assert not first["refetch"]
        assert not second["refetch"]
        await ws.close()

    async def test_a_bulk_note_and_a_bulk_hold_reach_the_followers_of_their_customers(self, server, http, session,
                                                                                    tenant):
        # given a CSR following one of the customers a team lead is about to write to in bulk
        customers = [await make_customer(session, tenant, f"Bulk Customer {n}") for n in range(3)]
        await session.commit()
        ws = await following(server, tenant, customers[1])
        numbers = " ".join(c.number for c in customers)
        # when a bulk note, then a bulk dunning hold, go to all of them (each written in one INSERT ... SELECT)
        await post(http, tenant.lead, BULK_NOTE, {"i": {"accounts": numbers, "subject": "Storm outage",
                                                        "body": "Bills delayed a week."}})
        await post(http, tenant.lead, BULK_HOLD, {"i": {"accounts": numbers, "until": HOLD_UNTIL,
                                                        "reason": "Storm relief"}})
        # then the follower hears of its customer's two entries, once each, in order, and of no other customer's
        note, hold = await next_update(ws), await next_update(ws)
        assert note["entry"]["subject"] == "Storm outage"
        assert "dunning" in hold["entry"]["subject"].lower()
        assert await quiet(ws)
        await ws.close()

    async def test_a_failed_note_sends_nothing(self, server, http, session, tenant):
        customer = await make_customer(session, tenant, "Quiet Customer")
        await session.commit()
        ws = await following(server, tenant, customer)
        response = await http.post("/graphql", json={"query": ADD, "variables": {"i": {
            "customerId": to_global_id("Customer", customer.id), "body": " "}}},
            headers={"authorization": f"Bearer {token_for(tenant.agent)}"})
        refused = response.json()["data"]["addNote"]
        assert refused["entry"] is None
        assert refused["userErrors"] == [{"field": ["input", "body"], "code": "EMPTY_NOTE"}]
        assert await quiet(ws)
        await ws.close()

    async def test_another_clients_customer_is_not_found(self, server, session, tenant, other_tenant):
        customer = await make_customer(session, tenant, "Private Customer")
        await session.commit()
        ws = await subscribe(server, other_tenant.agent, customer)
        assert (await errors_of(ws))[0]["extensions"]["code"] == "NOT_FOUND"
        await ws.close()

    async def test_no_token_is_refused(self, server):
        ws = await connect(server, None)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws)
        assert closed.value.rcvd.code == 4403


class TestResuming:
    async def test_after_a_cursor_come_the_missed_updates_then_the_new_ones(self, server, http, session, tenant):
        # given three notes a subscriber saw
        customer = await make_customer(session, tenant, "Resumed Customer")
        await session.commit()
        ws = await following(server, tenant, customer)
        for n in range(3):
            await add_note(http, tenant.lead, customer, f"seen {n}")
        cursors = [(await next_update(ws))["cursor"] for _ in range(3)]
        await ws.close()
        # when it resubscribes after the first (the other two were missed too) and another note follows
        ws = await following(server, tenant, customer, after=cursors[0])
        replayed = [await next_update(ws) for _ in range(2)]
        await add_note(http, tenant.lead, customer, "live")
        live = await next_update(ws)
        # then the missed ones come first with the same cursors, then the new one, and nothing twice
        assert [u["entry"]["subject"] for u in replayed] == ["seen 1", "seen 2"]
        assert [u["cursor"] for u in replayed] == cursors[1:]
        assert live["entry"]["subject"] == "live"
        assert await quiet(ws)
        await ws.close()

    async def test_another_customers_updates_are_not_replayed(self, server, http, session, tenant):
        customer, neighbour = (
            await make_customer(session, tenant, "Mine"),
            await make_customer(session, tenant, "Theirs"),
        )
        await session.commit()
        ws = await following(server, tenant, customer)
        await add_note(http, tenant.lead, customer, "mine 0")
        cursor = (await next_update(ws))["cursor"]
        await ws.close()
        await add_note(http, tenant.lead, neighbour, "theirs")
        await add_note(http, tenant.lead, customer, "mine 1")
        ws = await following(server, tenant, customer, after=cursor)
        assert (await next_update(ws))["entry"]["subject"] == "mine 1"
        assert await quiet(ws)
        await ws.close()

    async def test_too_much_missed_sends_the_newest_and_asks_for_a_refetch(self, server, http, session, tenant,
                                                                          monkeypatch):
        monkeypatch.setattr(subscriptions, "REPLAY_LIMIT", 3)
        customer = await make_customer(session, tenant, "Long Gone")
        await session.commit()
        ws = await following(server, tenant, customer)
        await add_note(http, tenant.lead, customer, "seen")
        cursor = (await next_update(ws))["cursor"]
        await ws.close()
        for n in range(5):
            await add_note(http, tenant.lead, customer, f"missed {n}")
        # when it comes back: more were missed than are replayed
        ws = await following(server, tenant, customer, after=cursor)
        newest = await next_update(ws)
        await add_note(http, tenant.lead, customer, "live")
        live = await next_update(ws)
        # then it gets the newest, marked to refetch, and then carries on as usual
        assert (newest["entry"]["subject"], newest["refetch"]) == ("missed 4", True)
        assert (live["entry"]["subject"], live["refetch"]) == ("live", False)
        await ws.close()

    @pytest.mark.parametrize(
        "cursor", ["garbage", "WyJldmVudCIsICJ4Il0=", to_global_id("Customer", 1), "WyJldmVudCIsIDk5OTk5OTk5OV0="]
    )  # not base64 JSON, a word, an ID, no such event
    async def test_a_bad_cursor_is_a_client_error(self, server, session, tenant, cursor):
        customer = await make_customer(session, tenant, "Bad Cursor")
        await session.commit()
        ws = await subscribe(server, tenant.agent, customer, after=cursor)
        assert (await errors_of(ws))[0]["extensions"]["code"] == "INVALID_CURSOR"
        await ws.close()

    async def test_a_cursor_older_than_the_events_kept_is_refused(self, server, http, database, session, tenant):
        # given a subscriber's cursor, and later the event log purged past the update after it
        customer = await make_customer(session, tenant, "Purged")
        await session.commit()
        ws = await following(server, tenant, customer)
        await add_note(http, tenant.lead, customer, "old")
        cursor = (await next_update(ws))["cursor"]
        await ws.close()
        await add_note(http, tenant.lead, customer, "purged")
        await add_note(http, tenant.lead, customer, "kept")
        async with database.sessionmaker() as s, s.begin():
            newest = (await s.execute(select(func.max(DomainEvent.id)))).scalar()
            await s.execute(delete(DomainEvent).where(DomainEvent.id < newest))
        # when it resumes from the purged one, then it is told to reload instead
        ws = await subscribe(server, tenant.agent, customer, after=cursor)
        assert (await errors_of(ws))[0]["extensions"]["code"] == "CURSOR_EXPIRED"
        await ws.close()


class TestWhereTheFeedReads:
    async def test_postgresql_reads_on_the_feeds_thread_and_sqlite_on_the_workers_loop(
        self, server, http, database, session, tenant, monkeypatch
    ):
        """PostgreSQL's NOTIFY callback, wake-up and read round trip take no turns of the worker's busy loop
        (graph/event_feed.py); what they read still reaches the subscribers once and in order."""
        read_on = set()
        real = event_feed.changes_after

        async def recorded(*args, **kwargs):
            read_on.add(threading.current_thread().name)
            return await real(*args, **kwargs)

        monkeypatch.setattr(event_feed, "changes_after", recorded)
        customer = await make_customer(session, tenant, "Followed")
        await session.commit()
        ws = await following(server, tenant, customer)
        # when notes commit in one transaction (read in one batch), then one over the API
        await notes_in_one_transaction(database, tenant, customer, 5, "batch")
        server.state["feed"].poke()
        await add_note(http, tenant.lead, customer, "single")
        subjects = [(await next_update(ws))["entry"]["subject"] for _ in range(6)]
        assert subjects == [f"batch {n}" for n in range(5)] + ["single"]
        assert await quiet(ws)
        expected = "csrgraph-event-feed" if database.engine.dialect.name == "postgresql" else "MainThread"
        assert read_on == {expected}
        await ws.close()


class TestSlowSubscribers:
    async def test_one_that_falls_behind_gets_the_newest_and_is_told_to_refetch(self, server, http, database, session,
                                                                                tenant, monkeypatch):
        monkeypatch.setattr(broker_module, "MAILBOX_SIZE", 3)
        customer = await make_customer(session, tenant, "Flooded")
        await session.commit()
        ws = await following(server, tenant, customer)
        # when more updates reach the worker at once than its mailbox holds
        await notes_in_one_transaction(database, tenant, customer, 7, "flood")
        server.state["feed"].poke()
        # then it gets the newest, marked to refetch, and nothing older; later ones come as usual
        newest = await next_update(ws)
        assert (newest["entry"]["subject"], newest["refetch"]) == ("flood 6", True)
        assert await quiet(ws)
        await add_note(http, tenant.lead, customer, "after")
        assert (await next_update(ws))["refetch"] is False
        await ws.close()

    async def test_a_mailbox_keeps_at_most_its_size(self):
        mailbox = broker_module.Mailbox(2)
        for n in range(5):
            mailbox.put(n)
        assert await mailbox.get() == (4, True)
        mailbox.put(5)
        mailbox.put(6)
        assert [await mailbox.get(), await mailbox.get()] == [(5, False), (6, False)]


class TestSignedIn:
    async def test_an_expired_token_ends_the_subscription(self, server, session, tenant):
        customer = await make_customer(session, tenant, "Expiring")
        await session.commit()
        ws = await connect(server, token_for(tenant.agent, ttl=timedelta(seconds=2)))
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($id: ID!) { communicationLogUpdated(customerId: $id) { cursor } }",
            "variables": {"id": to_global_id("Customer", customer.id)}}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws, timeout=5)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "TOKEN_EXPIRED")

    async def test_a_deactivated_users_socket_closes_within_the_user_cache_lifetime(self, server, database, session,
                                                                                   tenant):
        customer = await make_customer(session, tenant, "Deactivated")
        await session.commit()
        ws = await following(server, tenant, customer)
        async with database.sessionmaker() as s, s.begin():
            await s.execute(update(User).where(User.id == tenant.agent.id).values(active=False))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws, timeout=USER_TTL_SECONDS)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "USER_DEACTIVATED")
        assert server.state["socket_guard"].watching() == 0
