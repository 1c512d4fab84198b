"""Error codes of the communication-log domain."""

import enum


class CommlogErrorCode(enum.StrEnum):
    NOTE_POLICY_VIOLATION = "NOTE_POLICY_VIOLATION"
    EMPTY_NOTE = "EMPTY_NOTE"
    UNKNOWN_DISPOSITION = "UNKNOWN_DISPOSITION"
    ACCOUNT_NOT_OF_CUSTOMER = "ACCOUNT_NOT_OF_CUSTOMER"
    EMPTY_MEMO = "EMPTY_MEMO"
    CURSOR_EXPIRED = "CURSOR_EXPIRED"


DESCRIPTIONS = {
    CommlogErrorCode.NOTE_POLICY_VIOLATION: "The client blocks notes with notes-policy findings; see the findings.",
    CommlogErrorCode.EMPTY_NOTE: "A note needs text: a body, or the structured reason and resolution.",
    CommlogErrorCode.UNKNOWN_DISPOSITION: "The disposition is not on the client's list.",
    CommlogErrorCode.ACCOUNT_NOT_OF_CUSTOMER: "The utility account belongs to another customer.",
    CommlogErrorCode.EMPTY_MEMO: "A memo needs text.",
    CommlogErrorCode.CURSOR_EXPIRED: "communicationLogUpdated: updates after this cursor are no longer kept; reload "
    "the log and subscribe without `after`.",
}
