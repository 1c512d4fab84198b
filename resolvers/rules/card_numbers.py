"""Payment card numbers in free text: finding them and masking all but the last four digits."""

import re
from dataclasses import dataclass

MIN_DIGITS, MAX_DIGITS = 13, 19
VISIBLE_DIGITS = 4
# Cards are issued under major industry identifiers 2-6 (Mastercard 2-series, Amex/Diners/JCB,
# Visa, Mastercard, Discover/UnionPay). Utility identifiers such as ESI IDs ("1008901...",
# "10443720...") start with 1, so this keeps one in ten of them from passing as a card by Luhn luck.
ISSUER_FIRST_DIGITS = frozenset("23456")
# Amex (4-6-5) and Diners (4-6-4) print their own grouping; every other card prints groups of four.
PRINTED_LAYOUTS = frozenset({(4, 6, 5), (4, 6, 4)})
MAX_GROUPS = 5  # 4-4-4-4-3

# Digit groups joined by single spaces or dashes, not glued to letters, digits or underscores.
_RUN = re.compile(r"(?<!\w)[0-9]+(?:[ -][0-9]+)*(?!\w)")
_GROUP = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Masked:
    text: str
    spans: tuple[Span, ...]


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) checksum that every payment card number satisfies."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def find_card_numbers(text: str) -> list[Span]:
    """Spans (in `text`) of every card number, grouped with spaces or dashes or not at all."""
    return [span for run in _RUN.finditer(text) for span in _cards_in_run(text, run.start(), run.end())]


def mask_card_numbers(text: str) -> Masked:
    """`text` with every card digit but the last four replaced by "*"; separators and length kept."""
    spans = tuple(find_card_numbers(text))
    chars = list(text)
    for span in spans:
        digit_positions = [i for i in range(span.start, span.end) if chars[i].isdigit()]
        for i in digit_positions[:-VISIBLE_DIGITS]:
            chars[i] = "*"
    return Masked("".join(chars), spans)


def _cards_in_run(text: str, start: int, end: int) -> list[Span]:
    """Cards among consecutive groups of one run, longest first, so "ref 12 4111 1111 1111 1111" still counts."""
    groups = [m.span() for m in _GROUP.finditer(text, start, end)]
    found, i = [], 0
    while i < len(groups):
        j = next((j for j in range(min(len(groups), i + MAX_GROUPS), i, -1) if _is_card(text, groups[i:j])), None)
        if j is None:
            i += 1
            continue
        found.append(Span(groups[i][0], groups[j - 1][1]))
        i = j
    return found


def _is_card(text: str, groups: list[tuple[int, int]]) -> bool:
    digits = "".join(text[a:b] for a, b in groups)
    separators = {text[b] for _, b in groups[:-1]}
    return (MIN_DIGITS <= len(digits) <= MAX_DIGITS and len(separators) <= 1
            and _printed_layout(tuple(b - a for a, b in groups))
            and digits[0] in ISSUER_FIRST_DIGITS and luhn_valid(digits))


def _printed_layout(lengths: tuple[int, ...]) -> bool:
    """One unbroken run, Amex/Diners grouping, or groups of four with a shorter last group."""
    if len(lengths) == 1 or lengths in PRINTED_LAYOUTS:
        return True
    return all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4
