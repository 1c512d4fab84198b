"""Helpers for live-update tests against a real server: websockets (graphql-transport-ws) and per-worker HTTP."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import websockets

from graph.core.relay import to_global_id
from tests.conftest import token_for

SUBSCRIBE = """subscription($id: ID!, $after: String) { communicationLogUpdated(customerId: $id, after: $after) {
  entry { id subject memos { text } } memo { id text } cursor refetch } }"""
ADD = "mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { code message } } }"
MEMO = "mutation($i: AddMemoInput!) { addMemo(input: $i) { memo { id } userErrors { code message } } }"


async def connect(address: str, token: str | None):
    ws = await websockets.connect(f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"])
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def next_message(ws, timeout: float = 5) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout))


async def subscribe(address: str, user, customer, after: str | None = None, query: str = SUBSCRIBE):
    """A signed-in websocket following the customer's log (acknowledged; the subscription may still be starting)."""
    ws = await connect(address, token_for(user))
    assert (await next_message(ws))["type"] == "connection_ack"
    variables = {"id": to_global_id("Customer", customer.id), "after": after}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}))
    return ws


async def next_update(ws, timeout: float = 10) -> dict:
    """The next communicationLogUpdated payload; anything else fails the test."""
    message = await next_message(ws, timeout)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["communicationLogUpdated"]


async def post(client: httpx.AsyncClient, user, query: str, variables: dict) -> dict:
    response = await client.post("/graphql", json={"query": query, "variables": variables},
                                 headers={"authorization": f"Bearer {token_for(user)}"})
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    assert payload["userErrors"] == [], payload
    return payload


async def add_note(client: httpx.AsyncClient, user, customer, subject: str) -> str:
    payload = await post(client, user, ADD, {"i": {"customerId": to_global_id("Customer", customer.id),
                                                   "subject": subject, "body": "Explained the bill."}})
    return payload["entry"]["id"]


async def add_memo(client: httpx.AsyncClient, user, entry_id: str, text: str) -> str:
    return (await post(client, user, MEMO, {"i": {"entryId": entry_id, "text": text}}))["memo"]["id"]


@asynccontextmanager
async def one_client_per_worker(
    address: str, workers: int = 2, attempts: int = 60
) -> AsyncIterator[list[httpx.AsyncClient]]:
    """An HTTP client (one kept-alive connection) to each worker; /healthz says which worker answered."""
    found: dict[int, httpx.AsyncClient] = {}
    spare: list[httpx.AsyncClient] = []
    try:
        for _ in range(attempts):
            client = httpx.AsyncClient(base_url=f"http://{address}", limits=httpx.Limits(max_connections=1), timeout=30)
            worker = (await client.get("/healthz")).json()["worker"]
            if worker in found:
                spare.append(client)
            else:
                found[worker] = client
            if len(found) == workers:
                break
        assert len(found) == workers, f"connections reached only workers {list(found)}"
        yield list(found.values())
    finally:
        for client in [*found.values(), *spare]:
            await client.aclose()
