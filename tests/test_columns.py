"""Column declarations (graph/core/columns.py): each hot type's fields are declared as data, and the from_row
generated from them reads the row's attributes, converts non-null values and fails loudly on a field it cannot
build."""

import dataclasses
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
import strawberry
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Enum as SqlEnum
from strawberry.types.base import get_object_definition

import graph.schema  # noqa: F401  # every lazy type resolvable
from db import models
from graph.accounts.types import Address, Premise, UtilityAccount
from graph.billing.payment_types import Payment
from graph.billing.types import ArHistoryEntry, Invoice, InvoiceLine, Money, PaymentAllocation
from graph.commlog.types import CommLogEntry, CommLogMemo, StructuredNote
from graph.core.columns import Column, Embedded, FromRow, Reference, build_from_row, by_value, column, declared
from graph.core.eager import Later
from graph.core.relay import Node, from_global_id
from graph.customers.types import Customer
from graph.tickets.types import Ticket

HOT = [Customer, UtilityAccount, Invoice, InvoiceLine, Payment, PaymentAllocation, CommLogEntry, CommLogMemo,
       ArHistoryEntry, Ticket]  # and Premise, Address, StructuredNote, embedded in them


def _declarations(cls: type) -> list[tuple[str, Any]]:
    return [(f.name, declared(f)) for f in dataclasses.fields(cls) if declared(f) is not None]  # type: ignore[arg-type]


def _columns(cls: type) -> list[tuple[str, Column]]:
    """Every column a type reads, embedded types' included (as the generated from_row reads them)."""
    found: list[tuple[str, Column]] = []
    for name, declaration in _declarations(cls):
        if isinstance(declaration, Column):
            found.append((f"{cls.__name__}.{name}", declaration))
        elif isinstance(declaration, Embedded):
            inner = declaration.columns or dict(_declarations(declaration.type))
            found += [(f"{cls.__name__}.{name}.{k}", c) for k, c in inner.items() if isinstance(c, Column)]
            found += [(f"{cls.__name__}.{name}.{k}", c) for k, c in _columns(declaration.type) if k not in inner]
    return found


ALL_COLUMNS = [(where, c) for cls in HOT for where, c in _columns(cls)]


@pytest.mark.parametrize("cls", HOT, ids=lambda c: c.__name__)
def test_every_field_a_row_gives_is_declared(cls: type) -> None:
    build_from_row(cls)  # raises for any field without a declaration, a default, `row` or a Node id
    fields = [f for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    undeclared = {f.name for f in fields if declared(f) is None and f.default is dataclasses.MISSING}
    assert undeclared <= {"id", "row"}


@pytest.mark.parametrize(("where", "declaration"), ALL_COLUMNS, ids=[w for w, _ in ALL_COLUMNS])
def test_a_declared_column_is_one_the_row_has(where: str, declaration: Column) -> None:
    table = declaration.expr.table if hasattr(declaration.expr, "table") else None
    if table is not None:  # an ORM attribute: the row is its entity, it has the attribute
        assert declaration.key in table.columns
    else:  # an expression: the statement labels it so
        assert declaration.key == "balance"


ENUM_COLUMNS = [(w, c) for w, c in ALL_COLUMNS if isinstance(getattr(c.expr, "type", None), SqlEnum)]


@pytest.mark.parametrize(("where", "declaration"), ENUM_COLUMNS, ids=[w for w, _ in ENUM_COLUMNS])
def test_every_database_enum_value_converts_to_the_api_member_of_that_value(where: str, declaration: Column) -> None:
    assert declaration.convert is not None
    for member in declaration.expr.type.enum_class:
        converted = declaration.convert(member)
        assert isinstance(converted, Enum)
        assert converted.value == member.value


def test_by_value_refuses_a_value_the_api_enum_lacks() -> None:
    class Db(Enum):
        A = "A"
        B = "B"

    class Api(Enum):
        A = "A"

    assert by_value(Api)(Db.A) is Api.A
    with pytest.raises(KeyError):
        by_value(Api)(Db.B)


@given(milli=st.none() | st.integers(-10**12, 10**12), reverses=st.none() | st.integers(1, 2**63 - 1),
       amount=st.integers(-10**9, 10**9))
def test_invoice_line_converts_non_null_values_and_keeps_nulls(milli: int | None, reverses: int | None,
                                                               amount: int) -> None:
    row = models.InvoiceLine(id=3, kind=list(models.InvoiceLine.kind.type.enum_class)[0], description="Energy",
                             quantity_milli=milli, amount_cents=amount, reason=None, reverses_line_id=reverses)
    line = InvoiceLine.from_row(row)
    assert from_global_id(line.id) == ("InvoiceLine", 3)
    assert line.quantity == (None if milli is None else Decimal(milli) / 1000)
    assert line.reverses_line_id is None if reverses is None else from_global_id(line.reverses_line_id) == (
        "InvoiceLine", reverses)
    assert line.amount == Money.of(amount)


def test_embedded_objects_read_their_columns_of_the_same_row() -> None:
    row = models.UtilityAccount(id=5, service_line1="1 A St", service_line2=None, service_city="Dallas",
                                service_state="TX", service_zip="75201", meter_number="M1", rate_class=None,
                                load_profile="RES", premise_type=None, meter_type="AMS", read_cycle="07")
    premise = build_from_row(Premise)(row)
    assert premise == Premise(service_address=Address(line1="1 A St", line2=None, city="Dallas", state="TX",
                                                      zip="75201"), meter_number="M1", rate_class=None,
                              load_profile="RES", premise_type=None, meter_type="AMS", read_cycle="07")
    assert {f.name for f in dataclasses.fields(StructuredNote)} == {k for k, _ in _declarations(StructuredNote)}


@pytest.mark.parametrize(("rate_plan_id", "expected"), [(None, None), (0, None), (4, Later)])
def test_a_reference_without_key_is_null_and_one_with_a_key_loads_later(rate_plan_id: int | None,
                                                                        expected: Any) -> None:
    row = models.UtilityAccount(id=5, utility_id=1, market_id=2, customer_id=3, rate_plan_id=rate_plan_id,
                                status=list(models.UtilityAccount.status.type.enum_class)[0])
    fields = dict(_declarations(UtilityAccount))
    assert isinstance(fields["rate_plan"], Reference)
    value = UtilityAccount.from_row(row).rate_plan  # outside a request: a Later, no loader to hold the plan yet
    assert value is None if expected is None else isinstance(value, expected)


def test_a_field_without_declaration_is_refused_when_from_row_is_built() -> None:
    @strawberry.type
    class Half(Node):
        name: str = column(models.Customer.name, description="Declared.")
        nickname: str = strawberry.field(description="Not declared.")
        from_row = FromRow()

    with pytest.raises(TypeError, match=r"Half\.nickname declares no column"):
        Half.from_row(models.Customer(id=1, name="Ann"))


def test_from_row_is_built_once_per_class() -> None:
    assert Customer.from_row is Customer.from_row
    assert get_object_definition(Customer, strict=True).name == "Customer"
