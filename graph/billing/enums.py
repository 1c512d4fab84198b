"""GraphQL enums of billing, each value described."""

from db import enums
from graph.core.enums import described_enum

InvoiceStatus = described_enum(enums.InvoiceStatus, "Where an invoice stands.", {
    "OPEN": "Nothing paid yet.", "PARTIALLY_PAID": "Some paid; some still open.", "PAID": "Nothing open.",
    "REVERSED": "Every charge was reversed."})
InvoiceLineKind = described_enum(enums.InvoiceLineKind, "What an invoice line charges for.", {
    "ENERGY": "Usage x the plan's energy rate.", "DELIVERY": "The utility's delivery charge.",
    "TAX": "Sales tax of the market, per taxed line.", "FEE": "The plan's monthly fee.",
    "SPECIAL_CHARGE": "A one-off special charge billed on this invoice.", "REVERSAL": "A credit reversing another line."})
SpecialChargeStatus = described_enum(enums.SpecialChargeStatus, "Where a special charge stands.", {
    "PENDING": "Waiting for the next invoice.", "BILLED": "On an invoice line.", "REMOVED": "Removed before billing."})
AdjustmentDirection = described_enum(enums.AdjustmentDirection, "Which way an adjustment moves the balance.", {
    "DEBIT": "The customer owes more.", "CREDIT": "The customer owes less."})
PaymentMethod = described_enum(enums.PaymentMethod, "How a payment was made.", {
    "CHECK": "Paper check.", "ACH": "Bank transfer (ACH).", "CARD": "Credit or debit card (last four digits only).",
    "CASH": "Cash.", "MONEY_ORDER": "Money order.", "WIRE": "Wire transfer."})
AllocationMode = described_enum(enums.AllocationMode, "How a payment chooses the invoices it pays.", {
    "FIFO": "Oldest open invoices first: due date, then issue date, then invoice number.",
    "SPEC": "The invoices and amounts the customer named."})
PaymentScope = described_enum(enums.PaymentScope, "Whose invoices a payment may pay.", {
    "CUSTOMER": "Only the paying customer's.", "HIERARCHY": "A master's and its children's."})
PaymentStatus = described_enum(enums.PaymentStatus, "Where a payment stands.", {
    "POSTED": "Posted and applied.", "RETURNED": "Returned (e.g. NSF): its allocations were taken back."})
LedgerKind = described_enum(enums.LedgerKind, "What an AR history entry records.", {
    "INVOICE": "An invoice's charges.", "PAYMENT": "A payment received.", "ADJUSTMENT": "A debit or credit adjustment.",
    "REVERSAL": "Invoice charges reversed.", "REFUND": "Credit paid back to the customer.",
    "RETURNED_PAYMENT": "A payment returned (NSF).",
    "CREDIT_TRANSFER": "A payer's money applied to (or taken back from) another customer's invoice in a hierarchy."})
