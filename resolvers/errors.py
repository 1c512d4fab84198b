"""Expected failures. The mutation wrapper turns them into userErrors and rolls back."""

import enum
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


class UserInputError(Exception):
    """A failure the client can fix; `field` is the path into the mutation input."""

    def __init__(self, code: enum.StrEnum | str, message: str, field: list[str] | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field


class NotFound(UserInputError):
    def __init__(self, what: str, field: list[str] | None = None):
        super().__init__(CommonErrorCode.NOT_FOUND, f"{what} not found.", field)


class Forbidden(UserInputError):
    def __init__(self, message: str):
        super().__init__(CommonErrorCode.FORBIDDEN, message)


class Invalid(UserInputError):
    def __init__(self, message: str, field: list[str] | None = None):
        super().__init__(CommonErrorCode.INVALID, message, field)


class Busy(UserInputError):
    def __init__(self) -> None:
        super().__init__(CommonErrorCode.BUSY_RETRY, "The database was busy and nothing was saved: try again.")


def get_or_not_found(row: T | None, what: str, field: list[str] | None = None) -> T:
    """Return `row`, or raise NotFound: another client's row is simply not found."""
    if row is None:
        raise NotFound(what, field)
    return row


TEXT_CODES = {
    TextProblem.INVALID_CHARACTER: CommonErrorCode.INVALID_TEXT,
    TextProblem.TOO_LONG: CommonErrorCode.TEXT_TOO_LONG,
}


def ensure_text(text: str | None, field: list[str], max_length: int | None = None) -> None:
    """Refuse text input that breaks the text rule (resolvers/rules/text.py), naming `field`."""
    finding = check_text(text, max_length) if text is not None else None
    if finding is not None:
        label = next((part for part in reversed(field) if not part.isdigit()), "text")
        raise UserInputError(TEXT_CODES[finding.problem], f"{label}: {finding.message}", field)
