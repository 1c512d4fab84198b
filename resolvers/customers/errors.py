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


DESCRIPTIONS = {
    CustomerErrorCode.NOT_A_MASTER: "Customers can only be assigned to a master customer.",
    CustomerErrorCode.HIERARCHY_CYCLE: "The assignment would put a customer under itself or make the hierarchy too deep.",
    CustomerErrorCode.SEARCH_TERM_TOO_SHORT: "A search term is too short to search with.",
    CustomerErrorCode.INVALID_EMAIL: "The email address is not valid.",
    CustomerErrorCode.INVALID_PHONE: "The phone number is not valid.",
    CustomerErrorCode.BLANK_NAME: "A name is required.",
    CustomerErrorCode.NAME_WITHOUT_LETTERS: "A name needs at least one letter (\"!!!\" or \"123\" names nobody).",
}
