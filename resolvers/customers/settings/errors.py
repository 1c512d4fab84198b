"""Error codes of customer settings and dunning holds (unique across domains, as the one UserErrorCode needs)."""

import enum

from resolvers.rules.dunning import MAX_HOLD_DAYS, MAX_REASON_LENGTH, HoldProblem


class SettingsErrorCode(enum.StrEnum):
    PAPERLESS_NEEDS_EMAIL = "PAPERLESS_NEEDS_EMAIL"
    DUNNING_HOLD_IN_PAST = "DUNNING_HOLD_IN_PAST"
    DUNNING_HOLD_TOO_LONG = "DUNNING_HOLD_TOO_LONG"
    DUNNING_REASON_REQUIRED = "DUNNING_REASON_REQUIRED"
    DUNNING_REASON_TOO_LONG = "DUNNING_REASON_TOO_LONG"
    NO_DUNNING_HOLD = "NO_DUNNING_HOLD"


DESCRIPTIONS = {
    SettingsErrorCode.PAPERLESS_NEEDS_EMAIL: "Paperless billing needs an email address on the customer.",
    SettingsErrorCode.DUNNING_HOLD_IN_PAST: "A dunning hold must last until today or later.",
    SettingsErrorCode.DUNNING_HOLD_TOO_LONG: f"A dunning hold reaches more than {MAX_HOLD_DAYS} days ahead.",
    SettingsErrorCode.DUNNING_REASON_REQUIRED: "A dunning hold, or its release, needs a reason.",
    SettingsErrorCode.DUNNING_REASON_TOO_LONG: f"The reason is longer than {MAX_REASON_LENGTH} characters.",
    SettingsErrorCode.NO_DUNNING_HOLD: "The customer has no dunning hold in force to release.",
}

# The pure rule's findings, as the codes clients see.
CODE_OF_PROBLEM = {
    HoldProblem.UNTIL_IN_PAST: SettingsErrorCode.DUNNING_HOLD_IN_PAST,
    HoldProblem.UNTIL_TOO_FAR: SettingsErrorCode.DUNNING_HOLD_TOO_LONG,
    HoldProblem.REASON_MISSING: SettingsErrorCode.DUNNING_REASON_REQUIRED,
    HoldProblem.REASON_TOO_LONG: SettingsErrorCode.DUNNING_REASON_TOO_LONG,
}
