"""Billing's error codes (unique across domains), with the descriptions the GraphQL enum shows."""

import enum

from resolvers.errors import FieldPath, UserInputError
from resolvers.rules.allocation import AllocationError, AllocationErrorCode
from resolvers.rules.billing_periods import MAX_PERIOD_DAYS, PeriodError, PeriodErrorCode
from resolvers.rules.money_dates import YEARS_BACK, MoneyDateError, MoneyDateErrorCode


class BillingErrorCode(enum.StrEnum):
    INVALID_AMOUNT = "INVALID_AMOUNT"
    SPEC_NEEDS_ALLOCATIONS = "SPEC_NEEDS_ALLOCATIONS"
    FIFO_TAKES_NO_ALLOCATIONS = "FIFO_TAKES_NO_ALLOCATIONS"
    PAYMENT_IDEMPOTENCY_KEY_REUSED = "PAYMENT_IDEMPOTENCY_KEY_REUSED"
    REFUND_EXCEEDS_CREDIT = "REFUND_EXCEEDS_CREDIT"
    PAYMENT_ALREADY_RETURNED = "PAYMENT_ALREADY_RETURNED"
    PAYMENT_ALREADY_REFUNDED = "PAYMENT_ALREADY_REFUNDED"
    SPECIAL_CHARGE_NOT_PENDING = "SPECIAL_CHARGE_NOT_PENDING"
    LINE_NOT_REVERSIBLE = "LINE_NOT_REVERSIBLE"
    NO_LINES_CHOSEN = "NO_LINES_CHOSEN"
    REVERSAL_EXCEEDS_INVOICE_BALANCE = "REVERSAL_EXCEEDS_INVOICE_BALANCE"
    ADJUSTMENT_NEEDS_TEAM_LEAD = "ADJUSTMENT_NEEDS_TEAM_LEAD"
    CREDIT_EXCEEDS_OPEN_AMOUNT = "CREDIT_EXCEEDS_OPEN_AMOUNT"
    BILLING_REASON_REQUIRED = "BILLING_REASON_REQUIRED"
    INVALID_CARD_LAST4 = "INVALID_CARD_LAST4"
    NOTHING_TO_BILL = "NOTHING_TO_BILL"
    INVOICE_REVERSED = "INVOICE_REVERSED"


DESCRIPTIONS = {
    BillingErrorCode.INVALID_AMOUNT: "An amount is not a positive decimal with at most two places.",
    BillingErrorCode.SPEC_NEEDS_ALLOCATIONS: "A SPEC payment names the invoices it pays in `allocations`.",
    BillingErrorCode.FIFO_TAKES_NO_ALLOCATIONS: "A FIFO payment chooses its invoices itself; leave `allocations` out.",
    BillingErrorCode.PAYMENT_IDEMPOTENCY_KEY_REUSED: "This idempotency key was used with different input.",
    BillingErrorCode.REFUND_EXCEEDS_CREDIT: "A refund may not exceed the payment's unapplied credit.",
    BillingErrorCode.PAYMENT_ALREADY_RETURNED: "The payment was already returned.",
    BillingErrorCode.PAYMENT_ALREADY_REFUNDED: "Part of the payment was refunded; it cannot be returned.",
    BillingErrorCode.SPECIAL_CHARGE_NOT_PENDING: "Only a PENDING special charge can be removed.",
    BillingErrorCode.LINE_NOT_REVERSIBLE: "The line is not a charge of this invoice, or is already reversed.",
    BillingErrorCode.NO_LINES_CHOSEN: "Choose at least one invoice line to reverse.",
    BillingErrorCode.REVERSAL_EXCEEDS_INVOICE_BALANCE: ("Credits already applied to the invoice leave too little to "
                                                        "reverse."),
    BillingErrorCode.ADJUSTMENT_NEEDS_TEAM_LEAD: "Adjustments above the client's threshold need a TEAM_LEAD.",
    BillingErrorCode.CREDIT_EXCEEDS_OPEN_AMOUNT: "A credit against an invoice may not exceed its open amount.",
    BillingErrorCode.BILLING_REASON_REQUIRED: "Give a reason (at most 500 characters).",
    BillingErrorCode.INVALID_CARD_LAST4: "Only the card's last four digits are accepted.",
    BillingErrorCode.NOTHING_TO_BILL: "No usage or pending charges to bill for that period.",
    BillingErrorCode.INVOICE_REVERSED: "The invoice was reversed and bills nothing; its period may be billed again, so "
    "post the debit to the account or to the invoice that bills the period now.",
    PeriodErrorCode.INVALID_BILLING_PERIOD: "The period ends before it starts, or has not ended by the issue day.",
    PeriodErrorCode.BILLING_PERIOD_TOO_LONG: (f"A billing period has at most {MAX_PERIOD_DAYS} days (three billing "
                                              f"cycles)."),
    PeriodErrorCode.BILLING_PERIOD_OUTSIDE_SERVICE: "The period shares no day with the utility account's service.",
    PeriodErrorCode.BILLING_PERIOD_OVERLAPS: "An earlier invoice of the account, not reversed, already bills part of "
    "the period (usage is billed once); the message names it.",
    MoneyDateErrorCode.MONEY_DATE_OUT_OF_RANGE: f"A money event's day is in the future (more than a day past today, "
    f"UTC) or more than {YEARS_BACK} years ago.",
    AllocationErrorCode.ALLOCATION_EXCEEDS_OPEN_AMOUNT: "An allocation is more than the invoice's open amount.",
    AllocationErrorCode.ALLOCATIONS_EXCEED_PAYMENT: "The allocations add up to more than the payment.",
    AllocationErrorCode.INVOICE_NOT_OPEN: "The invoice is not open (or not one this payment may pay).",
    AllocationErrorCode.NON_POSITIVE_ALLOCATION: "Each allocation must be more than zero.",
    AllocationErrorCode.DUPLICATE_ALLOCATION: "An invoice is named twice in the allocations.",
}

MAX_REASON = 500


def allocation_error(error: AllocationError) -> UserInputError:
    field = ("allocations", error.index) if error.index is not None else "allocations"
    return UserInputError(error.code, error.message, field)


def period_error(error: PeriodError, path: FieldPath = ()) -> UserInputError:
    return UserInputError(error.code, error.message, (*path, error.field))


def money_date_error(error: MoneyDateError, field: str) -> UserInputError:
    return UserInputError(error.code, str(error), field)


def checked_reason(reason: str | None, field: str = "reason") -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned or len(cleaned) > MAX_REASON:
        raise UserInputError(
            BillingErrorCode.BILLING_REASON_REQUIRED, DESCRIPTIONS[BillingErrorCode.BILLING_REASON_REQUIRED], field
        )
    return cleaned
