"""A known document: parsed and validated once, so a request that names it runs without either.

`DocumentChecker.prepare` applies everything a document sent as text meets before it runs (the parser's token
limit, graphql-core's rules, the depth and alias limits, introspection when it is off, one operation per name,
and the text rule on string literals), so a known document is as safe to run as one that passed the normal path.

The seam for compiled execution: `KnownDocument.plans` maps an operation's name to a Plan; the request path
(graph/persisted/fast_path.py) runs a plan when the document has one for the operation, else graphql-core's
executor. A planner attaches plans after `prepare`; nothing else changes.

A query that selects only `__typename` at its root (a client's liveness probe) has one answer whatever the request:
`KnownDocument.answers` holds its bytes, and the request path sends them without a context, plan or executor.
"""

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from strawberry.types.graphql import OperationType

from graph.core.text_arguments import checked_variables, refused_literal
from graph.schema import DocumentLimits, document_limits
from graph.settings import Settings
from resolvers.rules.persisted_files import document_id, sha256_of


def graphql_schema_of(schema: Any) -> GraphQLSchema:
    """graphql-core's schema behind a Strawberry schema: what registered documents are checked against and run on.

    Strawberry keeps it in the private `_schema` (pinned by tests/api/persisted/test_fast_path.py::
    test_the_schema_is_strawberrys).
    """
    return schema._schema


def checker_for(schema: Any, settings: Settings) -> "DocumentChecker":
    """The checker of documents against the app's schema, with the limits text requests meet under `settings`
    (and compiled plans for what it prepares when `settings.compiled_plans`)."""
    return DocumentChecker(graphql_schema_of(schema), document_limits(settings), compiled=settings.compiled_plans)


class Plan(Protocol):
    """Runs one operation of a known document for one request, as graphql-core's `execute` would answer it; None:
    the executor answers this request (an error only it words)."""

    def __call__(self, context: Any, variables: dict[str, Any] | None) -> Awaitable[ExecutionResult | None]:
        ...


@dataclass(eq=False)
class KnownDocument:
    sha256: str
    text: str
    document: DocumentNode
    operations: tuple[OperationDefinitionNode, ...]
    checked_variables: frozenset[str]  # the variables the text rule applies to (graph/core/text_arguments.py)
    trusted: bool  # registered by an operator: runs when CSRGRAPH_DOCUMENTS=trusted
    plans: dict[str | None, Plan] = field(default_factory=dict)  # by operation name; filled by a planner
    # why an operation has no plan (graph/compiled/plan.py), by operation name; with `plans`, what the planner made
    fallbacks: dict[str | None, tuple[str, ...]] = field(default_factory=dict)
    # the response body of each operation whose answer is the same for every request (constant_answer), by name
    answers: dict[str | None, bytes] = field(default_factory=dict)
    # the types of the operations asked for, by name (only names the document has: a request's name is anyone's)
    _types: dict[str | None, OperationType] = field(default_factory=dict, repr=False)

    def operation_type(self, name: str | None) -> OperationType | None:
        """The type of the operation `name` (None: the first), as strawberry's get_operation_type finds it."""
        known = self._types.get(name)
        if known is not None:
            return known
        for operation in self.operations if name is not None else self.operations[:1]:
            if name is None or (operation.name is not None and operation.name.value == name):
                found = self._types[name] = OperationType(operation.operation.value)
                return found
        return None

    @property
    def id(self) -> str:
        return document_id(self.sha256)

    @property
    def name(self) -> str | None:
        """The operations' names, for listings and messages (None for one anonymous operation)."""
        names = [o.name.value for o in self.operations if o.name]
        return ", ".join(names) or None

    def describe(self) -> str:
        return f"{self.name or 'anonymous operation'} ({self.id})"


class DocumentRefused(ValueError):
    """A document that would not run: its errors, as the normal path would answer them."""

    def __init__(self, errors: list[GraphQLError]):
        super().__init__("; ".join(_located(e) for e in errors))
        self.errors = errors


def _located(error: GraphQLError) -> str:
    where = ", ".join(f"line {loc.line}, column {loc.column}" for loc in error.locations or ())
    return f"{error.message} ({where})" if where else error.message


@dataclass(frozen=True)
class DocumentChecker:
    """Checks documents against one schema and the limits a request's text meets."""

    schema: GraphQLSchema
    limits: DocumentLimits
    rules: tuple[type[ASTValidationRule], ...] = ()
    compiled: bool = False  # attach compiled plans to the documents it prepares (CSRGRAPH_COMPILED_PLANS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", (*specified_rules, *self.limits.rules))

    def prepare(self, text: str, *, trusted: bool, sha256: str | None = None) -> KnownDocument:
        """The document of `text`, parsed and validated; raises DocumentRefused with its errors."""
        try:
            document = parse(text, max_tokens=self.limits.max_tokens)
        except GraphQLError as error:
            raise DocumentRefused([error]) from None
        errors = validate(self.schema, document, self.rules)
        if errors:
            raise DocumentRefused(errors)
        refused = refused_literal(text, document)
        if refused is not None:
            raise DocumentRefused([refused])
        operations = tuple(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        known = KnownDocument(sha256 or sha256_of(text), text, document, operations, checked_variables(document),
                              trusted)
        for operation in operations:
            answer = constant_answer(self.schema, operation)
            if answer is not None:
                known.answers[operation.name.value if operation.name else None] = answer
        if self.compiled:
            from graph.compiled.plan import plan_document  # the planner imports the schema's types

            for name, planned in plan_document(self.schema, document, operations, known.sha256).items():
                if planned.plan is not None:
                    known.plans[name] = planned.plan
                else:
                    known.fallbacks[name] = planned.fallbacks
        return known



def constant_answer(schema: GraphQLSchema, operation: OperationDefinitionNode) -> bytes | None:
    """The response body of a query whose every root selection is a plain `__typename` (aliases allowed: `{ a:
    __typename }`), as graphql-core's executor answers it for any request; None for anything else. Nothing it
    leaves out can change that answer: no directive, fragment or field to run, so no variable (a valid document uses
    each variable it defines, and only a directive could use one here)."""
    query = schema.query_type
    if operation.operation.value != "query" or query is None or operation.directives:
        return None
    data: dict[str, str] = {}
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value != "__typename" or selection.directives:
            return None
        data[selection.alias.value if selection.alias else "__typename"] = query.name  # repeated keys merge
    return orjson.dumps({"data": data})
