"""GraphQL-over-HTTP error bodies for requests that do not run: one error with a code, and an HTTP status."""

from starlette.responses import JSONResponse
from starlette.types import Scope

from graph.limits import PREFLIGHT_HEADERS
from graph.scope_keys import HEADERS_KEY

GQL_RESPONSE = "application/graphql-response+json"
# The headers the front door reads in its one scan of a request's (graph/front_door.py), the first value of each
DOOR_HEADERS = frozenset({b"x-request-id", b"content-type", b"content-length", b"authorization", b"accept",
                          *PREFLIGHT_HEADERS})
REQUEST_ERROR_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}


def header(scope: Scope, name: bytes) -> str:
    """The first value of the header `name` (lower case), or "": a scan of the scope's raw list, as Starlette's
    Headers.get finds it, without building the object (nor the KeyError its get catches for a missing header); for
    the headers the front door read, its one scan (graph/front_door.py)."""
    read = scope.get(HEADERS_KEY)
    if read is not None and name in DOOR_HEADERS:
        found = read.get(name)
        return found.decode("latin-1") if found is not None else ""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def wants_gql(scope: Scope) -> bool:
    """The client accepts application/graphql-response+json (GraphQL-over-HTTP), not only legacy JSON."""
    return GQL_RESPONSE in header(scope, b"accept")


def error_response(status: int, code: str, message: str, wants_gql: bool,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    media_type = GQL_RESPONSE + "; charset=utf-8" if wants_gql else "application/json"
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        media_type=media_type, headers=headers)


def request_error(status: int, message: str, wants_gql: bool, headers: dict[str, str] | None = None) -> JSONResponse:
    """A GraphQL-over-HTTP error body for a request the view could not run."""
    if status == 405 and headers is None:
        headers = {"allow": "GET, POST"}
    return error_response(status, REQUEST_ERROR_CODES.get(status, "BAD_REQUEST"), message, wants_gql, headers)
