"""A customer's name needs a letter (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.search_keys import name_tokens
from resolvers.rules.customer_names import NameProblem, name_problem


@pytest.mark.parametrize("name, problem", [
    ("", NameProblem.BLANK),
    ("!!!", NameProblem.NO_LETTER),
    ("123", NameProblem.NO_LETTER),
    ("--- ...", NameProblem.NO_LETTER),
    ("_", NameProblem.NO_LETTER),
    ("\u0301\u0301", NameProblem.NO_LETTER),  # combining accents alone
    ("☃ ★", NameProblem.NO_LETTER),
    ("3M", None),
    ("O'Brien & Sons", None),
    ("Ελένη", None),
    ("Łukasz", None),
    ("Nguyễn Thị Minh", None),
    ("李", None),
    ("Ölçü 1", None),
])
def test_a_name_needs_a_letter(name, problem):
    assert name_problem(name) == problem


@given(st.text(max_size=40))
def test_every_accepted_name_has_a_search_token(name):
    # the name-token reindex inserts one row per token: an accepted name never leaves it an empty list
    if name_problem(name.strip()) is None:
        assert name_tokens(name)


@given(st.text(alphabet=st.characters(blacklist_categories=("Lu", "Ll", "Lt", "Lm", "Lo")), max_size=40))
def test_text_without_letters_is_never_a_name(text):
    assert name_problem(text.strip()) is not None
