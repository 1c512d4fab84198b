"""The text rule every input goes through (no database)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.text import TextProblem, check_text, displayable, refused_character

REFUSED = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cs") and chr(c) not in "\t\n\r"]
allowed_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r"))


def test_the_refused_characters_are_the_control_characters_but_tab_and_line_breaks_and_surrogates():
    assert len(REFUSED) == 65 - 3 + 2048  # C0 (32) + DEL + C1 (32), less \t \n \r; the surrogate block
    assert all(refused_character(f"ok{ch}ok") == 2 for ch in REFUSED)


@given(allowed_text)
def test_text_without_refused_characters_passes_within_its_limit(text):
    assert check_text(text, len(text)) is None
    assert check_text(text, None) is None


@given(allowed_text, st.sampled_from(REFUSED), allowed_text)
def test_one_refused_character_anywhere_is_found_at_its_position(before, bad, after):
    finding = check_text(before + bad + after, None)
    assert finding is not None
    assert finding.problem is TextProblem.INVALID_CHARACTER
    assert f"U+{ord(bad):04X} at position {len(before) + 1};" in finding.message


@pytest.mark.parametrize("length, limit, problem", [
    (0, 0, None), (60, 60, None), (61, 60, TextProblem.TOO_LONG), (5_001, 5_000, TextProblem.TOO_LONG),
])
def test_length_counts_characters_not_bytes(length, limit, problem):
    finding = check_text("é" * length, limit)
    assert (finding.problem if finding else None) is problem
    if finding:
        assert f"At most {limit:,} characters ({length:,} given)." == finding.message


def test_a_refused_character_is_reported_before_the_length():
    assert check_text("\x00" * 10, 5).problem is TextProblem.INVALID_CHARACTER


@given(st.text())
def test_displayable_text_keeps_its_length_and_passes_the_rule(text):
    shown = displayable(text)
    assert len(shown) == len(text)
    assert check_text(shown, None) is None
