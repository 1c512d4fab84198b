"""Expected failures. The mutation wrapper turns them into userErrors and rolls back."""

import enum


class CommonErrorCode(enum.StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    CONFLICT = "CONFLICT"


DESCRIPTIONS = {
    CommonErrorCode.NOT_FOUND: "No such object for this client (another client's IDs are not found either).",
    CommonErrorCode.FORBIDDEN: "The viewer's role may not do this.",
    CommonErrorCode.INVALID: "A value in the input is not acceptable.",
    CommonErrorCode.CONFLICT: "The object changed in a way that prevents this.",
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


def get_or_not_found(row, what: str, field: list[str] | None = None):
    """Return `row`, or raise NotFound: another client's row is simply not found."""
    if row is None:
        raise NotFound(what, field)
    return row
