"""GET /files/exports/{customers,utility-accounts,ar-ledger,aging}.csv: whole tables of the viewer's client for
reporting tools, streamed as they are read (constant memory); TEAM_LEAD or ADMIN.

The checks (role, query parameters) run before the response starts, so a refusal is a 400 or 403 with a
message. A database failure after the first row can no longer change the status: the connection is then
aborted, so a client sees a broken transfer, never a short file that looks complete.
"""

import asyncio
import contextlib
import re
from collections.abc import AsyncGenerator, Callable, Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from db.base import utcnow
from graph.auth import request_scope
from graph.commlog.letters.files import content_disposition
from resolvers.accounts.export import HEADER as ACCOUNT_HEADER
from resolvers.accounts.export import account_batches
from resolvers.billing.exports import AGING_HEADER, LEDGER_HEADER, aging_batches, ledger_batches
from resolvers.context import RequestScope
from resolvers.customers.export import HEADER as CUSTOMER_HEADER
from resolvers.customers.export import customer_batches
from resolvers.errors import CommonErrorCode, UserInputError
from resolvers.exports import Batches, Cells
from resolvers.rules.csv_cells import csv_text, safe_csv_text

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(UserInputError):
    def __init__(self, message: str, name: str):
        super().__init__("BAD_REQUEST", message, [name])


def query_parameters(request: Request, allowed: Sequence[str]) -> dict[str, str]:
    """The query string as {name: value}; an unknown or repeated name is refused, not ignored."""
    items = request.query_params.multi_items()
    for name, _value in items:
        if name not in allowed:
            known = ", ".join(f"`{a}`" for a in allowed) or "none"
            raise BadParameter(f"Unknown query parameter `{name}` (this export takes {known}).", name)
    names = [name for name, _value in items]
    for name in names:
        if names.count(name) > 1:
            raise BadParameter(f"Query parameter `{name}` is given more than once.", name)
    return dict(items)


def date_parameter(params: dict[str, str], name: str) -> date | None:
    """A day written YYYY-MM-DD; None when absent or empty (`?from=&to=2025-01-31`)."""
    value = params.get(name)
    if not value:
        return None
    try:
        if _DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BadParameter(f"`{name}` must be a date written YYYY-MM-DD, like 2025-01-31; got {value[:40]!r}.", name)


async def export_customers(request: Request) -> Response:
    return await stream_export(request, "customers.csv", CUSTOMER_HEADER, (), lambda scope, _p: customer_batches(scope))


async def export_accounts(request: Request) -> Response:
    return await stream_export(request, "utility-accounts.csv", ACCOUNT_HEADER, (),
                               lambda scope, _p: account_batches(scope))


async def export_ledger(request: Request) -> Response:
    return await stream_export(request, "ar-ledger.csv", LEDGER_HEADER, ("from", "to"), lambda scope, p: ledger_batches(
        scope, date_parameter(p, "from"), date_parameter(p, "to")))


async def export_aging(request: Request) -> Response:
    return await stream_export(request, "aging.csv", AGING_HEADER, ("asOf",), lambda scope, p: aging_batches(
        scope, date_parameter(p, "asOf") or utcnow().date()))


async def stream_export(request: Request, filename: str, header: Cells, parameters: Sequence[str],
                        open_batches: Callable[[RequestScope, dict[str, str]], Batches]) -> Response:
    """Check the role and parameters, then stream the header and each batch of rows as CSV."""
    session = request.state.sessionmaker()
    try:
        batches = open_batches(request_scope(request).with_session(session), query_parameters(request, parameters))
    except UserInputError as error:
        await session.close()
        return refused(error)
    headers = {"content-disposition": content_disposition(filename), "cache-control": "private, no-store",
               "x-content-type-options": "nosniff"}
    return CsvStream(csv_chunks(session, header, batches), headers)


class CsvStream(Response):
    """Chunks sent as they come, like StreamingResponse; but a client that goes away stops the stream between
    chunks. (StreamingResponse cancels it wherever it waits, mostly inside a database read, which makes
    SQLAlchemy throw the connection away and log a traceback for an everyday event.)"""

    media_type = "text/csv; charset=utf-8; header=present"

    def __init__(self, chunks: AsyncGenerator[str, None], headers: dict[str, str]):
        self.chunks, self.status_code, self.background = chunks, 200, None
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()
        listener = asyncio.create_task(_wait_for_disconnect(receive, gone))
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            async for chunk in self.chunks:
                if gone.is_set():
                    return
                await send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # an ASGI 2.4 server says so when the client has gone
        finally:
            listener.cancel()
            await self.chunks.aclose()  # ends the read and closes the session, uncancelled


async def _wait_for_disconnect(receive: Receive, gone: asyncio.Event) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    gone.set()


async def csv_chunks(session: AsyncSession, header: Cells, batches: Batches) -> AsyncGenerator[str, None]:
    """The header at once (the client sees the download start), then one chunk per batch of rows."""
    async with session, contextlib.aclosing(batches):  # closed in order: the cursor, then the session
        yield csv_text([header])
        async for batch in batches:
            if batch:
                yield safe_csv_text(batch)


def refused(error: UserInputError) -> Response:
    """403 for a role that may not export; 400, naming the parameter, for anything the client can fix."""
    extensions = {"code": error.code, **({"parameter": error.field[-1]} if error.field else {})}
    status = 403 if error.code == CommonErrorCode.FORBIDDEN else 400
    return JSONResponse({"errors": [{"message": error.message, "extensions": extensions}]}, status_code=status)


ROUTES = [
    Route("/files/exports/customers.csv", export_customers, methods=["GET"]),
    Route("/files/exports/utility-accounts.csv", export_accounts, methods=["GET"]),
    Route("/files/exports/ar-ledger.csv", export_ledger, methods=["GET"]),
    Route("/files/exports/aging.csv", export_aging, methods=["GET"]),
]
