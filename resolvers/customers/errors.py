"""Error codes of the customers domain."""

import enum


class CustomerErrorCode(enum.StrEnum):
    NOT_A_MASTER = "NOT_A_MASTER"
    HIERARCHY_CYCLE = "HIERARCHY_CYCLE"
    SEARCH_TERM_TOO_SHORT = "SEARCH_TERM_TOO_SHORT"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_PHONE = "INVALID_PHONE"
    BLANK_NAME = "BLANK_NAME"
    NAME_WITHOUT_LETTERS = "NAME_WITHOUT_LETTERS"
    IMPORT_FILE_INVALID = "IMPORT_FILE_INVALID"
    IMPORT_IDEMPOTENCY_KEY_REUSED = "IMPORT_IDEMPOTENCY_KEY_REUSED"
    IMPORT_ALREADY_RUNNING = "IMPORT_ALREADY_RUNNING"


DESCRIPTIONS = {
    CustomerErrorCode.NOT_A_MASTER: "Customers can only be assigned to a master customer.",
    CustomerErrorCode.HIERARCHY_CYCLE: ("The assignment would put a customer under itself or make the hierarchy too "
                                        "deep."),
    CustomerErrorCode.SEARCH_TERM_TOO_SHORT: "A search term is too short to search with.",
    CustomerErrorCode.INVALID_EMAIL: "The email address is not valid.",
    CustomerErrorCode.INVALID_PHONE: "The phone number is not valid.",
    CustomerErrorCode.BLANK_NAME: "A name is required.",
    CustomerErrorCode.NAME_WITHOUT_LETTERS: 'A name needs at least one letter ("!!!" or "123" names nobody).',
    CustomerErrorCode.IMPORT_FILE_INVALID: "The import file is not UTF-8 CSV with a header of the documented columns; "
    "nothing was imported.",
    CustomerErrorCode.IMPORT_IDEMPOTENCY_KEY_REUSED: "The idempotency key was already used for another import (another "
    "file or dry-run setting).",
    CustomerErrorCode.IMPORT_ALREADY_RUNNING: "Another process is running this import job right now; wait for it.",
}
