"""The GraphQL endpoint: context per request, offline GraphiQL, GraphQL-over-HTTP negotiation.

Every request the view cannot run is answered with a GraphQL-over-HTTP error body and a 4xx status, never
a 500: a body that is not a JSON object (a string, an array: batching is off), invalid UTF-8, JSON nested
deeper than MAX_JSON_DEPTH, a content type other than JSON or multipart (415), a multipart map that is not
an object of lists of paths into the operation's variables.
"""

import json
import math
from typing import Any

import orjson
from cross_web import HTTPException, StarletteRequestAdapter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from graph.auth import Authenticator
from graph.context import Context
from graph.http_errors import GQL_RESPONSE, header, request_error, wants_gql
from graph.ide import render_graphiql_html, wants_ide
from graph.limits import code_for
from graph.persisted.errors import DocumentRequestError
from graph.persisted.fast_path import Written, run_known
from graph.persisted.known import graphql_schema_of
from graph.persisted.requests import GraphQLParams, choose, held_by_id, params_of
from graph.request_log import request_id_of
from graph.scope_keys import DOCUMENT_KEY, PARAMS_KEY, REQUEST_ID_KEY, SUB_RESPONSE_KEY, USER_KEY
from graph.tokens import Refused, refusal_error

POST_TYPES = ("application/json", "multipart/form-data")
NO_BATCHING = "Expected a JSON object: batched requests (an array) are not supported."
# Our deepest input is about six levels from the body (variables, input, a list, its items): 32 leaves room,
# and keeps what graphql-core and the upload code walk recursively far from Python's recursion limit.
MAX_JSON_DEPTH = 32


def json_depth(value: Any, limit: int) -> int:
    """How deep `value` nests (a scalar: 0), counted up to `limit + 1` at most; without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= limit:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def media_type(content_type: str) -> str:
    """`application/json` of `Application/JSON; charset=utf-8`: the media type in lower case (it is
    case-insensitive), without the email parser Strawberry's parse_content_type builds (microseconds a request)."""
    found = _MEDIA_TYPES.get(content_type)
    if found is None:
        found = content_type.partition(";")[0].strip().lower()
        if len(_MEDIA_TYPES) >= 256:  # clients send a few
            _MEDIA_TYPES.clear()
        _MEDIA_TYPES[content_type] = found
    return found


_MEDIA_TYPES: dict[str, str] = {}  # each content type's media type, as read


def _brackets(data: str | bytes) -> int:
    """How many `{` and `[` a JSON text holds (inside strings too): a bound on how deep it nests."""
    if isinstance(data, bytes):
        return data.count(b"{") + data.count(b"[")
    return data.count("{") + data.count("[")


async def read_body(receive: Receive) -> bytes:
    """The request body, straight from ASGI `receive`; ClientDisconnect when the client left, as Request.body."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _not_a_number(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number


# one decoder for every request (json.loads with these options would build a new one per call)
_DECODER = json.JSONDecoder(parse_constant=_not_a_number, parse_float=_finite)


_JSON_SPACE = " \t\n\r"  # what JSON calls whitespace


def _decoded(text: str) -> Any:
    """`_DECODER.decode(text)`: the same value, or a ValueError for the same texts; a body that starts with its value
    (every client's) is read without the decoder's two regular expression matches around it."""
    if not text or text[0] in _JSON_SPACE:
        return _DECODER.decode(text)
    value, end = _DECODER.raw_decode(text)
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        raise ValueError("Extra data after the JSON value")
    return value


def _form_text(value: Any, name: str) -> str | bytes:
    if not isinstance(value, (str, bytes)):
        raise HTTPException(400, f"The multipart field `{name}` must be JSON text.")
    return value


def check_files_map(files_map: dict[str, Any], files: Any) -> None:
    """Each file field maps to a list of `variables.` paths, and each names a file part of the request."""
    for name, paths in files_map.items():
        if name not in files or not hasattr(files[name], "filename"):
            raise HTTPException(400, f"The multipart map names a file part the request lacks: {name!r}.")
        if not isinstance(paths, list) or not all(isinstance(p, str) and p.startswith("variables.") for p in paths):
            raise HTTPException(400, "The multipart map's values must be lists of paths starting with `variables.`.")


class ParamsAdapter(StarletteRequestAdapter):
    """Strawberry's view of a request, carrying the parameters the view already read from it (read once)."""

    def __init__(self, request: Request):
        super().__init__(request)
        self.params: GraphQLParams | None = request.scope.get(PARAMS_KEY)


class GraphQLView(GraphQL[Context, None]):
    request_adapter_class = ParamsAdapter

    def __init__(self, schema: Any, *, authenticator: Authenticator, documents_mode: str = "open", **options: Any):
        super().__init__(schema, **options)
        self.authenticator, self.documents_mode = authenticator, documents_mode
        # what a registered document runs on: graphql-core's schema, with Strawberry's executor (its resolve info)
        self.graphql_schema, self.executor_class = graphql_schema_of(schema), schema.execution_context_class

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if wants_ide(scope):
            await HTMLResponse(render_graphiql_html())(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.answer(request)
        except HTTPException as error:  # Strawberry answers these in plain text; clients expect GraphQL errors
            response = request_error(error.status_code, error.reason, wants_gql(scope))
        except StarletteHTTPException as error:  # none known: the front door calls the view past Starlette's handler
            response = request_error(error.status_code, error.detail, wants_gql(scope))
        except DocumentRequestError as error:
            response = error.response(wants_gql(scope))
        await response(scope, receive, send)

    async def answer(self, request: Request) -> Response | Written:
        """A registered document, or a text seen before, runs on the fast path (graph/persisted/); anything else the
        normal way."""
        params = await self.read_params(request)
        if params is None:  # multipart: an upload, always text
            return await self.run(request)
        request.scope[PARAMS_KEY] = params
        state = request.scope["state"]
        route = held_by_id(state["documents"], self.documents_mode, params) or await choose(
            state["documents"], self.documents_mode, params, request.scope[USER_KEY][0].role, state["texts"])
        if route is None:
            return await self.run(request)
        if route.seen:
            request.scope[DOCUMENT_KEY] = "seen"  # for the request line
        return await run_known(self, request, route.document, params, route.by_id)

    # ---- reading the request: anything malformed is a 4xx with a GraphQL error body -------------------

    def decode_json(self, data: str | bytes) -> object:
        """Every JSON text a request carries (body, multipart fields, GET parameters): strict UTF-8, no NaN or
        infinity, nested at most MAX_JSON_DEPTH deep. The standard parser, not orjson: it keeps integers exact and
        reads an escaped lone surrogate, which the text rule then refuses naming the field (INVALID_TEXT)."""
        try:
            text = data.decode() if isinstance(data, bytes) else data
            if text.startswith("\ufeff"):
                raise ValueError("a byte order mark")  # as json.loads refuses it
            value = _decoded(text)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: nested thousands deep
            raise HTTPException(400, "Unable to parse request body as JSON.") from error
        # Each level opens with a bracket: a text with few of them cannot nest too deep (most requests: no walk).
        if _brackets(data) > MAX_JSON_DEPTH and json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise HTTPException(400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        return value

    def parse_json(self, data: str | bytes) -> dict[str, Any]:
        """Each JSON text of a request is an object: the request itself (no batching), the variables, the
        extensions, the multipart map."""
        value = self.decode_json(data)  # what Strawberry's parse_json calls (its JSONDecodeError is our 400 already)
        if isinstance(value, list):
            raise HTTPException(400, NO_BATCHING)
        if not isinstance(value, dict):
            raise HTTPException(400, "Expected a JSON object.")
        return value

    async def read_params(self, request: Request) -> GraphQLParams | None:
        """The request's parameters, from the GET query or the JSON body; None for multipart (Strawberry reads it)."""
        if request.scope["method"] == "GET":
            return params_of(self.parse_query_params(request.query_params))
        content_type = media_type(header(request.scope, b"content-type"))
        if content_type not in POST_TYPES:
            raise HTTPException(415, "Send application/json (or multipart/form-data for an upload).")
        if content_type == "multipart/form-data":
            return None
        # Read here, once: Strawberry's parse_http_body takes the parameters (no Request.body() generator needed)
        return params_of(self.parse_json(await read_body(request.receive)))

    async def parse_http_body(self, request: Any) -> Any:
        if request.params is not None:  # read already (read_params)
            return request.params.request_data()
        data = await super().parse_http_body(request)
        if isinstance(data, list):  # never: batching is off, and parse_json refuses an array first
            raise HTTPException(400, NO_BATCHING)
        if not isinstance(data.operation_name, (str, type(None))):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null.")
        return data

    async def parse_multipart(self, request: Any) -> dict[str, Any]:
        try:
            form = await request.get_form_data()
        except (ValueError, MultiPartException, StarletteHTTPException) as error:
            raise HTTPException(400, "Unable to parse the multipart body.") from error
        operations = self.parse_json(_form_text(form.form.get("operations"), "operations"))
        files_map = self.parse_json(_form_text(form.form.get("map"), "map"))
        check_files_map(files_map, form.files)
        try:
            return replace_placeholders_with_files(operations, files_map, form.files)
        except (KeyError, IndexError, ValueError, TypeError) as error:
            raise HTTPException(400, "A multipart map path does not lead into the operation's variables.") from error

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state = request.scope["state"]  # the lifespan's state, without a State object around it
        context = Context(
            request=request, response=response, sessionmaker=state["sessionmaker"],
            writes=state["writes"], feed=state["feed"],
            request_id=request.scope.get(REQUEST_ID_KEY) or request_id_of(request.headers),
            reference_cache=state["reference_cache"], auth_cache=state["user_cache"], statements=state["statements"],
            socket_guard=state["socket_guard"],
        )
        if isinstance(request, Request):  # a websocket signs in at connection_init instead
            context.sign_in(*request.scope[USER_KEY])
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate a websocket from its connection_init payload, as GraphiQL sends headers."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        header = header if isinstance(header, str) else None
        state = context.request.scope["state"]
        try:
            verified = await self.authenticator.verify(state, header)
            context.sign_in(*await self.authenticator.admit(state, verified))
        except Refused as refused:
            raise ConnectionRejectionError(refusal_error(refused)) from None
        state["socket_guard"].watch(context.request, verified)  # closed when the token no longer signs them in
        return UNSET

    # GraphQL over HTTP: answer application/graphql-response+json with the spec's status codes
    # when the client asks for it; legacy application/json clients keep 200 for every result.
    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub = await super().get_sub_response(request)
        sub.wants_gql_response = wants_gql(request.scope)  # type: ignore[attr-defined]
        request.scope[SUB_RESPONSE_KEY] = sub  # this request's own (the lifespan state may be shared by requests)
        return sub

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data = (await super().process_result(request, result)).copy()
        errors = result.errors or []
        request_errors = bool(errors) and result.data is None and all(e.path is None for e in errors)
        if request_errors:
            for error, formatted in zip(errors, data.get("errors") or [], strict=False):
                if isinstance(formatted, dict):  # always: Strawberry formats each error as a dict
                    formatted.setdefault("extensions", {}).setdefault("code", code_for(error))
        sub = request.scope.get(SUB_RESPONSE_KEY)
        if request_errors and sub is not None and sub.wants_gql_response:
            data.pop("data", None)
            sub.status_code = 400  # the graphql-http audit expects 400 for parse and validation errors
        return data

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)  # several times faster than json.dumps on large responses

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "wants_gql_response", False):
            response.headers["content-type"] = GQL_RESPONSE + "; charset=utf-8"
        return response
