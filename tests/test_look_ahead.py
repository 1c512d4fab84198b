"""The one look-ahead (graph/core/eager.py, on Strawberry's public `info.selected_fields`) reads the selection
however the query spells it: literals, variables, fragments, aliases."""

from typing import Any

import pytest
import strawberry
from hypothesis import given
from hypothesis import strategies as st

from graph.core.eager import page_requests_at, selected_names, selects
from graph.core.relay import After, Before, CursorShape, First, Last, encode_cursor
from resolvers.pagination import MAX_PAGE_SIZE, PageRequest

SHAPE = CursorShape("item", (int,))
CURSOR = encode_cursor((7,), SHAPE)
seen: dict[str, Any] = {}


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def children(self, first: First = None, after: After = None, last: Last = None,
                 before: Before = None) -> list["Item"]:
        return []


@strawberry.type
class Query:
    @strawberry.field
    def items(self, info: strawberry.Info) -> list[Item]:
        seen.update(requests=page_requests_at(info, SHAPE, "children"), names=selected_names(info, "children"),
                    selects_name=selects(info, "children", "name"), selects_size=selects(info, "children", "size"))
        return [Item(name="a")]


schema = strawberry.Schema(query=Query)


async def look_ahead(document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    seen.clear()
    result = await schema.execute(document, variable_values=variables)
    assert result.errors is None, result.errors
    return dict(seen)


TWO_AFTER_7 = [PageRequest(first=2, after=(7,))]
SPELLINGS = [  # (document, variables)
    ('{ items { children(first: 2, after: "%s") { name } } }' % CURSOR, None),
    ("query($n: Int, $a: String) { items { children(first: $n, after: $a) { name } } }", {"n": 2, "a": CURSOR}),
    ('query { items { ...F } } fragment F on Item { children(first: 2, after: "%s") { name } }' % CURSOR, None),
    ('{ items { ... on Item { children(first: 2, after: "%s") { ... on Item { name } } } } }' % CURSOR, None),
    ('{ items { kids: children(first: 2, after: "%s") { name } } }' % CURSOR, None),
    ("query($n: Int = 2, $a: String) { items { children(first: $n, after: $a) { name } } }", {"a": CURSOR}),
]


@pytest.mark.parametrize(("document", "variables"), SPELLINGS)
async def test_every_spelling_of_a_connection_gives_the_same_page_request(document, variables):
    found = await look_ahead(document, variables)
    assert found["requests"] == TWO_AFTER_7
    assert found["names"] == {"name"}
    assert found["selects_name"] is True
    assert found["selects_size"] is False


@given(st.integers(min_value=0, max_value=MAX_PAGE_SIZE), st.sampled_from(["first", "last"]))
async def test_a_literal_size_reads_as_the_same_variable(size, argument):
    literal = await look_ahead("{ items { children(%s: %d) { name } } }" % (argument, size))
    variable = await look_ahead("query($n: Int) { items { children(%s: $n) { name } } }" % argument, {"n": size})
    assert literal["requests"] == variable["requests"] == [PageRequest(**{argument: size})]


@pytest.mark.parametrize(("document", "variables", "expected"), [
    ("{ items { children { name } } }", None, [PageRequest()]),
    ("query($n: Int) { items { children(first: $n) { name } } }", {}, [PageRequest()]),
    ("{ items { a: children(first: 1) { name } b: children(last: 3) { name } } }", None,
     [PageRequest(first=1), PageRequest(last=3)]),
    # invalid arguments make no request: the field's own resolver reports them
    ("{ items { children(first: -1) { name } } }", None, []),
    ("{ items { children(first: 1, last: 1) { name } } }", None, []),
    ('{ items { children(after: "not a cursor") { name } } }', None, []),
    ("{ items { name } }", None, []),
])
async def test_page_requests_per_selection(document, variables, expected):
    assert (await look_ahead(document, variables))["requests"] == expected
