"""What a plan decides once (branch levels24, docs/compiled-plans.md 18b) answers as the executor does, request after
request: a connection's literal arguments coerced at its first request (refusals too), the builders' inline ids,
levels below, embedded objects and shared references (their objects kept while their cached row is the same), and
the derived values (an energy rate, the alerts' two statements read together)."""

import base64
import logging
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import EnrollmentStatus
from graph.accounts.types import energy_rate_today
from graph.compiled import objects
from graph.core.relay import MAX_KEY, to_global_id
from graph.logs import fields_of
from tests.api.persisted.helpers import GQL, auth, register
from tests.api.persisted.test_compiled import compiled  # noqa: F401  # the app with plans
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

CONNECTION = ("{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } "
              "edges { cursor node { name } } }")
ACCOUNTS = ("{ totalCount edges { node { id premise { serviceAddress { line1 city } meterNumber } "
            "utility { code name } market { code } ratePlan { code kind energyRate } "
            "enrollments { status ratePlan { code } } } } }")
# (the selection under a master customer, whether the executor refuses it): literal arguments, none, a variable
SELECTIONS = [
    (f"children(first: 2) {CONNECTION}", False),
    (f"children(last: 1) {CONNECTION}", False),
    (f"children(first: 0) {CONNECTION}", False),
    (f"children {CONNECTION}", False),  # the defaults
    (f"a: children(first: 1) {CONNECTION} b: children(first: 3) {CONNECTION}", False),
    (f"children(first: 2, after: $after) {CONNECTION}", False),  # a variable: coerced per request
    (f"utilityAccounts(first: 1) {ACCOUNTS}", False),
    (f"utilityAccounts(first: 5) {ACCOUNTS} children(first: 1) {CONNECTION}", False),
    (f"children(first: 101) {CONNECTION}", True),  # refused, at every request
    (f"children(first: 1, last: 1) {CONNECTION}", True),
    (f'children(after: "bogus") {CONNECTION}', True),
]


@pytest.fixture
async def master(session, tenant) -> str:
    """A master with four children, two accounts (one with two enrollments on one plan)."""
    top = await make_customer(session, tenant, "Level Master", is_master=True)
    for name in ("Ann Level", "Bea Level", "Cy Level", "Di Level"):
        await make_customer(session, tenant, name, master=top)
    await make_account(session, top, status=EnrollmentStatus.ACTIVE)
    await make_account(session, top, utility="CENTERPOINT", status=EnrollmentStatus.DROPPED, line1="9 Elm St")
    await session.commit()
    return to_global_id("Customer", top.id)


@pytest.mark.parametrize(("selection", "refused"), SELECTIONS)
async def test_literal_arguments_answer_the_executors_bytes_request_after_request(
        api, compiled, database, tenant, master, caplog, selection: str, refused: bool) -> None:  # noqa: F811
    declared = ", $after: String" if "$after" in selection else ""
    text = f"query L($id: ID!{declared}) {{ node(id: $id) {{ id ... on Customer {{ {selection} }} }} }}"
    [document_id] = await register(database, text)
    headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
    cursor = None
    for _ in range(3):  # the first request coerces the literals, the others reuse them
        variables = {"id": master, **({"after": cursor} if declared else {})}
        reference = await api.client.post("/graphql", json={"query": text, "variables": variables}, headers=headers)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            planned = await compiled.client.post("/graphql", json={"documentId": document_id,
                                                                    "variables": variables}, headers=headers)
        assert planned.content == reference.content
        assert (b'"errors"' in reference.content) == refused, reference.content
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert line.get("plan") == (None if refused else "compiled")
        if not refused and "$after" in selection:  # walk the pages with the variable
            cursor = planned.json()["data"]["node"]["children"]["pageInfo"]["endCursor"]


@given(st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=20),
       st.integers(min_value=1, max_value=MAX_KEY))
def test_a_builders_global_id_is_to_global_ids(type_name: str, key: int) -> None:
    """Whatever the length of `Name:` (its base64 written once where it is a multiple of three bytes)."""
    build = objects._builder([("id", objects._GlobalId(type_name))])
    expected = base64.b64encode(f"{type_name}:{key}".encode()).decode()
    assert build(SimpleNamespace(id=key), []) == {"id": expected}
    assert to_global_id(type_name, key) == expected


@pytest.mark.parametrize("type_name", ["Customer", "UtilityAccount", "RatePlan", "Market", "Utility", "Enrollment",
                                       "AB", "A"])
def test_a_builders_global_id_for_each_length(type_name: str) -> None:
    build = objects._builder([("id", objects._GlobalId(type_name)), ("t", objects._Constant(type_name))])
    for key in (1, 26, 999, 10**6, MAX_KEY):
        assert build(SimpleNamespace(id=key), []) == {"id": to_global_id(type_name, key), "t": type_name}


def test_a_shared_references_objects_are_kept_while_its_cached_row_is_the_same() -> None:
    built: list[Any] = []

    def build(row: Any, found: Any) -> dict[str, Any]:
        built.append(row)
        return {"name": row.name}

    level = objects.ReferenceLevel(0, "utility_id", None, objects.ObjectLevel({}, build, []), ("s", 0), True)
    first, second = SimpleNamespace(id=1, name="ONCOR"), SimpleNamespace(id=2, name="TNMP")
    answer = level._kept_objects([first, second], [])
    assert answer == {1: {"name": "ONCOR"}, 2: {"name": "TNMP"}}
    assert built == [first, second]
    assert level._kept_objects([first], [])[1] is answer[1]  # kept: not built again
    assert built == [first, second]
    renamed = SimpleNamespace(id=1, name="Oncor Electric")  # the cache's row read again after it expired
    assert level._kept_objects([renamed], []) == {1: {"name": "Oncor Electric"}}
    assert built[-1] is renamed
    many = [SimpleNamespace(id=n, name=str(n)) for n in range(objects.KEPT + 5)]  # bounded, still right
    assert level._kept_objects(many, []) == {n: {"name": str(n)} for n in range(objects.KEPT + 5)}
    assert len(level.kept) <= objects.KEPT


@dataclass(frozen=True)
class Price:
    id: int
    effective_from: date
    energy_rate_millicents: int


def _as_before(rows: list[Price], today: date) -> Any:
    """energy_rate_today as main wrote it (the rules' entries of PlanPrice), for the comparison."""
    from resolvers.billing.rates import plan_price_entry
    from resolvers.rules.rate_values import cents_per_kwh
    from resolvers.rules.rates import in_force, superseded

    entries = [plan_price_entry(SimpleNamespace(**vars(row), monthly_fee_cents=0)) for row in rows]  # type: ignore
    current, replaced = in_force(entries, today), superseded(entries)
    chosen = next((r for r in rows if current and r.id == current.entered), None) or next(
        r for r in rows if r.id not in replaced)
    return cents_per_kwh(chosen.energy_rate_millicents)


D = date(2026, 3, 1)
HISTORIES = {
    "one, in force": [Price(1, date(2025, 1, 1), 11_500)],
    "one, not sold yet": [Price(1, date(2027, 1, 1), 9_000)],
    "two, the later in force": [Price(1, date(2025, 1, 1), 11_500), Price(2, date(2026, 2, 1), 12_000)],
    "two, the later not yet": [Price(1, date(2025, 1, 1), 11_500), Price(2, date(2026, 4, 1), 12_000)],
    "corrected today": [Price(1, date(2026, 3, 1), 11_000), Price(2, date(2026, 3, 1), 11_250)],
    "corrected, not sold yet": [Price(3, date(2027, 1, 1), 8_000), Price(4, date(2027, 1, 1), 8_100),
                                Price(5, date(2027, 6, 1), 8_500)],
    "a correction of an old price": [Price(1, date(2025, 1, 1), 10_000), Price(2, date(2026, 1, 1), 10_500),
                                     Price(3, date(2025, 1, 1), 10_100)],
}


@pytest.mark.parametrize("history", HISTORIES)
def test_the_energy_rate_is_the_rules(history: str, monkeypatch) -> None:
    from graph.accounts import types

    monkeypatch.setattr(types, "utcnow", lambda: SimpleNamespace(date=lambda: D))
    rows = HISTORIES[history]
    assert energy_rate_today(rows) == _as_before(rows, D)
    assert str(energy_rate_today(rows)) == str(_as_before(rows, D))  # the same places
