"""GraphQL enums made from the domain's enums, with a description on every value."""

import enum

import strawberry


def described_enum(source: type[enum.Enum], description: str, values: dict[str, str]) -> type[enum.Enum]:
    """A GraphQL enum with `source`'s members; `values` must describe every member."""
    missing = {m.name for m in source} ^ set(values)
    if missing:
        raise ValueError(f"{source.__name__}: describe exactly its members; mismatch {sorted(missing)}")
    members = {m.name: strawberry.enum_value(m.value, description=values[m.name]) for m in source}
    return strawberry.enum(enum.Enum(source.__name__, members), description=description)  # type: ignore[misc]
