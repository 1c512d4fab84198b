"""Name search takes different plans by how many customers match (SQLite: walking the name index, or
reading one word's token rows and testing the other words typed in their words, whichever word it reads).
Whatever the plan, the answer is the same: every typed word starts a word of the name. The thresholds are
lowered here so a handful of customers takes each plan; PostgreSQL has one plan and must give the same
answers. The same through a compiled plan (a registered document), which counts one word's customers with its
candidates."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from db.search_keys import name_tokens
from graph.persisted import fast_path
from resolvers.customers.search import queries as search
from tests.api.persisted.helpers import app_in, auth, register
from tests.conftest import Api
from tests.factories.customers import make_customer

QUERY = """
query($name: String!, $first: Int!) {
  customers(search: {name: $name}, first: $first) { totalCount edges { node { name } } }
}"""
NAMES = [
    "Zoe O'Smithy", "Anne-Marie Smith", "Smith Jones", "José Smithers", "Joseph Smith", "Jo Smythe",
    "Mary-Jo Thomas", "Thomas Jo", "Jones Thomas-Smith", "Zack Osmith", "Ø Smith", "Smit Jo", "O Smith",
    # two words starting with the same letters: each customer counted once
    "Smithson Smith", "Jo Jones Joyce", "Mar Martin", "Martina Marr-Mars",
]
TYPED = ["smi", "jo smi", "smith jo", "o smi", "o", "thomas smi", "jose smith", "mary jo", "ø", "smith", "zo o'sm",
         "mar", "mart", "jo", "j", "smithson smi", "mar mars", "jones thomas smi", "mary jo thom", "smith ø", "jo j",
         "smi s o"]


def _expected(typed: str) -> list[str]:
    """The rule itself: each typed word is a prefix of a word of the name."""
    wanted = name_tokens(typed)
    return [n for n in NAMES if all(any(w.startswith(t) for w in name_tokens(n)) for t in wanted)]


@pytest.fixture
async def people(session, tenant):
    for name in NAMES:
        await make_customer(session, tenant, name)
    await session.commit()


@pytest.fixture
async def compiled(database: Any) -> AsyncIterator[Api]:
    async with app_in(database, "open", compiled_plans=True) as api:
        yield api


THRESHOLDS = [
    pytest.param({}, id="as-shipped"),
    pytest.param({"DENSE": 2}, id="walk-the-name-index"),
    # several words: the rows of the shortest word read, the others tested in them, where the longest is read
    pytest.param({"_longest_first": lambda tokens: sorted(tokens, key=len)}, id="shortest-word-read"),
    pytest.param({"DENSE": 2, "_longest_first": lambda tokens: sorted(tokens, key=len)}, id="both"),
]


@pytest.mark.parametrize("thresholds", THRESHOLDS)
async def test_every_plan_finds_exactly_the_names_the_rule_finds(api, tenant, people, monkeypatch, thresholds):
    for name, value in thresholds.items():
        monkeypatch.setattr(search, name, value)
    for typed in TYPED:
        data = (await api.run(QUERY, {"name": typed, "first": 100}, user=tenant.agent))["customers"]
        found = sorted(e["node"]["name"] for e in data["edges"])
        assert found == sorted(_expected(typed)), typed
        assert data["totalCount"] == len(found), typed
        # a page of one: the count is not the page's rows but the search's (its candidates, or a count)
        one = (await api.run(QUERY, {"name": typed, "first": 1}, user=tenant.agent))["customers"]
        assert one["totalCount"] == len(found), typed


@pytest.mark.parametrize("thresholds", THRESHOLDS)
async def test_a_compiled_plan_counts_as_the_rule_finds(compiled, database, tenant, people, monkeypatch, thresholds):
    for name, value in thresholds.items():
        monkeypatch.setattr(search, name, value)
    monkeypatch.setattr(fast_path, "execute", _no_executor)  # the plan answers itself
    [document_id] = await register(database, QUERY)
    for typed in TYPED:
        for first in (100, 1):
            body = {"documentId": document_id, "variables": {"name": typed, "first": first}}
            response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
            assert response.json()["data"]["customers"]["totalCount"] == len(_expected(typed)), (typed, first)


def _no_executor(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the executor ran a planned operation")
