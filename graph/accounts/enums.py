"""Enums of the accounts domain as the API shows them."""

import enum

from db import enums
from graph.core.enums import described_enum
from resolvers.accounts.responses import ResponseOutcome
from resolvers.rules.consumption import Granularity
from resolvers.rules.enrollment import INBOUND_TYPES, OUTBOUND_TYPES

EnrollmentStatus = described_enum(
    enums.EnrollmentStatus,
    "Where a utility account stands with the supplier.",
    {
        "PENDING": "Enrollment requested; the utility has not confirmed it yet.",
        "ACTIVE": "Enrolled and served by this supplier.",
        "PENDING_DROP": "A drop was requested; the utility has not confirmed it yet.",
        "DROP_ACCEPTED": "The utility accepted the drop; service ends at the end date.",
        "DROPPED": "No longer served by this supplier.",
        "INACTIVE": "Closed or never completed; kept for history.",
    },
)

RatePlanKind = described_enum(
    enums.RatePlanKind,
    "How a rate plan prices energy.",
    {
        "FIXED": "One price per kWh for the whole term.",
        "VARIABLE": "The supplier may change the price monthly.",
        "INDEXED": "The price follows a market index.",
    },
)

MarketTransactionType = described_enum(
    enums.MarketTransactionType,
    "What a market transaction (EDI exchange with the utility) is.",
    {
        "ENROLLMENT": "814 enrollment: switch the account to this supplier.",
        "DROP": "814 drop: end service with this supplier (from the customer, or another supplier's switch).",
        "CHANGE": "814 change: account data the utility holds changed (billing address, rate class, ...).",
        "REINSTATEMENT": "814 reinstatement: keep an account whose drop is pending or accepted.",
        "HISTORICAL_USAGE_REQUEST": "814 request for the account's historical usage (answered with 867s).",
        "MOVE_IN": "814 move-in: start service at the premise on a date.",
        "MOVE_OUT": "814 move-out: end service at the premise on a date.",
        "USAGE": "867 usage: metered consumption from the utility.",
        "INVOICE": "810 invoice: the utility's charges.",
        "REMITTANCE": "820 remittance: payment advice.",
    },
)

MarketDirection = described_enum(
    enums.MarketDirection,
    "Which way a market transaction went.",
    {"OUTBOUND": "From the supplier to the utility.", "INBOUND": "From the utility to the supplier."},
)

MarketTransactionStatus = described_enum(
    enums.MarketTransactionStatus,
    "Where a market transaction stands.",
    {
        "QUEUED": "An outbound request written, waiting for the market integration to transmit it.",
        "SENT": "An outbound request transmitted; no answer yet.",
        "ACCEPTED": "The utility accepted the request (on a response: this is an acceptance).",
        "REJECTED": "The utility rejected the request (on a response: this is a rejection).",
        "RECEIVED": "An inbound transaction the utility sent unasked (a drop by another supplier, usage, ...).",
    },
)

ReadType = described_enum(
    enums.ReadType,
    "How a usage quantity was obtained.",
    {"ACTUAL": "Read from the meter.", "ESTIMATED": "Estimated by the utility."},
)

ConsumptionGranularity = described_enum(
    enum.StrEnum("ConsumptionGranularity", {g.name: g.value for g in Granularity}),
    "How consumption is grouped.",
    {
        "PERIOD": "One row per meter read period, as the utility reported it.",
        "MONTH": "One row per calendar month; periods spanning months are prorated by days.",
    },
)

MarketResponseOutcome = described_enum(
    enum.StrEnum("MarketResponseOutcome", {o.name: o.value for o in ResponseOutcome}),
    "What the utility sent.",
    {
        "ACCEPT": "It accepted one of our requests (named by `respondsTo`).",
        "REJECT": "It rejected one of our requests (named by `respondsTo`), with a reason.",
        "INBOUND": "It sent a transaction unasked: a drop by another supplier, a move-out, usage, an invoice, a remittance.",
    },
)

OutboundTransactionType = described_enum(
    enum.StrEnum("OutboundTransactionType", {t.name: t.value for t in enums.MarketTransactionType if t in OUTBOUND_TYPES}),
    "The market transactions a CSR starts (814s to the utility).",
    {
        "ENROLLMENT": "Enroll the account with this supplier (the account must be DROPPED or INACTIVE).",
        "DROP": "Drop the account at the customer's request (the account must be ACTIVE).",
        "CHANGE": "Tell the utility about changed account data; give the fields in `changes`.",
        "REINSTATEMENT": "Keep an account whose drop is pending or accepted.",
        "HISTORICAL_USAGE_REQUEST": "Ask the utility for the account's usage history.",
        "MOVE_IN": "Start service at the premise on `effectiveDate` (the account must be DROPPED or INACTIVE).",
        "MOVE_OUT": "End service at the premise on `effectiveDate` (the account must be ACTIVE).",
    },
)

InboundTransactionType = described_enum(
    enum.StrEnum("InboundTransactionType", {t.name: t.value for t in enums.MarketTransactionType if t in INBOUND_TYPES}),
    "The market transactions the utility sends unasked.",
    {
        "DROP": "Another supplier enrolled the customer (switched away): the account becomes DROP_ACCEPTED.",
        "MOVE_OUT": "The customer moved out: the account becomes DROP_ACCEPTED, dropped at the date.",
        "USAGE": "867 usage.",
        "INVOICE": "810 utility invoice.",
        "REMITTANCE": "820 remittance advice.",
    },
)
