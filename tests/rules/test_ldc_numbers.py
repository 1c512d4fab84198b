"""LDC number rules: lengths, characters, prefixes and check digits, for every utility's default rule (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import CheckDigit
from db.ldc_rules import DEFAULT_RULES
from resolvers.rules.ldc_numbers import (
    ANY_NUMBER,
    LdcProblem,
    LdcRule,
    check_digit,
    describe,
    example_number,
    ldc_problem,
    normalize_ldc,
)

RULES = {code: LdcRule(tuple(r["lengths"]), r["digits_only"], r["prefix"], r["check_digit"])
         for code, r in DEFAULT_RULES.items()}
WITH_CHECK = [code for code, rule in RULES.items() if rule.check_digit is not CheckDigit.NONE]


def wrong_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def invalid_numbers(rule: LdcRule) -> list[tuple[str, LdcProblem]]:
    """One family of bad numbers for a rule: each the rule's own valid number, broken one way."""
    good = example_number(rule, 12345)
    bad = [("", LdcProblem.EMPTY), (good[:-1] + "X", LdcProblem.CHARACTERS), (good + "0", LdcProblem.LENGTH),
           (good[:-2], LdcProblem.LENGTH), ("١" * len(good), LdcProblem.CHARACTERS)]
    if rule.check_digit is not CheckDigit.NONE:
        bad.append((wrong_check(good), LdcProblem.CHECK_DIGIT))
    if rule.prefix:
        bad.append(("9" * len(good), LdcProblem.PREFIX))
    return bad


class TestDefaultRules:
    @pytest.mark.parametrize("code", sorted(RULES))
    @given(serial=st.integers(min_value=0, max_value=10**12))
    def test_every_example_number_passes_its_rule(self, code, serial):
        assert ldc_problem(example_number(RULES[code], serial), RULES[code]) is None

    @pytest.mark.parametrize(("code", "number", "problem"),
                             [(code, number, problem) for code in sorted(RULES)
                              for number, problem in invalid_numbers(RULES[code])])
    def test_each_broken_number_is_refused_for_its_reason(self, code, number, problem):
        assert ldc_problem(number, RULES[code]) is problem
        assert describe(problem, RULES[code])

    @pytest.mark.parametrize("code", ["ONCOR", "CENTERPOINT", "AEPTCC"])
    @pytest.mark.parametrize(
        ("length", "ok"), [(16, False), (17, True), (18, False), (21, False), (22, True), (23, False)]
    )
    def test_texas_esi_ids_are_17_or_22_digits(self, code, length, ok):
        assert (ldc_problem("1" * length, RULES[code]) is None) is ok

    @pytest.mark.parametrize("code", WITH_CHECK)
    @given(serial=st.integers(min_value=0, max_value=10**9), position=st.integers(min_value=0, max_value=8))
    def test_a_single_changed_digit_breaks_the_check_digit(self, code, serial, position):
        good = example_number(RULES[code], serial)
        at = len(good) - 2 - position
        changed = good[:at] + str((int(good[at]) + 1) % 10) + good[at + 1:]
        assert ldc_problem(changed, RULES[code]) is LdcProblem.CHECK_DIGIT


class TestCheckDigits:
    @pytest.mark.parametrize("number", ["79927398713", "4539578763621486", "0000000000"])
    def test_known_luhn_numbers(self, number):
        assert check_digit(number[:-1], CheckDigit.LUHN) == number[-1]

    def test_mod11_has_no_digit_for_a_remainder_of_ten(self):
        bodies = [f"{n:011d}" for n in range(200)]
        assert any(check_digit(b, CheckDigit.MOD11) is None for b in bodies)
        assert all(check_digit(b, CheckDigit.MOD11) in (None, *"0123456789") for b in bodies)


class TestNormalizing:
    def test_digit_rules_drop_spaces_and_dashes(self):
        assert normalize_ldc(" 1044 3720-0000 0000 1 ", RULES["ONCOR"]) == "10443720000000001"

    def test_other_rules_keep_inner_characters_and_refuse_them(self):
        assert normalize_ldc(" AB-12 ", ANY_NUMBER) == "AB-12"
        assert ldc_problem("AB-12", ANY_NUMBER) is LdcProblem.CHARACTERS
        assert ldc_problem("AB12", ANY_NUMBER) is None
        assert ldc_problem("A" * 41, ANY_NUMBER) is LdcProblem.LENGTH

    def test_a_prefix_rule(self):
        rule = LdcRule((10,), prefix="44")
        assert ldc_problem("4400000001", rule) is None
        assert ldc_problem("4500000001", rule) is LdcProblem.PREFIX
        assert describe(LdcProblem.PREFIX, rule) == "The utility's LDC account numbers start with 44."
