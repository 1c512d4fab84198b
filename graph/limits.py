"""Request limits: body size before anything is parsed, and codes for the query limiters."""

import asyncio
import json

from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


def is_multipart(scope: Scope) -> bool:
    return _header(scope, b"content-type").startswith(b"multipart/form-data")


def _header(scope: Scope, name: bytes) -> bytes:
    """The first value of the header `name` (lower case), or b"": a scan, cheaper than a dict of all of them."""
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""


class BodySizeLimitMiddleware:
    """Refuse request bodies above the limit with 413, declared or streamed; uploads get a larger one."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int):
        self.app, self.max_json, self.max_upload = app, max_bytes, max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload if is_multipart(scope) else self.max_json
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            await _too_large(send, limit)


async def _too_large(send: Send, max_bytes: int) -> None:
    await _error(send, 413, "BODY_TOO_LARGE", f"Request body larger than {max_bytes} bytes.")


async def _error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# Multipart POSTs are CORS "simple requests" a foreign page can send without a preflight; one of
# these headers proves the request came from a client that could have been preflighted.
PREFLIGHT_HEADERS = (b"apollo-require-preflight", b"x-apollo-operation-name", b"graphql-preflight")


class UploadPreflightMiddleware:
    """Refuse multipart uploads without a preflight-forcing header (CSRF, GHSA-2p3c-p3qw-69r4)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_multipart(scope):
            headers = dict(scope["headers"])
            if not any(headers.get(name) for name in PREFLIGHT_HEADERS):
                await _error(
                    send,
                    400,
                    "CSRF_PREFLIGHT_REQUIRED",
                    "Multipart requests need a non-empty Apollo-Require-Preflight or GraphQL-Preflight header.",
                )
                return
        await self.app(scope, receive, send)


class ConcurrencyLimitMiddleware:
    """At most `limit` GraphQL requests over HTTP of this worker in the app at once; the others wait, in order.

    A request waiting here is not in the event loop's ready queue. With 25 requests in the app a turn of the
    loop runs a step of each, and every await of a live update's way to its socket waits a whole turn (bench
    load's stage table; from the addNote answer to the socket p50 0.8 s SQLite, 2.4 s PostgreSQL on a busy machine
before the feed's fixes, 0.1 s and 0.3 s after them, 40 and 80 ms with a limit of 6). The CPU does the
    same work either way, so throughput holds. Websockets, and the file routes (long downloads and uploads
    that would sit on a slot), are never held back. 0: no limit.
    """

    def __init__(self, app: ASGIApp, limit: int, path: str = "/graphql"):
        self.app, self.path = app, path
        self.slots = asyncio.Semaphore(limit) if limit > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.slots is None or scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        async with self.slots:
            await self.app(scope, receive, send)
