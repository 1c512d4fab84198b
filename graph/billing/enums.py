"""GraphQL enums of billing, each value described."""

import enum

import strawberry

from db import enums
from graph.core.enums import mirrors


@mirrors(enums.InvoiceStatus)
@strawberry.enum(description="Where an invoice stands.")
class InvoiceStatus(enum.Enum):
    _value_: str
    OPEN = strawberry.enum_value("OPEN", description="Nothing paid yet.")
    PARTIALLY_PAID = strawberry.enum_value("PARTIALLY_PAID", description="Some paid; some still open.")
    PAID = strawberry.enum_value("PAID", description="Nothing open.")
    REVERSED = strawberry.enum_value("REVERSED", description="Every charge was reversed.")


@mirrors(enums.InvoiceLineKind)
@strawberry.enum(description="What an invoice line charges for.")
class InvoiceLineKind(enum.Enum):
    _value_: str
    ENERGY = strawberry.enum_value("ENERGY", description="Usage x the plan's energy rate.")
    DELIVERY = strawberry.enum_value("DELIVERY", description="The utility's delivery charge.")
    TAX = strawberry.enum_value("TAX", description="Sales tax of the market, per taxed line.")
    FEE = strawberry.enum_value("FEE", description="The plan's monthly fee.")
    SPECIAL_CHARGE = strawberry.enum_value(
        "SPECIAL_CHARGE",
        description="A one-off special charge billed on this invoice.",
    )
    REVERSAL = strawberry.enum_value("REVERSAL", description="A credit reversing another line.")


@mirrors(enums.SpecialChargeStatus)
@strawberry.enum(description="Where a special charge stands.")
class SpecialChargeStatus(enum.Enum):
    _value_: str
    PENDING = strawberry.enum_value("PENDING", description="Waiting for the next invoice.")
    BILLED = strawberry.enum_value("BILLED", description="On an invoice line.")
    REMOVED = strawberry.enum_value("REMOVED", description="Removed before billing.")


@mirrors(enums.AdjustmentDirection)
@strawberry.enum(description="Which way an adjustment moves the balance.")
class AdjustmentDirection(enum.Enum):
    _value_: str
    DEBIT = strawberry.enum_value("DEBIT", description="The customer owes more.")
    CREDIT = strawberry.enum_value("CREDIT", description="The customer owes less.")


@mirrors(enums.PaymentMethod)
@strawberry.enum(description="How a payment was made.")
class PaymentMethod(enum.Enum):
    _value_: str
    CHECK = strawberry.enum_value("CHECK", description="Paper check.")
    ACH = strawberry.enum_value("ACH", description="Bank transfer (ACH).")
    CARD = strawberry.enum_value("CARD", description="Credit or debit card (last four digits only).")
    CASH = strawberry.enum_value("CASH", description="Cash.")
    MONEY_ORDER = strawberry.enum_value("MONEY_ORDER", description="Money order.")
    WIRE = strawberry.enum_value("WIRE", description="Wire transfer.")


@mirrors(enums.AllocationMode)
@strawberry.enum(description="How a payment chooses the invoices it pays.")
class AllocationMode(enum.Enum):
    _value_: str
    FIFO = strawberry.enum_value(
        "FIFO",
        description="Oldest open invoices first: due date, then issue date, then invoice number.",
    )
    SPEC = strawberry.enum_value("SPEC", description="The invoices and amounts the customer named.")


@mirrors(enums.PaymentScope)
@strawberry.enum(description="Whose invoices a payment may pay.")
class PaymentScope(enum.Enum):
    _value_: str
    CUSTOMER = strawberry.enum_value("CUSTOMER", description="Only the paying customer's.")
    HIERARCHY = strawberry.enum_value("HIERARCHY", description="A master's and its children's.")


@mirrors(enums.PaymentStatus)
@strawberry.enum(description="Where a payment stands.")
class PaymentStatus(enum.Enum):
    _value_: str
    POSTED = strawberry.enum_value("POSTED", description="Posted and applied.")
    RETURNED = strawberry.enum_value("RETURNED", description="Returned (e.g. NSF): its allocations were taken back.")


@mirrors(enums.LedgerKind)
@strawberry.enum(description="What an AR history entry records.")
class LedgerKind(enum.Enum):
    _value_: str
    INVOICE = strawberry.enum_value("INVOICE", description="An invoice's charges.")
    PAYMENT = strawberry.enum_value("PAYMENT", description="A payment received.")
    ADJUSTMENT = strawberry.enum_value("ADJUSTMENT", description="A debit or credit adjustment.")
    REVERSAL = strawberry.enum_value("REVERSAL", description="Invoice charges reversed.")
    REFUND = strawberry.enum_value("REFUND", description="Credit paid back to the customer.")
    RETURNED_PAYMENT = strawberry.enum_value("RETURNED_PAYMENT", description="A payment returned (NSF).")
    CREDIT_TRANSFER = strawberry.enum_value(
        "CREDIT_TRANSFER",
        description="A payer's money applied to (or taken back from) another customer's invoice in a hierarchy.",
    )


