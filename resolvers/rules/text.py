"""What any text input may hold: one rule for every mutation, query argument, upload label and CLI value.

Refused, never stripped: control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) other than
tab, line feed and carriage return, and unpaired surrogates (which no UTF-8 database can store). PostgreSQL
refuses NUL where SQLite stores it, so refusing at the edge makes both engines behave the same; the other
control characters never belong in what a person types, and a silent strip would change what they meant.
Length is counted in characters (code points), as PostgreSQL's varchar(N) counts it.
"""

import enum
import re
from dataclasses import dataclass

ALLOWED_CONTROLS = "\t\n\r"
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


class TextProblem(enum.StrEnum):
    INVALID_CHARACTER = "INVALID_CHARACTER"
    TOO_LONG = "TOO_LONG"


@dataclass(frozen=True, slots=True)
class TextFinding:
    problem: TextProblem
    message: str


def refused_character(text: str) -> int | None:
    """The index of the first character text input may not hold, or None."""
    found = _REFUSED.search(text)
    return found.start() if found else None


def check_text(text: str, max_length: int | None) -> TextFinding | None:
    """What is wrong with `text` as input at most `max_length` characters long (None: no stated limit)."""
    at = refused_character(text)
    if at is not None:
        return TextFinding(TextProblem.INVALID_CHARACTER, f"Contains the control character U+{ord(text[at]):04X} at "
                           f"position {at + 1}; only tab, line feed and carriage return are allowed.")
    if max_length is not None and len(text) > max_length:
        return TextFinding(TextProblem.TOO_LONG, f"At most {max_length:,} characters ({len(text):,} given).")
    return None


def displayable(text: str) -> str:
    """`text` with each refused character shown as U+FFFD: for labels of input already refused or not typed."""
    return _REFUSED.sub(REPLACEMENT, text)
