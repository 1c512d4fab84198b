"""Error codes of the admin domain."""

import enum


class AdminErrorCode(enum.StrEnum):
    INVALID_PREFERENCES = "INVALID_PREFERENCES"


DESCRIPTIONS = {
    AdminErrorCode.INVALID_PREFERENCES: "The preferences would leave the screen unusable (see the message).",
}
