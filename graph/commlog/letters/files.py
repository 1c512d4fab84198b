"""GET /files/documents/{id}: a document's PDF for the signed-in user's client; anything else is 404."""

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from graph.auth import request_scope
from graph.core.files import not_found, path_key
from resolvers.commlog.letters.commands import get_document_file
from resolvers.commlog.letters.rendering import attachment_name

ROUTE_PATH = "/files/documents/{id:int}"


def download_url(document_pk: int) -> str:
    return f"/files/documents/{document_pk}"


async def download_document(request: Request) -> Response:
    """The file as stored; another client's document or an unknown id is simply not found."""
    if (document_id := path_key(request)) is None:
        return not_found("Document not found.")
    async with request.state.sessionmaker() as session:
        found = await get_document_file(request_scope(request).with_session(session), document_id)
    if found is None:
        return not_found("Document not found.")
    headers = {"content-disposition": content_disposition(attachment_name(found.title)),
               "cache-control": "private, no-store", "x-content-type-options": "nosniff"}
    return Response(found.content, media_type=found.content_type, headers=headers)



def content_disposition(filename: str) -> str:
    """An ASCII fallback name plus the exact UTF-8 name (RFC 6266), so every browser saves it sensibly."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
