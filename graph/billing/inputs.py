"""Inputs of billing mutations and queries. Amounts are Decimal strings: at most two decimals, never floats."""

from datetime import date
from decimal import Decimal

import strawberry

from db.models import Adjustment, IdempotencyKey, InvoiceLine, Payment, Refund, SpecialCharge
from graph.billing.enums import (
    AdjustmentDirection,
    AllocationMode,
    PaymentMethod,
    PaymentScope,
)
from graph.core.text import client_mutation_id_field, text_field
from resolvers.rules.billing_periods import MAX_PERIOD_DAYS
from resolvers.rules.money_dates import DAYS_AHEAD, YEARS_BACK

AMOUNT = "A positive amount as a decimal string with at most two decimals, e.g. \"12.30\"."
MONEY_WINDOW = (f"from {YEARS_BACK} years before today to {DAYS_AHEAD} day after (UTC); "
                "other days are a userError MONEY_DATE_OUT_OF_RANGE.")
KEY = ("Idempotency key (at least 1 character): the same key and input replays the first result; keys are kept 24 "
       "hours or more.")
WHY = "Why; required."


@strawberry.input(description="Part of a SPEC payment: how much goes to one invoice.")
class AllocationInput:
    invoice_id: strawberry.ID = strawberry.field(description="The invoice to pay.")
    amount: Decimal = strawberry.field(description=AMOUNT)


@strawberry.input(description="A payment to post (or preview).")
class PostPaymentInput:
    customer_id: strawberry.ID = strawberry.field(description="The paying customer (a master, for HIERARCHY).")
    amount: Decimal = strawberry.field(description=AMOUNT)
    method: PaymentMethod = strawberry.field(description="How it was paid.")
    received_on: date = strawberry.field(
        description="The day it was received, within the money window: " + MONEY_WINDOW
    )
    mode: AllocationMode = strawberry.field(default=AllocationMode.FIFO, description="FIFO or SPEC.")
    allocations: list[AllocationInput] | None = strawberry.field(
        default=None, description="For SPEC: the invoices and amounts."
    )
    scope: PaymentScope = strawberry.field(
        default=PaymentScope.CUSTOMER, description="CUSTOMER, or HIERARCHY to pay a master's children's invoices too.")
    reference: str | None = text_field("Check number or other reference; stored as given, trimmed.", Payment.reference,
                                       default=None)
    card_last4: str | None = text_field("For cards: the last four digits only.", Payment.card_last4, default=None)
    idempotency_key: str | None = text_field(KEY, IdempotencyKey.key, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Refund a payment's unapplied credit (TEAM_LEAD).")
class RefundPaymentInput:
    payment_id: strawberry.ID = strawberry.field(description="The payment holding the credit.")
    amount: Decimal = strawberry.field(description=AMOUNT + " At most the payment's unapplied credit.")
    reason: str = text_field(WHY, Refund.reason)
    idempotency_key: str | None = text_field(KEY, IdempotencyKey.key, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A returned (NSF) payment (TEAM_LEAD).")
class ReversePaymentInput:
    payment_id: strawberry.ID = strawberry.field(description="The payment that came back.")
    reason: str = text_field("Why it came back, e.g. NSF; required.", Payment.returned_reason)
    nsf_fee: Decimal | None = strawberry.field(
        default=None, description="If given, a returned-payment fee added as a special charge."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A special charge for the next invoice.")
class CreateSpecialChargeInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer to charge.")
    description: str = text_field("As printed on the invoice; required.", SpecialCharge.description)
    amount: Decimal = strawberry.field(description=AMOUNT)
    reason: str = text_field(WHY, SpecialCharge.reason)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Remove a PENDING special charge (recorded, not deleted).")
class RemoveSpecialChargeInput:
    special_charge_id: strawberry.ID = strawberry.field(description="The charge.")
    reason: str = text_field(WHY, SpecialCharge.removed_reason)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Reverse chosen lines of an invoice (TEAM_LEAD).")
class ReverseInvoiceChargesInput:
    invoice_id: strawberry.ID = strawberry.field(description="The invoice.")
    line_ids: list[strawberry.ID] = strawberry.field(description="The lines to reverse (what remains of each).")
    reason: str = text_field(WHY, InvoiceLine.reason)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(
    description="A debit or credit adjustment; above the client's threshold only a TEAM_LEAD may post it."
)
class CreateAdjustmentInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    direction: AdjustmentDirection = strawberry.field(description="DEBIT or CREDIT.")
    amount: Decimal = strawberry.field(description=AMOUNT)
    reason_code: str = text_field("Reason code; required.", Adjustment.reason_code)
    note: str | None = text_field("Free text.", Adjustment.note, default=None)
    invoice_id: strawberry.ID | None = strawberry.field(
        default=None, description="An invoice of the customer to post it against."
    )
    idempotency_key: str | None = text_field(KEY, IdempotencyKey.key, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(
    description="A billing run (ADMIN): invoices for a period from usage, rates, taxes and pending charges."
)
class RunBillingInput:
    period_start: date = strawberry.field(description="First day of the period (usage is billed by read day).")
    period_end: date = strawberry.field(description=f"Last day of the period (included); a period has at most "
                                        f"{MAX_PERIOD_DAYS} days and ends before the issue day.")
    issued_on: date | None = strawberry.field(default=None, description="Issue date; default today. Due 21 days later. "
                                              "Within the money window: " + MONEY_WINDOW)
    utility_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="One account; default every ACTIVE account."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Email a billing document (invoice or AR history PDF) to the customer.")
class EmailInvoiceInput:
    invoice_id: strawberry.ID = strawberry.field(description="The invoice.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Email the customer's AR history as a PDF.")
class EmailArHistoryInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    start: date | None = strawberry.field(default=None, description="First day shown; default the beginning.")
    end: date | None = strawberry.field(
        default=None, description="Last day shown, not before `start` (INVALID_BILLING_PERIOD); default the last entry."
    )
    client_mutation_id: str | None = client_mutation_id_field()
