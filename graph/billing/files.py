"""GET /files/invoices/{id}.pdf and /files/ar-history/{customer id}.{pdf|csv}: the signed-in client's only."""

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph.auth import request_scope
from graph.commlog.letters.files import content_disposition
from graph.core.files import not_found, path_key
from resolvers.billing.documents import history_file, invoice_file
from resolvers.rules.dates import DateFormatError, parse_date


def _date(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    try:
        return parse_date(value) if value else None
    except DateFormatError:
        return None


async def download_invoice(request: Request) -> Response:
    if (invoice_id := path_key(request)) is None:
        return not_found()
    async with request.state.sessionmaker() as session:
        found = await invoice_file(request_scope(request).with_session(session), invoice_id)
    return _file(found, "pdf", "application/pdf")


async def download_history(request: Request) -> Response:
    kind, customer_id = request.path_params["kind"], path_key(request)
    if kind not in ("pdf", "csv") or customer_id is None:
        return not_found()
    async with request.state.sessionmaker() as session:
        found = await history_file(request_scope(request).with_session(session), customer_id,
                                   _date(request, "start"), _date(request, "end"), as_csv=kind == "csv")
    return _file(found, kind, "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8")


def _file(found: tuple[str, bytes] | None, ext: str, media_type: str) -> Response:
    if found is None:
        return not_found()
    title, data = found
    headers = {"content-disposition": content_disposition(f"{title}.{ext}"), "cache-control": "private, no-store",
               "x-content-type-options": "nosniff"}
    return Response(data, media_type=media_type, headers=headers)


ROUTES = [
    Route("/files/invoices/{id:int}.pdf", download_invoice, methods=["GET"]),
    Route("/files/ar-history/{id:int}.{kind}", download_history, methods=["GET"]),
]
