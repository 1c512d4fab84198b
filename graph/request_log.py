"""One log line per HTTP request, and the request id every answer and every fault log line carries.

The line: method, path, operation name, status, duration, request id, user id; never the query string,
variables, headers or tokens (personal data). A fault nobody handled is logged once with its traceback
under the same request id, and answered 500 with a GraphQL-over-HTTP error body.
"""

import json
import logging
import os
import random
import re
import time
from typing import Any

from starlette.types import Message, Scope, Send

from graph.logs import JsonFormatter, PlainFormatter, fields, stream_handlers, write_line
from graph.scope_keys import DOCUMENT_KEY, OPERATION_KEY, PLAN_KEY, USER_KEY

access = logging.getLogger("csrgraph.access")
faults = logging.getLogger("csrgraph.errors")
GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


def request_id_of(headers: Any) -> str:
    """The client's X-Request-Id if it is short printable text, else a new one."""
    return kept_or_new(headers.get("x-request-id", ""))


def kept_or_new(given: str) -> str:
    return given[:64] if given.isprintable() and given else new_request_id()


def new_request_id() -> str:
    """32 hex digits, as uuid4().hex. An id tells log lines apart; it guards nothing, so it comes from a PRNG
    seeded from the OS once (and again in a forked child) rather than a system call for OS entropy every request.
    Its own generator: code that seeds the `random` module (a test) does not make ids repeat."""
    return f"{_ids.getrandbits(128):032x}"


_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)  # a forked worker must not repeat its parent's ids


def record_operation(scope: Scope, name: str | None) -> None:
    """Keep the operation's name for the request line; only a GraphQL name (a client could send anything)."""
    if name and GRAPHQL_NAME.fullmatch(name):
        scope[OPERATION_KEY] = name


async def fault_answered(scope: Scope, request_id: str, status: int | None, send: Send) -> bool:
    """The last resort for a fault nobody handled (call it in the `except`): logged once with its traceback under the
    request id, and answered 500 with a GraphQL error body; False when the answer had begun (the server can only
    drop the connection then)."""
    faults.error("unexpected error", exc_info=True, extra=fields(request_id=request_id, path=scope["path"]))
    if status is not None:
        return False
    await send(_fault_start())
    await send({"type": "http.response.body", "body": _fault_body(request_id)})
    return True


def log_request(scope: Scope, status: int | None, started: float, request_id: str) -> None:
    """The request line, once the answer is sent (graph/front_door.py); `started`: time.perf_counter() at arrival."""
    if access.isEnabledFor(logging.INFO):  # cached by logging until its configuration changes
        user = scope.get(USER_KEY)
        line = {"method": scope["method"], "path": scope["path"], "operation": scope.get(OPERATION_KEY),
                "status": status or 500, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "request_id": request_id, "user_id": user[0].id if user is not None else None}
        if PLAN_KEY in scope:  # how it ran, where not the executor (graph/compiled)
            line["plan"] = scope[PLAN_KEY]
        if DOCUMENT_KEY in scope:  # a text seen before, run as a known document (graph/persisted/seen_texts.py)
            line["document"] = scope[DOCUMENT_KEY]
        _log_request(line)


def _log_request(values: dict[str, Any]) -> None:
    """`access.info("request", extra=fields(**values))`. Under the server's logging configuration the line is
    formatted once and written to each handler's stream directly: logging's LogRecord, its handler chain and the
    search of the stack for the caller were most of the line's cost. Otherwise (a test's capture, a filter) a
    record, naming this function as its source."""
    handlers = stream_handlers(access, logging.INFO)
    if handlers is None:
        access.handle(_record(values))
        return
    created = time.time()
    for handler in handlers:
        # one of ours (stream_handlers); not typing.cast: a call, and a union made, per line
        formatter: PlainFormatter | JsonFormatter = handler.formatter  # type: ignore[assignment]
        write_line(handler, formatter.fields_line(created, "INFO", access.name, "request", values),
                   lambda: _record(values))


def _record(values: dict[str, Any]) -> logging.LogRecord:
    code = _log_request.__code__
    return access.makeRecord(access.name, logging.INFO, code.co_filename, code.co_firstlineno, "request", (), None,
                             code.co_name, fields(**values))


def _fault_start() -> Message:
    return {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"application/json")]}


def _fault_body(request_id: str) -> bytes:
    error = {"message": "Unexpected error.", "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}}
    return json.dumps({"errors": [error]}).encode()
