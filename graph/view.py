"""The GraphQL endpoint: context per request, offline GraphiQL, GraphQL-over-HTTP negotiation."""

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from graph.auth import Authenticator
from graph.context import Context
from graph.ide import render_graphiql_html, wants_ide
from graph.limits import code_for
from graph.tokens import Refused, refusal_error
from graph.request_log import request_id_of
from graph.scope_keys import REQUEST_ID_KEY, USER_KEY

GQL_RESPONSE = "application/graphql-response+json"


class GraphQLView(GraphQL):
    def __init__(self, schema: Any, *, authenticator: Authenticator, **options: Any):
        super().__init__(schema, **options)
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and wants_ide(scope):
            await HTMLResponse(render_graphiql_html())(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:  # type: ignore[override]
        state = request.state
        context = Context(
            request=request, response=response, sessionmaker=state.sessionmaker,
            write_sessionmaker=state.write_sessionmaker, broker=state.broker,
            request_id=request.scope.get(REQUEST_ID_KEY) or request_id_of(request.headers),
            reference_cache=state.reference_cache, auth_cache=state.user_cache,
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
            context.sign_in(*await self.authenticator.sign_in(state, header))
        except Refused as refused:
            raise ConnectionRejectionError(refusal_error(refused)) from None

        async def signed_out() -> dict[str, Any] | None:
            try:
                await self.authenticator.sign_in(state, header)
            except Refused as refused:
                return refusal_error(refused)
            return None

        context.signed_out = signed_out  # subscriptions ask it as they run (graph/live_sign_in.py)
        return UNSET

    # GraphQL over HTTP: answer application/graphql-response+json with the spec's status codes
    # when the client asks for it; legacy application/json clients keep 200 for every result.
    async def get_sub_response(self, request: Request) -> Response:
        sub = await super().get_sub_response(request)
        sub.wants_gql_response = GQL_RESPONSE in request.headers.get("accept", "")  # type: ignore[attr-defined]
        request.state.sub_response = sub
        return sub

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data: dict[str, Any] = dict(await super().process_result(request, result))
        request_errors = bool(result.errors) and result.data is None and all(e.path is None for e in result.errors)
        if request_errors:
            for error, formatted in zip(result.errors, data["errors"]):
                formatted.setdefault("extensions", {}).setdefault("code", code_for(error))
        sub = getattr(request.state, "sub_response", None)
        if request_errors and sub is not None and sub.wants_gql_response:
            data.pop("data", None)
            sub.status_code = 400  # the graphql-http audit expects 400 for parse and validation errors
        return data  # type: ignore[return-value]

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)  # several times faster than json.dumps on large responses

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "wants_gql_response", False):
            response.headers["content-type"] = GQL_RESPONSE + "; charset=utf-8"
        return response
