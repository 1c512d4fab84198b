"""Whether an LDC account number (ESI ID) is one its utility could have issued: the utility's rule of
lengths, characters, prefix and check digit (reference data: `ldc_number_rules`)."""

import enum
from dataclasses import dataclass

from db.enums import CheckDigit

MAX_LENGTH = 40  # utility_accounts.ldc_account_number
_ALPHANUMERIC = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_SEPARATORS = str.maketrans("", "", " -")


@dataclass(frozen=True, slots=True)
class LdcRule:
    lengths: tuple[int, ...]
    digits_only: bool = True
    prefix: str | None = None
    check_digit: CheckDigit = CheckDigit.NONE


# A utility without a rule of its own: any run of letters and digits the column holds.
ANY_NUMBER = LdcRule(lengths=tuple(range(1, MAX_LENGTH + 1)), digits_only=False)


class LdcProblem(enum.StrEnum):
    EMPTY = "EMPTY"
    CHARACTERS = "CHARACTERS"
    LENGTH = "LENGTH"
    PREFIX = "PREFIX"
    CHECK_DIGIT = "CHECK_DIGIT"


def normalize_ldc(raw: str, rule: LdcRule) -> str:
    """The number as stored: outer whitespace dropped; for an all-digit rule, spaces and dashes too
    (utilities print long numbers in groups: "1044 3720 0000 0000 1")."""
    number = raw.strip()
    return number.translate(_SEPARATORS) if rule.digits_only else number


def ldc_problem(number: str, rule: LdcRule) -> LdcProblem | None:
    """What is wrong with a normalized number under `rule`, or None when it could be real."""
    if not number:
        return LdcProblem.EMPTY
    if not (number.isdigit() and number.isascii() if rule.digits_only else _ALPHANUMERIC.issuperset(number)):
        return LdcProblem.CHARACTERS
    if len(number) not in rule.lengths:
        return LdcProblem.LENGTH
    if rule.prefix and not number.startswith(rule.prefix):
        return LdcProblem.PREFIX
    if rule.check_digit is not CheckDigit.NONE and check_digit(number[:-1], rule.check_digit) != number[-1]:
        return LdcProblem.CHECK_DIGIT
    return None


def describe(problem: LdcProblem, rule: LdcRule) -> str:
    """A sentence for a userError or an import row: what the utility's numbers look like."""
    kind = "digits" if rule.digits_only else "letters and digits"
    if problem is LdcProblem.EMPTY:
        return "The LDC account number is missing."
    if problem is LdcProblem.CHARACTERS:
        return f"The utility's LDC account numbers are {kind} only."
    if problem is LdcProblem.LENGTH:
        return f"The utility's LDC account numbers are {lengths_text(rule.lengths)} {kind} long."
    if problem is LdcProblem.PREFIX:
        return f"The utility's LDC account numbers start with {rule.prefix}."
    return f"The last digit is not the number's check digit ({rule.check_digit.value})."


def lengths_text(lengths: tuple[int, ...]) -> str:
    """"17 or 22", "10", or "1 to 40" for a run of lengths."""
    ordered = sorted(lengths)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]} to {ordered[-1]}"
    return " or ".join(str(n) for n in ordered)


def check_digit(body: str, algorithm: CheckDigit) -> str | None:
    """The digit `algorithm` appends to the digits `body`; None when there is none (MOD11 remainder 10)."""
    if algorithm is CheckDigit.LUHN:
        total = 0
        for position, char in enumerate(reversed(body)):
            value = int(char) * (2 if position % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        return str(-total % 10)
    if algorithm is CheckDigit.MOD11:
        total = sum(int(char) * (2 + position % 6) for position, char in enumerate(reversed(body)))
        remainder = -total % 11
        return None if remainder == 10 else str(remainder)
    return None


def with_check_digit(body: str, algorithm: CheckDigit) -> str | None:
    """`body` and its check digit; None when the algorithm gives it none."""
    if algorithm is CheckDigit.NONE:
        return body
    digit = check_digit(body, algorithm)
    return None if digit is None else body + digit


def example_number(rule: LdcRule, serial: int) -> str:
    """A number the rule accepts, made from `serial` (different serials, different numbers): for examples,
    demo files and tests."""
    length = min(rule.lengths) if rule.digits_only else max(min(rule.lengths), 8)
    prefix = rule.prefix or ""
    digits = length - len(prefix) - (rule.check_digit is not CheckDigit.NONE)
    while True:
        body = prefix + f"{serial:0{digits}d}"[-digits:]
        number = with_check_digit(body, rule.check_digit)
        if number is not None:
            return number
        serial += 1  # this body has no check digit (MOD11 remainder 10): the next one has
