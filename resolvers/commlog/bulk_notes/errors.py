"""Error codes of bulk operations over an account list (bulk notes, bulk dunning holds); unique across domains,
as the one UserErrorCode needs."""

import enum


class BulkNoteErrorCode(enum.StrEnum):
    NO_ACCOUNTS = "NO_ACCOUNTS"
    BOTH_FILE_AND_LIST = "BOTH_FILE_AND_LIST"
    MALFORMED_ACCOUNT_LIST = "MALFORMED_ACCOUNT_LIST"
    TOO_MANY_ACCOUNTS = "TOO_MANY_ACCOUNTS"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


DESCRIPTIONS = {
    BulkNoteErrorCode.NO_ACCOUNTS: ("A bulk operation needs accounts: upload a CSV file or type a list, with at "
                                    "least one number."),
    BulkNoteErrorCode.BOTH_FILE_AND_LIST: "Give the accounts one way: a CSV file or a typed list, not both.",
    BulkNoteErrorCode.MALFORMED_ACCOUNT_LIST: "The account list cannot be read; the message names the line to fix.",
    BulkNoteErrorCode.TOO_MANY_ACCOUNTS: "The account list is longer than one bulk operation allows; split it.",
    BulkNoteErrorCode.IDEMPOTENCY_KEY_REUSED: "The idempotency key was already used for a different bulk note request.",
}
