"""Exports stream: 100,000 customers go out in many chunks in flat memory, and a client that leaves stops the read."""

import asyncio
import tracemalloc
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.pool import Pool

from resolvers.exports import BATCH_ROWS
from tests.conftest import token_for
from tests.factories.admin import make_tenant
from tests.factories.settings import make_plain_customers

LARGE, SMALL = 100_000, 10_000
PEAK_BOUND = 8 * 1024 * 1024  # the 100,000-row file is ~6 MB: a worker that held it would not stay under this


@dataclass
class Streamed:
    status: int = 0
    chunks: int = 0
    lines: int = 0
    size: int = 0
    peak: int = 0  # the most bytes the app had allocated at once while answering (tracemalloc)


async def stream_through_app(app, path: str, user, *, leave_after: int | None = None) -> Streamed:
    """GET `path` on the ASGI app itself, as a server would, counting what it sends and keeping none of it (so the
    peak is the app's); the client leaves after `leave_after` body chunks if given."""
    result, left, requested = Streamed(), asyncio.Event(), [False]

    async def receive() -> dict:
        if not requested[0]:
            requested[0] = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await left.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            result.status = message["status"]
        elif message.get("body"):
            result.chunks += 1
            result.size += len(message["body"])
            result.lines += message["body"].count(b"\r\n")
            if result.chunks == leave_after:
                left.set()
                await asyncio.sleep(0.05)  # the server notices the closed connection

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
             "server": ("csrgraph.test", 80), "state": {},
             "headers": [(b"host", b"csrgraph.test"), (b"authorization", f"Bearer {token_for(user)}".encode())]}
    tracemalloc.start()
    try:
        await app(scope, receive, send)
        result.peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result


async def test_large_export_streams_in_flat_memory(app, session):
    # given a client with 10,000 customers and one with 100,000
    small, large = await make_tenant(session), await make_tenant(session)
    await make_plain_customers(session, small, SMALL, "S")
    await make_plain_customers(session, large, LARGE, "L")
    await session.commit()
    # when each client's lead downloads customers.csv straight from the app
    first = await stream_through_app(app, "/files/exports/customers.csv", small.lead)
    streamed = await stream_through_app(app, "/files/exports/customers.csv", large.lead)
    # then every row goes out, a batch per chunk, and the app never holds more than a few batches
    assert (first.status, streamed.status) == (200, 200)
    assert (first.lines, streamed.lines) == (SMALL + 1, LARGE + 1)
    assert streamed.chunks >= LARGE // BATCH_ROWS
    assert streamed.peak < min(PEAK_BOUND, streamed.size), (streamed.peak, streamed.size)
    # ten times the rows, about the same peak: memory does not grow with the export
    assert streamed.peak < first.peak * 1.5 + 1024 * 1024, (first.peak, streamed.peak)


async def test_a_client_that_leaves_stops_the_read_and_the_connection_goes_back_whole(app, session):
    # given a client with more customers than a few chunks hold
    tenant = await make_tenant(session)
    await make_plain_customers(session, tenant, 5 * BATCH_ROWS, "Q")
    await session.commit()
    pool_events: Counter[str] = Counter()
    listeners = {name: (lambda *_args, name=name: pool_events.update([name]))
                 for name in ("checkout", "checkin", "invalidate")}
    for name, listener in listeners.items():
        event.listen(Pool, name, listener)
    try:
        # when the client goes away after the second chunk
        streamed = await stream_through_app(app, "/files/exports/customers.csv", tenant.lead, leave_after=2)
    finally:
        for name, listener in listeners.items():
            event.remove(Pool, name, listener)
    # then the export stops there, and its connection was returned to the pool, not thrown away
    assert streamed.status == 200
    assert streamed.chunks <= 3
    assert pool_events["invalidate"] == 0
    assert pool_events["checkout"] == pool_events["checkin"] >= 1
