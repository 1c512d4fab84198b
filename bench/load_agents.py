"""The simulated call-centre floor of `bench load`: closed-loop agents and live-log subscribers over real HTTP."""

import asyncio
import json
import random
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import websockets

from graph.commlog.subscriptions import EVENT_CURSOR
from graph.core.relay import decode_cursor, to_global_id

SEARCH = """query($text: String!) { customers(search: {text: $text}, first: 20) { edges { node {
  id number name primaryAccount { ldcAccountNumber status market { code } utility { code } } } } } }"""
PROFILE = """query($id: ID!) { node(id: $id) { ... on Customer {
  id number name kind email phone language isMaster billingAddress { line1 city state zip }
  hierarchyTrail { id name } alerts { kind severity message }
  utilityAccounts(first: 10) { totalCount edges { node { id ldcAccountNumber status startDate endDate
    premise { meterNumber rateClass serviceAddress { line1 city state zip } }
    utility { code name } market { code } ratePlan { code name } } } }
  recentActivity(first: 10) { occurredAt kind summary } } } }"""
COMMLOG = """query($id: ID!) { node(id: $id) { ... on Customer { communicationLog(first: 20) { totalCount
  edges { cursor node { id kind subject body critical createdAt memos { text } } } } } } }"""
ADD_NOTE = """mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { code message } } }"""
POST_PAYMENT = (
    """mutation($i: PostPaymentInput!) { postPayment(input: $i) { payment { id } userErrors { code message } } }"""
)
SUBSCRIBE = (
    """subscription($id: ID!) { communicationLogUpdated(customerId: $id) { entry { id } memo { id } cursor } }"""
)

# The floor's mix (issue 11): share of each operation, reads first.
MIX = {"search": 40, "profile": 30, "commlog": 15, "addNote": 10, "postPayment": 5}
WRITES = ("addNote", "postPayment")
HOT_SHARE = 0.3  # of notes go to a customer someone has open (a subscriber), for the delivery latency
NOTE = {
    "subject": "Bill higher than last month",
    "contactName": "Alexander Erickson", "isAccountHolder": True,
    "reason": "The customer asked why the latest bill was higher than the one before it.",
    "resolution": "Explained the seasonal rate change and the higher usage on the meter reads, walked through the "
                  "charges line by line, and offered a payment arrangement that the customer declined for now.",
}


@dataclass(frozen=True)
class Sample:
    """What the agents work on: per client, customers (global IDs) and words to search for."""

    customers: dict[str, list[str]]
    terms: dict[str, list[str]]


def sample_floor(db_path: Path, per_client: int = 2_000, seed: int = 7) -> Sample:
    """Customers and search terms of each demo client, read from the seeded SQLite file."""
    rng = random.Random(seed)
    raw = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    customers: dict[str, list[str]] = {}
    terms: dict[str, list[str]] = {}
    for slug, client_id in raw.execute("SELECT slug, id FROM clients ORDER BY id"):
        rows = raw.execute("SELECT id, number, name FROM customers WHERE client_id = ? ORDER BY random() LIMIT ?",
                           (client_id, per_client)).fetchall()
        ldcs = [r[0] for r in raw.execute("SELECT ldc_account_number FROM utility_accounts WHERE client_id = ? "
                                          "ORDER BY random() LIMIT ?", (client_id, per_client // 4))]
        customers[slug] = [to_global_id("Customer", r[0]) for r in rows]
        words = [r[2].split()[-1][: rng.randint(3, 6)] for r in rows[: per_client // 2]]
        terms[slug] = words + [r[1] for r in rows[: per_client // 4]] + ldcs
    raw.close()
    return Sample(customers, terms)


@dataclass
class Tally:
    """Latencies (ms) and failures per operation, and the timings of notes on followed customers."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    written: dict[str, float] = field(default_factory=dict)  # entry ID -> when its addNote answered (time.time())
    received: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # entry ID -> arrivals
    events: dict[str, int] = field(default_factory=dict)  # entry ID -> its event's id (from the update's cursor)
    expected: int = 0  # notes on followed customers, times the subscribers following each
    lags: list[float] = field(default_factory=list)  # ms the client's own event loop ran a timer late (LoopLag)

    def fail(self, op: str, reason: str) -> None:
        self.errors[op] += 1
        self.reasons[f"{op}: {reason[:120]}"] += 1


@dataclass
class Floor:
    address: str
    tokens: dict[str, str]  # client slug -> an agent's bearer token
    sample: Sample
    hot: dict[str, list[str]]  # client slug -> customers a subscriber follows
    tally: Tally
    stop_at: float


async def agent(floor: Floor, slug: str, seed: int) -> None:
    """One agent working without pause: pick an operation by the mix, send it, note the outcome."""
    rng = random.Random(seed)
    ops, weights = list(MIX), list(MIX.values())
    headers = {"authorization": f"Bearer {floor.tokens[slug]}"}
    async with httpx.AsyncClient(base_url=f"http://{floor.address}", headers=headers, timeout=60) as http:
        while time.monotonic() < floor.stop_at:
            op = rng.choices(ops, weights)[0]
            query, variables = _request(op, floor, slug, rng)
            started = time.perf_counter()
            try:
                response = await http.post("/graphql", json={"query": query, "variables": variables})
            except httpx.HTTPError as error:
                floor.tally.fail(op, type(error).__name__)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            _record(floor, op, variables, response, elapsed)


def _request(op: str, floor: Floor, slug: str, rng: random.Random) -> tuple[str, dict[str, Any]]:
    customers = floor.sample.customers[slug]
    if op == "search":
        return SEARCH, {"text": rng.choice(floor.sample.terms[slug])}
    if op in ("profile", "commlog"):
        return (PROFILE if op == "profile" else COMMLOG), {"id": rng.choice(customers)}
    if op == "addNote":
        hot = floor.hot.get(slug)
        target = rng.choice(hot) if hot and rng.random() < HOT_SHARE else rng.choice(customers)
        return ADD_NOTE, {"i": {"customerId": target, **NOTE}}
    return POST_PAYMENT, {"i": {"customerId": rng.choice(customers), "amount": f"{rng.randint(500, 20000) / 100:.2f}",
                                "method": "CHECK", "receivedOn": date.today().isoformat(),
                                "reference": f"bench-{rng.randrange(10**9)}"}}


def _record(floor: Floor, op: str, variables: dict[str, Any], response: httpx.Response, elapsed: float) -> None:
    tally = floor.tally
    try:
        body = response.json()
    except ValueError:
        tally.fail(op, f"HTTP {response.status_code}, not JSON")
        return
    if response.status_code != 200 or body.get("errors"):
        tally.fail(op, f"HTTP {response.status_code}: {(body.get('errors') or [{}])[0].get('message')}")
        return
    payload = next(iter(body["data"].values()))
    user_errors = payload.get("userErrors") if isinstance(payload, dict) else None
    if user_errors:
        tally.fail(op, f"{user_errors[0]['code']}: {user_errors[0]['message']}")
        return
    tally.ms[op].append(elapsed)
    if op == "addNote" and any(variables["i"]["customerId"] in hot for hot in floor.hot.values()):
        tally.written[payload["entry"]["id"]] = time.time()  # wall clock: the subscribers run in another process
        tally.expected += 1


async def subscriber(floor: Floor, slug: str, customer_id: str, ready: asyncio.Event) -> None:
    """An agent with a profile open: every note on it should arrive once; arrival times are kept."""
    async with websockets.connect(f"ws://{floor.address}/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {floor.tokens[slug]}"}})
        )
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE, "variables": {"id": customer_id}}}))
        ready.set()
        while time.monotonic() < floor.stop_at + 5:  # a little after the agents stop, for the last notes
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=1))
            except TimeoutError:
                continue
            update = (message.get("payload") or {}).get("data", {}).get("communicationLogUpdated")
            if message["type"] == "next" and update and update["memo"] is None:
                floor.tally.received[update["entry"]["id"]].append(time.time())
                floor.tally.events[update["entry"]["id"]] = decode_cursor(update["cursor"], EVENT_CURSOR)[0]


async def watch_lag(tally: Tally, stop_at: float) -> None:
    """How late this process's event loop runs a 10 ms timer: a load generator that lags measures itself."""
    loop = asyncio.get_running_loop()
    while time.monotonic() < stop_at:
        due = loop.time() + 0.01
        await asyncio.sleep(0.01)
        tally.lags.append((loop.time() - due) * 1000)
