"""The text rule for everything a request sends outside a mutation's `input`: query arguments and their variables.

A mutation's `input` is checked by the mutation wrapper (a userError naming the field); every other string
argument (search fields, log filters, cursors, IDs, checkNote drafts...) is checked here, before anything
runs, and a refused one answers a request error with code INVALID_TEXT: PostgreSQL would fail on a NUL
where SQLite matches it, so neither engine ever sees one.
"""

import re
from collections.abc import Iterator, Set
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ObjectFieldNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from resolvers.errors import CommonErrorCode
from resolvers.rules.text import check_text

# What can put a refused character into a document: an escape (\u, \b, \f) or the character itself.
_SUSPECT_SOURCE = re.compile(r"\\[ubf]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class RefuseInvalidTextArguments(SchemaExtension):
    """Answer a request error instead of executing an operation whose arguments break the text rule."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            error = refused_argument(context.query or "", context.graphql_document, context.variables or {})
            if error is not None:
                context.result = ExecutionResult(data=None, errors=[error])
        yield


def refused_argument(source: str, document: DocumentNode, variables: dict[str, Any]) -> GraphQLError | None:
    """The first string argument outside a mutation's `input` that breaks the text rule, as a request error."""
    suspect_variables = {name for name, value in variables.items() if _first_refused(value) is not None}
    if not suspect_variables and not _SUSPECT_SOURCE.search(source):
        return None
    finder = _scanned(document)
    return _refused_literal(finder) or refused_variable(variables, finder.used & suspect_variables)


def refused_literal(source: str, document: DocumentNode) -> GraphQLError | None:
    """The first string literal outside a mutation's `input` that breaks the text rule (checked once per document)."""
    return _refused_literal(_scanned(document)) if _SUSPECT_SOURCE.search(source) else None


def checked_variables(document: DocumentNode) -> frozenset[str]:
    """The variables the document uses outside its mutations' `input` arguments: the ones the text rule applies to."""
    return frozenset(_scanned(document).used)


def refused_variable(variables: dict[str, Any], checked: Set[str]) -> GraphQLError | None:
    """The first of the `checked` variables (by name) whose value breaks the text rule, as a request error."""
    for name in sorted(checked & variables.keys()):
        found = _first_refused(variables[name])
        if found is not None:
            path, message = found
            return _error(f"Variable ${name}{''.join(f'.{p}' for p in path)}: {message}", [f"${name}", *path], None)
    return None


def _scanned(document: DocumentNode) -> "_Finder":
    finder = _Finder(mutation_inputs(document))
    visit(document, finder)
    return finder


def _refused_literal(finder: "_Finder") -> GraphQLError | None:
    if finder.literal is None:
        return None
    node, where, message = finder.literal
    return _error(f"Argument {where}: {message}", [where], node)


def mutation_inputs(document: DocumentNode) -> set[int]:
    """The `input` arguments (by node id) of the document's mutation root fields, fragments included."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    found: set[int] = set()

    def walk(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.update(id(a) for a in selection.arguments or () if a.name.value == "input")
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments.keys() - seen:
                walk(fragments[selection.name.value].selection_set, seen | {selection.name.value})

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.operation is OperationType.MUTATION:
            walk(definition.selection_set, frozenset())
    return found


def _error(message: str, field: list[str], node: Any) -> GraphQLError:
    return GraphQLError(message, nodes=node, extensions={"code": str(CommonErrorCode.INVALID_TEXT), "field": field})


def _first_refused(value: Any) -> tuple[list[str], str] | None:
    """Where in a variable's value (path, message) a string breaks the text rule, if anywhere."""
    if isinstance(value, str):
        finding = check_text(value, None)
        return ([], finding.message) if finding else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _first_refused(item)
        if found is not None:
            return [str(key), *found[0]], found[1]
    return None


class _Finder(Visitor):
    """Walks a document: variables used outside mutation inputs, and the first refused string literal there."""

    def __init__(self, skipped: set[int]):
        super().__init__()
        self.skipped = skipped
        self.used: set[str] = set()
        self.names: list[str] = []
        self.literal: tuple[Any, str, str] | None = None

    def enter_variable_definition(self, *_: Any) -> Any:
        return self.SKIP  # `$x: T` declares a variable, it does not use it

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        if id(node) in self.skipped:
            return self.SKIP  # the mutation wrapper checks it, field by field, as userErrors
        self.names.append(node.name.value)
        return None

    def leave_argument(self, *_: Any) -> None:
        self.names.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_object_field(self, *_: Any) -> None:
        self.names.pop()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.used.add(node.name.value)

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        finding = check_text(node.value, None)
        if finding is not None and self.literal is None:
            self.literal = (node, ".".join(self.names), finding.message)
