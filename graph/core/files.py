"""What the /files routes share: their 404, and the id in the path read as a primary key."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from graph.core.relay import is_key


def not_found(message: str = "Not found.") -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": "NOT_FOUND"}}]}, status_code=404)


def path_key(request: Request, name: str = "id") -> int | None:
    """The path's integer `name` if it can be a primary key; None (then: not found) past BIGINT."""
    value = request.path_params[name]
    return value if is_key(value) else None
