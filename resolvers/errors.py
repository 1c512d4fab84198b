"""Expected failures. The mutation wrapper turns them into userErrors and rolls back."""

import enum
from collections.abc import Sequence
from typing import TypeVar

from resolvers.rules.text import TextProblem, check_text

T = TypeVar("T")


class CommonErrorCode(enum.StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    CONFLICT = "CONFLICT"
    INVALID_TEXT = "INVALID_TEXT"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    BUSY_RETRY = "BUSY_RETRY"


DESCRIPTIONS = {
    CommonErrorCode.NOT_FOUND: "No such object for this client (another client's IDs are not found either).",
    CommonErrorCode.FORBIDDEN: "The viewer's role may not do this.",
    CommonErrorCode.INVALID: "A value in the input is not acceptable.",
    CommonErrorCode.CONFLICT: "The object changed in a way that prevents this.",
    CommonErrorCode.INVALID_TEXT: "Text holds a control character (other than tab, line feed, carriage return) or an "
    "unpaired surrogate; nothing is stripped, the input is refused.",
    CommonErrorCode.TEXT_TOO_LONG: "Text is longer than the field's limit (stated in its description); nothing is cut, "
    "the input is refused.",
    CommonErrorCode.BUSY_RETRY: "Too many changes at once: nothing was saved; send the same input again in a moment.",
}


FieldPath = tuple[str | int, ...]
# Where in a mutation's input the fault is, in domain names: "card_last4", ("allocations", 3, "amount"); () is the
# whole input. The graph layer maps it to the GraphQL path (graph/core/input_paths.py); a query's error names its
# argument the same way.
Field = str | Sequence[str | int]  # a FieldPath, or a list of the same parts


def field_path(field: Field) -> FieldPath:
    return (field,) if isinstance(field, str) else tuple(field)


class UserInputError(Exception):
    """A failure the client can fix; `field` names the input field at fault (see `Field`)."""

    def __init__(self, code: enum.StrEnum | str, message: str, field: Field | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        # the graph layer replaces it by the GraphQL path (a list) when it reports the error
        self.field: FieldPath | list[str] | None = None if field is None else field_path(field)


class NotFound(UserInputError):
    def __init__(self, what: str, field: Field | None = None):
        super().__init__(CommonErrorCode.NOT_FOUND, f"{what} not found.", field)


class Forbidden(UserInputError):
    def __init__(self, message: str):
        super().__init__(CommonErrorCode.FORBIDDEN, message)


class Invalid(UserInputError):
    def __init__(self, message: str, field: Field | None = None):
        super().__init__(CommonErrorCode.INVALID, message, field)


class Busy(UserInputError):
    def __init__(self) -> None:
        super().__init__(CommonErrorCode.BUSY_RETRY, "The database was busy and nothing was saved: try again.")


def get_or_not_found(row: T | None, what: str, field: Field | None = None) -> T:
    """Return `row`, or raise NotFound: another client's row is simply not found."""
    if row is None:
        raise NotFound(what, field)
    return row


TEXT_CODES = {
    TextProblem.INVALID_CHARACTER: CommonErrorCode.INVALID_TEXT,
    TextProblem.TOO_LONG: CommonErrorCode.TEXT_TOO_LONG,
}


def ensure_text(text: str | None, field: Field, max_length: int | None = None, label: str | None = None) -> None:
    """Refuse text input that breaks the text rule (resolvers/rules/text.py), naming `field` (and `label` in the
    message: the field's last name unless given)."""
    finding = check_text(text, max_length) if text is not None else None
    if finding is not None:
        path = field_path(field)
        label = label or next((part for part in reversed(path) if isinstance(part, str)), "text")
        raise UserInputError(TEXT_CODES[finding.problem], f"{label}: {finding.message}", path)
