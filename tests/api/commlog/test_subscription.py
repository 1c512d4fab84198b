"""communicationLogUpdated over graphql-transport-ws, with a real websocket client and server."""

import asyncio
import json
import socket

import httpx
import pytest
import uvicorn
import websockets

from graph.app import create_app
from graph.event_feed import commlog_topic
from graph.core.relay import to_global_id
from graph.settings import Settings
from tests.conftest import SECRET, token_for
from tests.factories.customers import make_customer

SUBSCRIBE = """
subscription($id: ID!) { communicationLogUpdated(customerId: $id) { entry { subject memos { text } } memo { text } } }
"""
ADD = "mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { code } } }"
MEMO = "mutation($i: AddMemoInput!) { addMemo(input: $i) { userErrors { code } } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served(str):
    """The server's address, carrying its broker so a test can wait for a subscription to register."""

    def __new__(cls, address: str, broker):
        served = super().__new__(cls, address)
        served.broker = broker
        return served


async def subscribed(server: Served, tenant, customer) -> None:
    """Wait (bounded) until the server has registered the subscription, instead of sleeping."""
    topic = commlog_topic(tenant.client.id, customer.id)
    for _ in range(250):
        if server.broker.subscribers(topic):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the subscription never registered")


@pytest.fixture
async def server(database):
    """The app served by uvicorn on 127.0.0.1, so the websocket is a real one."""
    port = free_port()
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False))
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(uv.serve())
    while not uv.started:
        await asyncio.sleep(0.02)
    yield Served(f"127.0.0.1:{port}", uv.lifespan.state["feed"])
    uv.should_exit = True
    await task


async def connect(address: str, token: str | None):
    ws = await websockets.connect(f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"])
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def following(server: Served, tenant, customer, user):
    """A websocket of `user` with customer's log subscribed (operation "1"), once the server registered it."""
    ws = await connect(server, token_for(user))
    assert (await next_message(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
        "query": SUBSCRIBE, "variables": {"id": to_global_id("Customer", customer.id)}}}))
    await subscribed(server, tenant, customer)
    return ws


async def next_message(ws) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=5))


async def post(address: str, user, query: str, variables: dict) -> dict:
    async with httpx.AsyncClient(base_url=f"http://{address}") as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables},
                                     headers={"authorization": f"Bearer {token_for(user)}"})
        return response.json()["data"]


class TestCommunicationLogUpdated:
    async def test_entries_and_memos_arrive_as_they_are_added(self, server, session, tenant):
        # given a CSR with the profile open
        customer = await make_customer(session, tenant, "Live Customer")
        await session.commit()
        ws = await following(server, tenant, customer, tenant.agent)
        # when another CSR adds a note and then a memo
        added = await post(server, tenant.lead, ADD, {"i": {"customerId": to_global_id("Customer", customer.id),
                                                            "subject": "Called about bill", "body": "Explained the bill."}})
        await post(server, tenant.lead, MEMO, {"i": {"entryId": added["addNote"]["entry"]["id"], "text": "Follow-up done."}})
        # then both arrive, in order
        first, second = await next_message(ws), await next_message(ws)
        # (each update shows the entry as it is when delivered, so the first may already list the memo)
        new_entry = first["payload"]["data"]["communicationLogUpdated"]
        assert first["type"] == "next" and new_entry["memo"] is None
        assert new_entry["entry"]["subject"] == "Called about bill"
        assert second["payload"]["data"]["communicationLogUpdated"]["memo"] == {"text": "Follow-up done."}
        await ws.close()

    async def test_a_failed_note_sends_nothing(self, server, session, tenant):
        customer = await make_customer(session, tenant, "Quiet Customer")
        await session.commit()
        ws = await connect(server, token_for(tenant.agent))
        await next_message(ws)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"id": to_global_id("Customer", customer.id)}}}))
        await subscribed(server, tenant, customer)
        await post(server, tenant.agent, ADD, {"i": {"customerId": to_global_id("Customer", customer.id), "body": " "}})
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(ws.recv(), timeout=0.5)
        await ws.close()

    async def test_another_clients_customer_is_not_found(self, server, session, tenant, other_tenant):
        customer = await make_customer(session, tenant, "Private Customer")
        await session.commit()
        ws = await connect(server, token_for(other_tenant.agent))
        await next_message(ws)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"id": to_global_id("Customer", customer.id)}}}))
        message = await next_message(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
        await ws.close()

    async def test_no_token_is_refused(self, server):
        ws = await connect(server, None)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws)
        assert closed.value.rcvd.code == 4403
