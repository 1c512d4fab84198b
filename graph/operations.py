"""Which operation of a document runs: an ambiguous request is refused, and the name goes to the request log."""

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from graph.request_log import record_operation

AMBIGUOUS = "Must provide operation name if query contains multiple operations."


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
        operations = [d for d in context.graphql_document.definitions if isinstance(d, OperationDefinitionNode)]
        if given is None and len(operations) > 1 and not context.pre_execution_errors:
            context.pre_execution_errors = [GraphQLError(AMBIGUOUS)]
        request = getattr(context.context, "request", None)
        if request is not None:
            record_operation(request.scope, given if given is not None else only_name(operations))
        yield


def only_name(operations: list[OperationDefinitionNode]) -> str | None:
    return operations[0].name.value if len(operations) == 1 and operations[0].name else None
