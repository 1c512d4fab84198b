"""Every text input of every mutation, generated from the schema (issue 10, items 11, 15 and 16).

A String input field states its limit; a value one character longer, or one holding NUL, is a userError naming
the field (TEXT_TOO_LONG, INVALID_TEXT) and nothing is written; an explicit null for any nullable field has a
meaning (never a Python repr, never an error without extensions.code).
"""

import json

import pytest
from strawberry.types.base import StrawberryMaybe, StrawberryOptional

from db.models import UtilityAccount
from graph.core.text import MAX_CLIENT_MUTATION_ID
from graph.customers.inputs import AddressInput
from tests.api.schema_inputs import SCHEMA, document, input_paths, mutations, with_value
from tests.conftest import token_for

MUTATIONS = sorted(mutations())
WRITES = ("INSERT", "UPDATE", "DELETE")


def text_paths(mutation: str):
    return [p for p in input_paths(mutation) if p.scalar == "String"]


async def send(api, user, count_sql, mutation: str, path, value) -> tuple[dict, list[str]]:
    """POST the mutation with `value` at `path`; JSON escapes every non-ASCII character (a lone surrogate too)."""
    body = json.dumps({"query": document(mutation), "variables": {"input": with_value(mutation, path, value)}})
    headers = {"authorization": f"Bearer {token_for(user)}", "content-type": "application/json"}
    with count_sql() as counter:
        response = await api.client.post("/graphql", content=body, headers=headers)
    return response.json(), [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)]


def test_every_string_input_field_of_a_mutation_states_its_limit():
    for mutation in MUTATIONS:
        for path in text_paths(mutation):
            assert path.max_length, f"{path}: declare it with graph.core.text.text_field"
            assert path.field.description.endswith(f"At most {path.max_length:,} characters."), path


def test_no_input_field_refuses_an_explicit_null_by_its_type():
    # Maybe[T] (without None) is why Strawberry answered null with a Python repr: every Maybe allows null
    for definition in SCHEMA.schema_converter.type_map.values():
        for field in getattr(definition.definition, "fields", []):
            if isinstance(field.type, StrawberryMaybe):
                assert isinstance(field.type.of_type, StrawberryOptional), f"{definition.definition.name}.{field.name}"


def test_the_shared_address_input_states_the_limits_of_both_addresses_it_writes():
    # AddressInput is a billing address (customers) and a service address (utility_accounts)
    limits = {f.python_name: f.metadata["csrgraph.max_length"] for f in AddressInput.__strawberry_definition__.fields}
    service = {part: getattr(UtilityAccount, f"service_{part}").type.length for part in limits}
    assert limits == service


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_text_one_character_over_its_limit_is_refused_and_writes_nothing(api, tenant, count_sql, mutation):
    for path in text_paths(mutation):
        # when
        letter = (
            "é" if path.max_length < 10_000 else "x"
        )  # characters, not bytes; the longest stay under the body limit
        body, writes = await send(api, tenant.admin, count_sql, mutation, path.path, letter * (path.max_length + 1))
        # then
        errors = body["data"][mutation]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("TEXT_TOO_LONG", path.error_path)], path
        assert f"{path.max_length:,} characters" in errors[0]["message"]
        assert writes == [], path


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("bad", ["nul\x00here", "\x1b[31mred", "bell\x07", "\x7f", "c1\x85", "lone \ud800"])
async def test_text_and_ids_with_a_refused_character_are_refused_and_write_nothing(api, tenant, count_sql, mutation,
                                                                                    bad):
    for path in [p for p in input_paths(mutation) if p.scalar in ("String", "ID")]:
        body, writes = await send(api, tenant.admin, count_sql, mutation, path.path, bad)
        errors = body["data"][mutation]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_TEXT", path.error_path)], path
        assert writes == [], path


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_tab_and_line_breaks_are_text(api, tenant, count_sql, mutation):
    for path in text_paths(mutation):
        body, _ = await send(api, tenant.admin, count_sql, mutation, path.path, "a\tb\r\nc"[:path.max_length])
        codes = [e["code"] for e in body["data"][mutation]["userErrors"]]
        assert "INVALID_TEXT" not in codes, (path, codes)
        assert "TEXT_TOO_LONG" not in codes, (path, codes)


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_an_explicit_null_for_any_nullable_field_is_answered_by_the_payload(api, tenant, count_sql, mutation):
    for path in [p for p in input_paths(mutation) if not str(p.field.type).endswith("!")]:
        body, _ = await send(api, tenant.admin, count_sql, mutation, path.path, None)
        text = str(body)
        assert "errors" not in body, (path, body)
        assert "Maybe[" not in text, (path, text)
        assert "wrapped_cls" not in text, (path, text)
        assert "Strawberry" not in text, (path, text)
        assert "userErrors" in body["data"][mutation], path


def test_client_mutation_id_is_bounded_like_any_text():
    assert MAX_CLIENT_MUTATION_ID == 200
