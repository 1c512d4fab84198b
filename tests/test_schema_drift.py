"""schema.graphql is exported from the code and committed; this fails when they drift apart."""

from pathlib import Path

from graphql import build_schema

from graph.schema import make_schema

SCHEMA_FILE = Path(__file__).parent.parent / "schema.graphql"


def test_committed_schema_matches_the_code():
    exported = make_schema().as_str() + "\n"
    assert SCHEMA_FILE.read_text() == exported, "schema.graphql is stale: run `make schema` and commit it"


def test_every_type_field_argument_and_enum_value_has_a_description():
    schema = build_schema(SCHEMA_FILE.read_text())
    missing = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not kind.description:
            missing.append(name)
        for field_name, field in getattr(kind, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
        for value_name, value in getattr(kind, "values", {}).items():
            if not value.description:
                missing.append(f"{name}.{value_name}")
    assert missing == []
