"""The request path of a known document (registered, or a text seen before: graph/persisted/seen_texts.py): what
the normal path does after validation, and nothing before it.

Skipped, because preparing the document did it once (graph/persisted/known.py): parsing, validation, the depth, alias
and token limits, Strawberry's parser and validation caches and its per-request extension runner. Kept, in the
normal path's order so the answer is the same to the byte: authentication and tenancy (the front door and the
context's sign-in), the operation's type against the method, the one-operation rule, the operation's name for
the request line, the text rule on variables, execution on the same schema and context, the masking of
unexpected errors under the request id, GraphQL-over-HTTP status codes and media types, orjson. An answer
without errors is written directly (no Strawberry sub-response, process_result or create_response: the same
bytes and headers, about a tenth of the request's CPU for a small document). A query of `__typename` alone reads
nothing and has one answer, made when the document was prepared: it is sent before any context is built.
"""

from collections.abc import MutableMapping
from inspect import isawaitable
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import ExecutionResult, GraphQLError, execute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.execution import optimized_is_awaitable
from strawberry.http.types import HTTPMethod
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graph.compiled.payloads import MutationResult
from graph.core.text_arguments import refused_variable
from graph.http_errors import GQL_RESPONSE, wants_gql
from graph.masking import mask_unexpected
from graph.operations import AMBIGUOUS, subscription_over_http
from graph.persisted.errors import DocumentRequestError
from graph.persisted.known import KnownDocument
from graph.persisted.requests import GraphQLParams
from graph.request_log import record_operation
from graph.scope_keys import PLAN_KEY

_JSON_TYPES = {False: b"application/json", True: (GQL_RESPONSE + "; charset=utf-8").encode()}  # by wants_gql
# the operation types each method may run, as Strawberry's OperationType.from_http answers (a new set per call)
# (a tuple: `in` finds an enum member by identity, where a set would call Enum.__hash__, a Python function)
_RUNS = {method: tuple(OperationType.from_http(method)) for method in ("GET", "POST")}


class Written:
    """A 200 answer of JSON bytes, sent as Starlette's Response(body, media_type=...) sends it (the same two
    messages and headers, content-length then content-type) without building its header list from a mapping."""

    __slots__ = ("body", "content_type")

    def __init__(self, body: bytes, content_type: bytes):
        self.body, self.content_type = body, content_type

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-length", str(len(self.body)).encode()), (b"content-type", self.content_type)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


async def run_known(view: Any, request: Request, document: KnownDocument, params: GraphQLParams,
                    by_id: bool) -> Response | Written:
    """Answer `request` by running `document` (view: graph/view.py's GraphQLView, for its context and response)."""
    given = params.operation_name
    operations = document.operations
    name = given if given is not None else (operations[0].name.value if operations[0].name else None)
    scope = request.scope
    kind = _check_method(document, name, _http_method(scope["method"]), by_id)
    own = operations[0].name.value if len(operations) == 1 and operations[0].name else None  # only_name's
    record_operation(scope, given if given is not None else own)
    ambiguous = given is None and len(operations) > 1
    constant = None if ambiguous else _constant(document, name, params)
    if constant is not None:  # the same bytes for every request: no context, plan or executor
        return Written(constant, _JSON_TYPES[wants_gql(scope)])
    context = await view.get_context(request, None)  # no sub-response: no resolver sets headers or a status
    result = await _result(view, document, context, params, name, kind, ambiguous=ambiguous, scope=scope)
    if not result.errors:  # the common answer, as Strawberry's process_result and create_response would make it
        answer = {"data": result.data, "extensions": result.extensions} if result.extensions else {"data": result.data}
        return Written(orjson.dumps(answer), _JSON_TYPES[wants_gql(scope)])
    sub_response = await view.get_sub_response(request)  # errors: status codes and error codes as the normal path
    result = ExecutionResult(result.data, mask_unexpected(result.errors, context.request_id))
    return view.create_response(await view.process_result(request, result), sub_response)


def _constant(document: KnownDocument, name: str | None, params: GraphQLParams) -> bytes | None:
    """The operation's answer when it is the same for every request (known.constant_answer) and this request meets
    no error first: the text rule applies to the document's variables whichever operation runs, as in `_result`."""
    constant = document.answers.get(name)
    if constant is None or _refused(document, params) is not None:
        return None
    return constant


def _refused(document: KnownDocument, params: GraphQLParams) -> GraphQLError | None:
    """The text rule's error for the request's variables, if any (none to check: most documents, most requests)."""
    if not params.variables or not document.checked_variables:
        return None
    return refused_variable(params.variables, document.checked_variables)


def _http_method(method: str) -> HTTPMethod:
    """GET or POST; the route lets HEAD through too (Starlette adds it to GET), which runs no document."""
    if method == "GET":
        return "GET"
    if method == "POST":
        return "POST"
    raise HTTPException(405, f"{method} cannot run a GraphQL document: use GET or POST.")


def _check_method(document: KnownDocument, name: str | None, method: HTTPMethod, by_id: bool) -> OperationType:
    """As the normal path: 400 for an unknown operation, or one the method may not run; GET of a mutation named
    by its id is 405 (the persisted-documents appendix's MUST)."""
    kind = document.operation_type(name)
    if kind is None:
        raise HTTPException(400, CannotGetOperationTypeError(name).as_http_error_reason())
    if kind not in _RUNS[method]:
        reason = InvalidOperationTypeError(kind).as_http_error_reason(method)
        if by_id and method == "GET":
            raise DocumentRequestError(405, "METHOD_NOT_ALLOWED", reason, headers={"allow": "POST"})
        raise HTTPException(400, reason)
    return kind


async def _result(view: Any, document: KnownDocument, context: Any, params: GraphQLParams, name: str | None,
                  kind: OperationType, ambiguous: bool, scope: MutableMapping[str, Any]) -> ExecutionResult:
    if ambiguous:
        return ExecutionResult(None, [GraphQLError(AMBIGUOUS)])
    if kind is OperationType.SUBSCRIPTION:  # as NoSubscriptionOverHttp on the normal path
        return ExecutionResult(None, [subscription_over_http()])
    refused = _refused(document, params)
    if refused is not None:
        return ExecutionResult(None, [refused])
    plan = document.plans.get(name)
    planned = await plan(context, params.variables) if plan is not None else None
    if planned is not None:
        answered = planned.plan if isinstance(planned, MutationResult) else "compiled"  # a payload may give way
        if answered is not None:
            scope[PLAN_KEY] = answered  # for the request line
        return planned
    result = execute(view.graphql_schema, document.document, root_value=None, context_value=context,
                     variable_values=params.variables, operation_name=name, executor_class=view.executor_class,
                     # Strawberry's own check, typed `-> bool` where graphql-core asks for a TypeGuard: same test
                     is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                     operation_extensions=params.extensions)
    return await result if isawaitable(result) else result
