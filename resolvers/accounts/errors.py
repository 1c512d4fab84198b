"""Error codes of the accounts domain (the enrollment refusals share their names with the rule's)."""

import enum

from resolvers.errors import Field, UserInputError
from resolvers.rules.enrollment import MESSAGES, ImpossibleTransition, Refusal


class AccountErrorCode(enum.StrEnum):
    INVALID_STATE_CODE = "INVALID_STATE_CODE"
    INVALID_ZIP = "INVALID_ZIP"
    BLANK_SERVICE_ADDRESS = "BLANK_SERVICE_ADDRESS"
    VALUE_TOO_LONG = "VALUE_TOO_LONG"
    EFFECTIVE_DATE_REQUIRED = "EFFECTIVE_DATE_REQUIRED"
    EFFECTIVE_DATE_OUT_OF_RANGE = "EFFECTIVE_DATE_OUT_OF_RANGE"
    CHANGES_REQUIRED = "CHANGES_REQUIRED"
    ALREADY_ENROLLED = Refusal.ALREADY_ENROLLED.value
    ENROLLMENT_PENDING = Refusal.ENROLLMENT_PENDING.value
    DROP_PENDING = Refusal.DROP_PENDING.value
    DROP_ALREADY_ACCEPTED = Refusal.DROP_ALREADY_ACCEPTED.value
    ALREADY_DROPPED = Refusal.ALREADY_DROPPED.value
    NOT_ENROLLED = Refusal.NOT_ENROLLED.value
    NOTHING_TO_REINSTATE = Refusal.NOTHING_TO_REINSTATE.value
    UNEXPECTED_ANSWER = Refusal.UNEXPECTED_ANSWER.value
    NOT_SENT_BY_SUPPLIER = Refusal.NOT_SENT_BY_SUPPLIER.value
    NOT_SENT_BY_UTILITY = Refusal.NOT_SENT_BY_UTILITY.value
    LDC_ACCOUNT_NOT_FOUND = "LDC_ACCOUNT_NOT_FOUND"
    REQUEST_NOT_FOUND = "REQUEST_NOT_FOUND"
    REQUEST_REFERENCE_REQUIRED = "REQUEST_REFERENCE_REQUIRED"
    RESPONSE_ACCOUNT_MISMATCH = "RESPONSE_ACCOUNT_MISMATCH"
    NOT_A_REQUEST = "NOT_A_REQUEST"
    REQUEST_ALREADY_ANSWERED = "REQUEST_ALREADY_ANSWERED"
    DUPLICATE_REFERENCE = "DUPLICATE_REFERENCE"
    REJECTION_REASON_REQUIRED = "REJECTION_REASON_REQUIRED"
    USAGE_FILE_INVALID = "USAGE_FILE_INVALID"
    USAGE_BAD_DATE = "USAGE_BAD_DATE"
    USAGE_BAD_QUANTITY = "USAGE_BAD_QUANTITY"
    USAGE_END_BEFORE_START = "USAGE_END_BEFORE_START"
    USAGE_OVERLAP = "USAGE_OVERLAP"
    USAGE_UNKNOWN_ACCOUNT = "USAGE_UNKNOWN_ACCOUNT"
    USAGE_BAD_READ_TYPE = "USAGE_BAD_READ_TYPE"
    CONSUMPTION_WINDOW_INVALID = "CONSUMPTION_WINDOW_INVALID"
    UNKNOWN_UTILITY = "UNKNOWN_UTILITY"
    UTILITY_NOT_IN_MARKET = "UTILITY_NOT_IN_MARKET"
    INVALID_LDC_NUMBER = "INVALID_LDC_NUMBER"
    LDC_NUMBER_IN_USE = "LDC_NUMBER_IN_USE"
    DUPLICATE_LDC_NUMBER = "DUPLICATE_LDC_NUMBER"
    RATE_PLAN_NOT_IN_MARKET = "RATE_PLAN_NOT_IN_MARKET"
    START_DATE_IN_PAST = "START_DATE_IN_PAST"
    ENROLLMENT_IDEMPOTENCY_KEY_REUSED = "ENROLLMENT_IDEMPOTENCY_KEY_REUSED"


DESCRIPTIONS = {
    AccountErrorCode.INVALID_STATE_CODE: "Not a two-letter US state or territory code.",
    AccountErrorCode.INVALID_ZIP: "Not a ZIP code (12345 or 12345-6789).",
    AccountErrorCode.BLANK_SERVICE_ADDRESS: "A service address needs a street line, city, state and ZIP.",
    AccountErrorCode.VALUE_TOO_LONG: "A value is longer than the field holds.",
    AccountErrorCode.EFFECTIVE_DATE_REQUIRED: "This kind of market transaction needs an effective date.",
    AccountErrorCode.EFFECTIVE_DATE_OUT_OF_RANGE: "An effective date is more than ten years before or after today.",
    AccountErrorCode.CHANGES_REQUIRED: "A change request needs the fields it changes.",
    **{AccountErrorCode(r.value): f"Enrollment rules: {text}" for r, text in MESSAGES.items()},
    AccountErrorCode.LDC_ACCOUNT_NOT_FOUND: "No utility account of this client has that LDC account number.",
    AccountErrorCode.REQUEST_NOT_FOUND: "No request of this client has that reference.",
    AccountErrorCode.REQUEST_REFERENCE_REQUIRED: "An accept or reject must name the request it answers.",
    AccountErrorCode.RESPONSE_ACCOUNT_MISMATCH: "The request answered was sent for another utility account.",
    AccountErrorCode.NOT_A_REQUEST: "The transaction named is not an outbound request; nothing answers it.",
    AccountErrorCode.REQUEST_ALREADY_ANSWERED: "The request was already accepted or rejected.",
    AccountErrorCode.DUPLICATE_REFERENCE: "A market transaction of this client already has that reference.",
    AccountErrorCode.REJECTION_REASON_REQUIRED: "A rejection needs the utility's reason.",
    AccountErrorCode.USAGE_FILE_INVALID: "The usage file is not a CSV file with the expected columns.",
    AccountErrorCode.USAGE_BAD_DATE: "A usage line has a missing or malformed date (YYYY-MM-DD).",
    AccountErrorCode.USAGE_BAD_QUANTITY: "A usage line has a missing, negative or malformed kWh or kW value.",
    AccountErrorCode.USAGE_END_BEFORE_START: "A usage period ends before it starts.",
    AccountErrorCode.USAGE_OVERLAP: "A usage period overlaps another period of the same account.",
    AccountErrorCode.USAGE_UNKNOWN_ACCOUNT: "A usage line names an LDC account number this client does not have.",
    AccountErrorCode.USAGE_BAD_READ_TYPE: "A usage line's read type is neither ACTUAL nor ESTIMATED.",
    AccountErrorCode.CONSUMPTION_WINDOW_INVALID: "The consumption window is reversed or too long.",
    AccountErrorCode.UNKNOWN_UTILITY: "No utility has that code (see the `utilities` query).",
    AccountErrorCode.UTILITY_NOT_IN_MARKET: "The utility serves another market than the one given.",
    AccountErrorCode.INVALID_LDC_NUMBER: "The LDC account number breaks its utility's rule (length, digits, prefix or "
    "check digit); the message says which.",
    AccountErrorCode.LDC_NUMBER_IN_USE: "A utility account of this client already has that LDC number; the message "
    "names its customer.",
    AccountErrorCode.DUPLICATE_LDC_NUMBER: "The same LDC account number is given twice in one request.",
    AccountErrorCode.RATE_PLAN_NOT_IN_MARKET: "The rate plan is sold in another market than the account's.",
    AccountErrorCode.START_DATE_IN_PAST: "An enrollment's requested start date cannot be before today (UTC).",
    AccountErrorCode.ENROLLMENT_IDEMPOTENCY_KEY_REUSED: ("The idempotency key was already used for a different "
                                                         "enrollment."),
}


def refused(error: ImpossibleTransition, field: Field) -> UserInputError:
    """The rule's refusal as a userError, naming the account's status."""
    message = (
        f"{MESSAGES[error.refusal]} (status {error.status.value}, {error.type.value} {error.outcome.value.lower()})"
    )
    return UserInputError(AccountErrorCode(error.refusal.value), message, field)
