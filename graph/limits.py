"""Request limits: body size before anything is parsed, and codes for the query limiters."""

import asyncio
import json
from collections.abc import Awaitable

from graphql import GraphQLError
from starlette.types import Message, Receive, Send

# The limiters report plain messages; clients get a stable code for each.
LIMIT_CODES = (
    ("exceeds maximum operation depth", "DEPTH_LIMIT_EXCEEDED"),
    ("aliases found. Allowed", "ALIAS_LIMIT_EXCEEDED"),
    ("Document contains more than", "TOKEN_LIMIT_EXCEEDED"),
)


def code_for(error: GraphQLError) -> str:
    """The code of a request error (one raised before execution)."""
    for fragment, code in LIMIT_CODES:
        if fragment in error.message:
            return code
    return "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"


class BodyTooLarge(Exception):
    pass


def counted(receive: Receive, limit: int) -> Receive:
    """`receive` that raises BodyTooLarge once more than `limit` body bytes have arrived (a body without a declared
    length; a declared one is refused before anything is read, and the server lets no more than it through)."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise BodyTooLarge
        return message

    return limited


async def too_large(send: Send, max_bytes: int) -> None:
    await _error(send, 413, "BODY_TOO_LARGE", f"Request body larger than {max_bytes} bytes.")


# Multipart POSTs are CORS "simple requests" a foreign page can send without a preflight; one of
# these headers proves the request came from a client that could have been preflighted.
PREFLIGHT_HEADERS = (b"apollo-require-preflight", b"x-apollo-operation-name", b"graphql-preflight")


async def preflight_required(send: Send) -> None:
    """The answer to a multipart upload without a preflight-forcing header (CSRF, GHSA-2p3c-p3qw-69r4)."""
    await _error(send, 400, "CSRF_PREFLIGHT_REQUIRED",
                 "Multipart requests need a non-empty Apollo-Require-Preflight or GraphQL-Preflight header.")


async def _error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class ConcurrencyLimit:
    """At most `limit` GraphQL requests over HTTP of this worker in the app at once; the others wait, in order.

    A request waiting here is not in the event loop's ready queue. With 25 requests in the app a turn of the
    loop runs a step of each, and every await of a live update's way to its socket waits a whole turn (bench
    load's stage table; from the addNote answer to the socket p50 0.8 s SQLite, 2.4 s PostgreSQL on a busy machine
    before the feed's fixes, 0.1 s and 0.3 s after them, 40 and 80 ms with a limit of 6). The CPU does the
    same work either way, so throughput holds. Websockets, and the file routes (long downloads and uploads
    that would sit on a slot), are never held back (graph/front_door.py holds only /graphql). 0: no limit.
    """

    def __init__(self, limit: int):
        self.slots = asyncio.Semaphore(limit) if limit > 0 else None

    async def run(self, request: Awaitable[None]) -> None:
        """Await `request` (a coroutine) in a slot."""
        if self.slots is None:
            await request
            return
        async with self.slots:
            await request
