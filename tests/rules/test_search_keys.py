"""The normalized keys search is built on (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.search_keys import (
    address_key,
    fold,
    name_key,
    name_token_columns,
    name_token_rows,
    name_tokens,
    name_words,
    prefix_upper_bound,
    word_start,
)


@pytest.mark.parametrize(
    "raw, folded", [("José  Núñez", "jose nunez"), ("STRASSE", "strasse"), (" Ann\tSmith ", "ann smith")]
)
def test_fold_ignores_case_accents_and_spacing(raw, folded):
    assert fold(raw) == folded


def test_name_tokens_are_distinct_words():
    assert name_tokens("O'Brien-Smith & Sons, O'Brien") == ["brien", "o", "smith", "sons"]
    assert name_key("Carla Núñez") == "carla nunez"


NAMES = ["Mar Martin", "Martina Marr-Mars", "Jo Jones Joyce", "O'Brien-Smith & Sons, O'Brien", "Ann", "José Núñez 2"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("prefix", ["m", "mar", "mars", "j", "jo", "o", "s", "a", "n", "2", "x"])
def test_exactly_one_token_row_per_customer_starts_a_prefix_with_its_previous_token_below_it(name, prefix):
    """What counting a prefix's customers without DISTINCT rests on (CustomerNameToken.previous_token)."""
    rows = name_token_rows(name)
    starting = [previous for token, previous in rows if token.startswith(prefix)]
    assert [token for token, _ in rows] == name_tokens(name)
    assert sum(previous < prefix for previous in starting) == (1 if starting else 0)


@given(st.text(max_size=40))
def test_each_token_row_names_the_token_before_it_whatever_the_name(name):
    """Any text a name field accepts, punctuation alone or empty included (no rows), in any script."""
    rows = name_token_rows(name)
    tokens = name_tokens(name)
    assert rows == [(token, tokens[n - 1] if n else "") for n, token in enumerate(tokens)]


@given(st.text(max_size=40), st.text(min_size=1, max_size=6))
def test_a_name_s_words_hold_a_token_exactly_when_one_of_its_words_starts_with_it(name, typed):
    """What several words typed rest on (CustomerNameToken.words): each word typed but one is looked for in the words
    of the other's token rows, in any script, with punctuation anywhere."""
    words = name_words(name)
    for token in name_tokens(typed):
        assert (word_start(token) in words) == any(word.startswith(token) for word in name_tokens(name))


@pytest.mark.parametrize("name, words", [("Mar Martin", " mar martin"), ("O'Brien-Smith & Sons, O'Brien",
                                                                          " brien o smith sons"), ("&-,'", "")])
def test_each_token_row_of_a_name_carries_all_its_words(name, words):
    assert name_token_columns(name) == [{"token": token, "previous_token": previous, "words": words}
                                        for token, previous in name_token_rows(name)]


@pytest.mark.parametrize("name", ['"', "", "  ", "&-,'", "—"])
def test_a_name_without_words_has_no_token_rows(name):
    assert name_token_rows(name) == []


def test_address_key_joins_every_address():
    key = address_key([("12 Maple Ave", None, "Dallas", "TX", "75201"), ("9 Oak St", "Apt 2", "Austin", "TX", "73301")])
    assert key == "12 maple ave, dallas, tx, 75201 | 9 oak st, apt 2, austin, tx, 73301"


@pytest.mark.parametrize("prefix", ["smi", "a", "zz", "9"])
def test_prefix_upper_bound_brackets_exactly_the_prefixed_strings(prefix):
    bound = prefix_upper_bound(prefix)
    assert prefix <= prefix + "zzzz" < bound
    assert not (prefix <= bound < bound)
