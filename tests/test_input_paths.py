"""Resolvers name the input field at fault in domain names; the mutation wrapper maps it to the GraphQL path.

The mapping is checked on a table of inputs (camelCase, a custom `name=`, nested inputs, lists), and every field
path a resolver (or graph code) declares is walked against the schema's input types, so a misspelt or stale
name fails here rather than as a masked error in front of an agent.
"""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import GraphQLInputObjectType, build_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import get_object_definition

from graph.core.errors import UserError, client_error, locate
from graph.core.input_paths import UnknownInputField, api_path, item_type
from graph.schema import make_schema
from resolvers.errors import Invalid, UserInputError, ensure_text

ROOT = Path(__file__).parent.parent
NAMES = StrawberryConfig().name_converter
SCHEMA = make_schema()


@strawberry.input(description="A line.")
class LineInput:
    invoice_id: strawberry.ID = strawberry.field(description="The invoice.")
    amount_due: str = strawberry.field(description="The amount.")


@strawberry.input(description="An address.")
class PlaceInput:
    line1: str = strawberry.field(description="Street.")
    zip_code: str | None = strawberry.field(description="ZIP.", default=None)


@strawberry.input(description="A payment.")
class PaymentInput:
    card_last4: str | None = strawberry.field(description="Card.", default=None)
    from_: str = strawberry.field(name="from", description="A custom name.")
    received_on_day: str = strawberry.field(name="dayReceived", description="A custom camel name.")
    lines: list[LineInput] = strawberry.field(description="Lines.")
    billing_place: PlaceInput | None = strawberry.field(description="Nested, optional.", default=None)
    tags: list[str] | None = strawberry.field(description="Scalars in a list.", default=None)


@pytest.mark.parametrize(("field", "path"), [
    ((), ["input"]),
    (("card_last4",), ["input", "cardLast4"]),
    (("from_",), ["input", "from"]),
    (("received_on_day",), ["input", "dayReceived"]),
    (("lines",), ["input", "lines"]),
    (("lines", 3), ["input", "lines", "3"]),
    (("lines", 0, "invoice_id"), ["input", "lines", "0", "invoiceId"]),
    (("lines", 12, "amount_due"), ["input", "lines", "12", "amountDue"]),
    (("billing_place", "zip_code"), ["input", "billingPlace", "zipCode"]),
    (("billing_place", "line1"), ["input", "billingPlace", "line1"]),
    (("tags", 2), ["input", "tags", "2"]),
])
def test_a_domain_path_maps_to_the_inputs_graphql_path(field, path):
    assert api_path(field, PaymentInput, NAMES) == path


@pytest.mark.parametrize("field", [
    ("cardLast4",),  # the GraphQL spelling: resolvers speak domain names
    ("from",),  # the custom name, not the Python one
    ("input", "card_last4"),  # "input" is the wrapper's to add
    ("card_last_4",),
    ("lines", 0, "amount"),  # a field of the payment, not of the line
    ("billing_place", "zip_code", "more"),  # below a scalar
])
def test_a_field_the_input_does_not_have_is_a_programming_error(field):
    with pytest.raises(UnknownInputField):
        api_path(field, PaymentInput, NAMES)


def test_the_wrapper_locates_an_error_once_and_the_userError_shows_the_graphql_path():
    error = Invalid("Bad.", ("lines", 1, "amount_due"))
    locate(error, PaymentInput(from_="a", received_on_day="b", lines=[]), NAMES)
    assert error.field == ["input", "lines", "1", "amountDue"]
    locate(error, PaymentInput(from_="a", received_on_day="b", lines=[]), NAMES)  # already an API path: kept
    assert UserError.from_exception(error).field == ["input", "lines", "1", "amountDue"]


def test_a_string_field_is_a_path_of_one_name_and_no_field_stays_none():
    assert UserInputError("INVALID", "x", "card_last4").field == ("card_last4",)
    assert UserInputError("INVALID", "x").field is None
    assert UserError.from_exception(UserInputError("INVALID", "x")).field is None


def test_a_text_refusal_names_the_field_by_domain_path_and_labels_it_as_given():
    with pytest.raises(UserInputError) as raised:
        ensure_text("a\x00b", ("lines", 2, "amount_due"), label="amountDue")
    assert raised.value.field == ("lines", 2, "amount_due")
    assert raised.value.message.startswith("amountDue: ")


def test_a_query_error_names_its_argument_as_the_api_does():
    class Info:  # what client_error reads of strawberry.Info
        schema = SCHEMA

    error = client_error(Invalid("Bad.", "utility_account_id"), Info())  # type: ignore[arg-type]
    assert error.extensions["field"] == ["utilityAccountId"]


# Every field path declared in code, walked against the schema.

FIELD_PARAMETERS = {"field", "path", "at"}
# Paths that are not into a GraphQL input or a root query's arguments, and why.
NOT_INPUT_PATHS = {
    "resolvers/accounts/consumption.py": "UtilityAccount.consumption's arguments (a nested field's, API-named)",
    "resolvers/customers/search/queries.py": "customers(search:)'s argument, API-named (its Python name is search_)",
    "resolvers/billing/exports.py": "an HTTP export's query parameter (graph/exports.py)",
    "resolvers/admin/clients.py": "the create-client command's arguments (graph/admin/cli.py)",
    "resolvers/rules/note_policy.py": "a finding names the part of the note it is about (NoteFinding.field)",
}


def python_files() -> Iterator[Path]:
    for folder in ("resolvers", "graph"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def field_positions(trees: list[ast.AST]) -> dict[str, int]:
    """Callables (functions, and classes by their __init__) that take a field path, and where it goes."""
    positions: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
                if init is not None:
                    _note(positions, node.name, [a.arg for a in init.args.args][1:])
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                _note(positions, node.name, [a.arg for a in node.args.args if a.arg != "self"])
    return positions


def _note(positions: dict[str, int], name: str, arguments: list[str]) -> None:
    index = next((i for i, a in enumerate(arguments) if a in FIELD_PARAMETERS), None)
    if index is not None:
        positions[name] = index


def declared_paths() -> Iterator[tuple[str, bool, tuple[str | int, ...]]]:
    """(where, anchored, path) of every literal field path: arguments in a field position, and names that hold
    one (`CUSTOMER_FIELD = "customer_id"`, `field = "invoice_id"`). `anchored` is False when the path continues
    a prefix held in a variable (`(*at, "meter_number")`): then only its known tail is checked."""
    trees = {path: ast.parse(path.read_text()) for path in python_files()}
    positions = field_positions(list(trees.values()))
    for path, tree in trees.items():
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in positions and len(node.args) > positions[name]:
                    values.append(node.args[positions[name]])
                values += [k.value for k in node.keywords if k.arg in FIELD_PARAMETERS]
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target = node.targets[0].id
                if target.lower() in FIELD_PARAMETERS or target.endswith("_FIELD") or target == "FIELD":
                    values.append(node.value)
            for value in values if str(path.relative_to(ROOT)) not in NOT_INPUT_PATHS else ():
                for anchored, found in literal_paths(value):
                    yield f"{path.relative_to(ROOT)}:{value.lineno}", anchored, found


def literal_paths(node: ast.expr) -> Iterator[tuple[bool, tuple[str | int, ...]]]:
    if isinstance(node, ast.IfExp):
        yield from literal_paths(node.body)
        yield from literal_paths(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from literal_paths(value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield True, (node.value,)
    elif isinstance(node, (ast.Tuple, ast.List)):
        anchored, parts = True, []
        for index, element in enumerate(node.elts):
            if (
                isinstance(element, ast.Constant)
                and isinstance(element.value, str)
                or isinstance(element, ast.Constant)
                and isinstance(element.value, int)
            ):
                parts.append(element.value)
            elif index == 0:  # a prefix held elsewhere (`*at`, `path`)
                anchored = False
            else:  # an index computed at run time
                parts.append(0)
        if any(isinstance(p, str) for p in parts):
            yield anchored, tuple(parts) if anchored else tuple(_tail(parts))


def _tail(parts: list[str | int]) -> list[str | int]:
    """The part from the first name on (a leading index belongs to the unknown prefix)."""
    first = next(i for i, p in enumerate(parts) if isinstance(p, str))
    return parts[first:]


def roots() -> list[Any]:
    """Where a declared path may start: each mutation's input, and each query's arguments (a query's error names
    its argument; checkNote and paymentAllocationPreview take a mutation's input)."""
    found = []
    for operation in (SCHEMA.query, SCHEMA.mutation):
        for field in get_object_definition(operation, strict=True).fields:
            arguments = {a.python_name: a.type for a in field.arguments}
            found.append(as_fields(item_type(arguments.pop("input"))) if "input" in arguments else arguments)
    return found


def input_types() -> list[Any]:
    graphql = build_schema(SCHEMA.as_str())
    return [SCHEMA.get_type_by_name(name).origin for name, kind in graphql.type_map.items()
            if isinstance(kind, GraphQLInputObjectType)]


def resolves(path: tuple[str | int, ...], fields: dict[str, Any]) -> bool:
    head, *rest = path
    if not isinstance(head, str) or head not in fields:
        return False
    target = item_type(fields[head])
    if rest and isinstance(rest[0], int):
        rest = rest[1:]
    if not rest:
        return True
    if get_object_definition(target) is None:
        return False
    try:
        api_path(tuple(rest), target, NAMES)
    except UnknownInputField:
        return False
    return True


def as_fields(input_type: Any) -> dict[str, Any]:
    return {f.python_name: f.type for f in get_object_definition(input_type, strict=True).fields}


def test_the_scan_finds_the_paths_it_is_meant_to_check():
    found = {(anchored, path) for _, anchored, path in declared_paths()}
    assert (True, ("card_last4",)) in found  # resolvers/billing/payments.py
    assert (True, ("customer_ids", 0)) in found  # an index computed at run time
    assert (False, ("ldc_account_number",)) in found  # after the account's place, `(*at, ...)`
    assert len(found) > 80  # distinct paths


def test_every_declared_field_path_is_a_field_of_an_input():
    starts = roots()
    inputs = [as_fields(t) for t in input_types()]
    missing = [(where, path) for where, anchored, path in declared_paths()
               if not any(resolves(path, fields) for fields in (starts if anchored else starts + inputs))]
    assert missing == [], "name the field as its Python input type does (snake_case), without 'input'"
