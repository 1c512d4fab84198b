"""Which operation of a document runs: an ambiguous request is refused, a subscription over plain HTTP too, and
the name goes to the request log."""

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph.request_log import record_operation

AMBIGUOUS = "Must provide operation name if query contains multiple operations."
SUBSCRIPTION_NEEDS_WEBSOCKET = "SUBSCRIPTION_NEEDS_WEBSOCKET"


class OneOperation(SchemaExtension):
    """A document with several operations needs `operationName` (GraphQL spec, GetOperation): a request error.

    Strawberry hands graphql-core the first operation's name when the request gives none, so graphql-core's
    own check never fires. The name the client sent is only in ExecutionContext's private
    `_provided_operation_name` (pinned by tests/api/test_http.py::TestOperationName). Listed after
    ValidationCache, whose errors it keeps.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        given = context._provided_operation_name
        document = context.graphql_document  # parsed by now: validation runs only on a parsed document
        definitions = document.definitions if document is not None else ()
        operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
        if given is None and len(operations) > 1 and not context.pre_execution_errors:
            context.pre_execution_errors = [GraphQLError(AMBIGUOUS)]
        request = getattr(context.context, "request", None)
        if request is not None:
            record_operation(request.scope, given if given is not None else only_name(operations))
        yield


def only_name(operations: list[OperationDefinitionNode]) -> str | None:
    return operations[0].name.value if len(operations) == 1 and operations[0].name else None


def subscription_over_http() -> GraphQLError:
    """The request error for a subscription sent as an HTTP GET or POST: it streams over the websocket only."""
    return GraphQLError(
        "Subscriptions run over a websocket only: open one to /graphql with the graphql-transport-ws protocol "
        "and subscribe there; GET and POST run queries and mutations.",
        extensions={"code": SUBSCRIPTION_NEEDS_WEBSOCKET},
    )


class NoSubscriptionOverHttp(SchemaExtension):
    """Refuse a valid subscription sent over HTTP with a request error that says where subscriptions run.

    Strawberry lets GET and POST name a subscription (for its multipart streaming, which this app does not offer);
    graphql-core's execute then fails on the resolver's async generator, which reached clients as a masked
    "Unexpected error." Listed after ValidationCache, which validates before its yield: an invalid document answers
    its validation errors first, as on the registered-document path (graph/persisted/fast_path.py).
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        over_http = isinstance(getattr(context.context, "request", None), Request)  # a websocket's is a WebSocket
        if over_http and not context.pre_execution_errors and context.operation_type is OperationType.SUBSCRIPTION:
            context.pre_execution_errors = [subscription_over_http()]
        yield
