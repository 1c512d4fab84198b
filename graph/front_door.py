"""Every HTTP request's way into the app, in one ASGI callable, in this order:

1. the request id (X-Request-Id on every answer), the request line, and the last resort for faults
   (graph/request_log.py); a client that left before its request was read is no fault (status 499 in the line);
2. at most CSRGRAPH_CONCURRENT_REQUESTS GraphQL requests over HTTP at once, the others waiting in order
   (graph/limits.py);
3. the body size limit, declared or streamed (413), and multipart uploads only with a preflight-forcing header;
4. CORS, when CSRGRAPH_ALLOWED_ORIGINS names origins (it answers preflights before a token is asked for);
5. a bearer token that signs someone in, except on the open paths (401 otherwise; graph/auth.py);
6. GET and POST /graphql straight to the GraphQL view; anything else through Starlette's exception layer and router.

These were five ASGI middlewares (six with CORS), then Starlette's exception middleware and router: a coroutine
each, three wrappers of `send`, four scans of the headers and a Request object, about a tenth of the CPU of a
registered `{ __typename }` in process (bench http). Websockets and the lifespan go straight to the router: a
websocket signs in at connection_init.
"""

import time
from collections.abc import Awaitable, Callable

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.auth import Authenticator, refuse
from graph.http_errors import DOOR_HEADERS, header
from graph.ide import wants_ide
from graph.limits import PREFLIGHT_HEADERS, BodyTooLarge, ConcurrencyLimit, counted, preflight_required, too_large
from graph.request_log import fault_answered, kept_or_new, log_request
from graph.scope_keys import HEADERS_KEY, REQUEST_ID_KEY, USER_KEY
from graph.tokens import Refused

GRAPHQL_PATH = "/graphql"
VIEW_METHODS = frozenset({"GET", "POST", "HEAD"})  # what its route lets through (Starlette adds HEAD to GET)
OPEN_PATHS = ("/healthz",)
OPEN_PREFIXES = ("/static/",)
# The request line's status for a client that left before its request was read (nginx's "client closed request"):
# not a fault of ours, so no traceback and no 500 (a browser that navigates away cancels its requests)
CLIENT_CLOSED = 499


class FrontDoor:
    def __init__(self, app: ASGIApp, *, graphql: ASGIApp, authenticator: Authenticator, concurrent_requests: int,
                 max_body_bytes: int, max_upload_bytes: int, allowed_origins: tuple[str, ...] = ()):
        """`app`: the router (with Starlette's exception layer); `graphql`: the view GET and POST /graphql reach."""
        self.app, self.graphql, self.authenticator = app, graphql, authenticator
        self.limit = ConcurrencyLimit(concurrent_requests)
        self.max_json, self.max_upload = max_body_bytes, max_upload_bytes
        self.signed_in: Callable[[Scope, Receive, Send], Awaitable[None]] = self._signed_in
        if allowed_origins:
            self.signed_in = CORSMiddleware(self._signed_in, allow_origins=list(allowed_origins),
                                            allow_methods=["GET", "POST"],
                                            allow_headers=["authorization", "content-type", "x-request-id"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:  # one scan for every header the request's way reads (the first of each)
            if key in DOOR_HEADERS and key not in headers:
                headers[key] = value
        scope[HEADERS_KEY] = headers  # for http_errors.header: the view's content type, the accept, the token
        request_id = scope[REQUEST_ID_KEY] = kept_or_new(headers.get(b"x-request-id", b"").decode("latin-1"))
        started, status = time.perf_counter(), None
        id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), id_header]
            await send(message)

        try:
            slots = self.limit.slots
            if slots is not None and scope["path"] == GRAPHQL_PATH:  # only GraphQL waits: no websocket, download..
                async with slots:  # ConcurrencyLimit.run, without a coroutine around the request's
                    await self._limited(scope, receive, send_with_id, headers)
            else:
                await self._limited(scope, receive, send_with_id, headers)
        except ClientDisconnect:  # the client left before its request was read: nothing to answer, and no fault
            status = status or CLIENT_CLOSED
        except Exception:
            if not await fault_answered(scope, request_id, status, send_with_id):
                raise  # the answer has begun: the server can only drop the connection
        finally:
            log_request(scope, status, started, request_id)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]) -> None:
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.max_upload if multipart else self.max_json
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await too_large(send, limit)
            return
        if multipart and not any(headers.get(name) for name in PREFLIGHT_HEADERS):
            await preflight_required(send)
            return
        if not declared.isdigit():  # a declared length is all the server lets through; otherwise count
            receive = counted(receive, limit)
        try:
            await self.signed_in(scope, receive, send)
        except BodyTooLarge:
            await too_large(send, limit)

    async def _signed_in(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if not _is_open(scope, path):
            try:
                authorization = header(scope, b"authorization") or None  # missing, not malformed
                scope[USER_KEY] = await self.authenticator.sign_in(scope["state"], authorization)
            except Refused as refused:
                await refuse(send, refused)
                return
        if path == GRAPHQL_PATH and scope["method"] in VIEW_METHODS:
            await self.graphql(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _is_open(scope: Scope, path: str) -> bool:
    """Paths that need no token. The GraphiQL page itself holds no data; the queries it sends carry the token."""
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return True
    return path == GRAPHQL_PATH and wants_ide(scope)
