"""Error codes of dated rates (rate plans and their prices, delivery charges, sales tax), unique across domains."""

import enum


class RateErrorCode(enum.StrEnum):
    RATE_PLAN_CODE_TAKEN = "RATE_PLAN_CODE_TAKEN"
    INVALID_RATE = "INVALID_RATE"
    INVALID_EFFECTIVE_DATE = "INVALID_EFFECTIVE_DATE"
    RATE_PLAN_NOT_PRICED = "RATE_PLAN_NOT_PRICED"


DESCRIPTIONS = {
    RateErrorCode.RATE_PLAN_CODE_TAKEN: "The client already has a rate plan with this code.",
    RateErrorCode.INVALID_RATE: "A rate or fee is not an exact, non-negative amount in range (see the message).",
    RateErrorCode.INVALID_EFFECTIVE_DATE: "Rates take effect from a day between 2000-01-01 and 2099-12-31.",
    RateErrorCode.RATE_PLAN_NOT_PRICED: "The account's rate plan has no price in force on a day of the period.",
}
