"""What a customer's name must hold: something besides spaces, and at least one letter.

A name with no letter ("!!!", "123", "---") names nobody, and leaves the name search nothing to index.
"""

import enum


class NameProblem(enum.StrEnum):
    BLANK = "BLANK"
    NO_LETTER = "NO_LETTER"


def name_problem(name: str) -> NameProblem | None:
    """Why `name` (already trimmed) cannot be a customer's name, or None."""
    if not name:
        return NameProblem.BLANK
    if not any(ch.isalpha() for ch in name):
        return NameProblem.NO_LETTER
    return None
