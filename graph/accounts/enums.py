"""Enums of the accounts domain as the API shows them."""

import enum

import strawberry

from db import enums
from graph.core.enums import mirrors
from resolvers.accounts.responses import ResponseOutcome
from resolvers.rules.consumption import Granularity
from resolvers.rules.enrollment import INBOUND_TYPES, OUTBOUND_TYPES


@mirrors(enums.EnrollmentStatus)
@strawberry.enum(description="Where a utility account stands with the supplier.")
class EnrollmentStatus(enum.Enum):
    _value_: str
    PENDING = strawberry.enum_value(
        "PENDING",
        description="Enrollment requested; the utility has not confirmed it yet.",
    )
    ACTIVE = strawberry.enum_value("ACTIVE", description="Enrolled and served by this supplier.")
    PENDING_DROP = strawberry.enum_value(
        "PENDING_DROP",
        description="A drop was requested; the utility has not confirmed it yet.",
    )
    DROP_ACCEPTED = strawberry.enum_value(
        "DROP_ACCEPTED",
        description="The utility accepted the drop; service ends at the end date.",
    )
    DROPPED = strawberry.enum_value("DROPPED", description="No longer served by this supplier.")
    INACTIVE = strawberry.enum_value("INACTIVE", description="Closed or never completed; kept for history.")


@mirrors(enums.RatePlanKind)
@strawberry.enum(description="How a rate plan prices energy.")
class RatePlanKind(enum.Enum):
    _value_: str
    FIXED = strawberry.enum_value("FIXED", description="One price per kWh for the whole term.")
    VARIABLE = strawberry.enum_value("VARIABLE", description="The supplier may change the price monthly.")
    INDEXED = strawberry.enum_value("INDEXED", description="The price follows a market index.")


@mirrors(enums.MarketTransactionType)
@strawberry.enum(description="What a market transaction (EDI exchange with the utility) is.")
class MarketTransactionType(enum.Enum):
    _value_: str
    ENROLLMENT = strawberry.enum_value("ENROLLMENT", description="814 enrollment: switch the account to this supplier.")
    DROP = strawberry.enum_value(
        "DROP",
        description="814 drop: end service with this supplier (from the customer, or another supplier's switch).",
    )
    CHANGE = strawberry.enum_value(
        "CHANGE",
        description="814 change: account data the utility holds changed (billing address, rate class, ...).",
    )
    REINSTATEMENT = strawberry.enum_value(
        "REINSTATEMENT",
        description="814 reinstatement: keep an account whose drop is pending or accepted.",
    )
    HISTORICAL_USAGE_REQUEST = strawberry.enum_value(
        "HISTORICAL_USAGE_REQUEST",
        description="814 request for the account's historical usage (answered with 867s).",
    )
    MOVE_IN = strawberry.enum_value("MOVE_IN", description="814 move-in: start service at the premise on a date.")
    MOVE_OUT = strawberry.enum_value("MOVE_OUT", description="814 move-out: end service at the premise on a date.")
    USAGE = strawberry.enum_value("USAGE", description="867 usage: metered consumption from the utility.")
    INVOICE = strawberry.enum_value("INVOICE", description="810 invoice: the utility's charges.")
    REMITTANCE = strawberry.enum_value("REMITTANCE", description="820 remittance: payment advice.")


@mirrors(enums.MarketDirection)
@strawberry.enum(description="Which way a market transaction went.")
class MarketDirection(enum.Enum):
    _value_: str
    OUTBOUND = strawberry.enum_value("OUTBOUND", description="From the supplier to the utility.")
    INBOUND = strawberry.enum_value("INBOUND", description="From the utility to the supplier.")


@mirrors(enums.MarketTransactionStatus)
@strawberry.enum(description="Where a market transaction stands.")
class MarketTransactionStatus(enum.Enum):
    _value_: str
    QUEUED = strawberry.enum_value(
        "QUEUED",
        description="An outbound request written, waiting for the market integration to transmit it.",
    )
    SENT = strawberry.enum_value("SENT", description="An outbound request transmitted; no answer yet.")
    ACCEPTED = strawberry.enum_value(
        "ACCEPTED",
        description="The utility accepted the request (on a response: this is an acceptance).",
    )
    REJECTED = strawberry.enum_value(
        "REJECTED",
        description="The utility rejected the request (on a response: this is a rejection).",
    )
    RECEIVED = strawberry.enum_value(
        "RECEIVED",
        description="An inbound transaction the utility sent unasked (a drop by another supplier, usage, ...).",
    )


@mirrors(enums.ReadType)
@strawberry.enum(description="How a usage quantity was obtained.")
class ReadType(enum.Enum):
    _value_: str
    ACTUAL = strawberry.enum_value("ACTUAL", description="Read from the meter.")
    ESTIMATED = strawberry.enum_value("ESTIMATED", description="Estimated by the utility.")


@mirrors(Granularity)
@strawberry.enum(description="How consumption is grouped.")
class ConsumptionGranularity(enum.Enum):
    _value_: str
    PERIOD = strawberry.enum_value("PERIOD", description="One row per meter read period, as the utility reported it.")
    MONTH = strawberry.enum_value(
        "MONTH",
        description="One row per calendar month; periods spanning months are prorated by days.",
    )


@mirrors(ResponseOutcome)
@strawberry.enum(description="What the utility sent.")
class MarketResponseOutcome(enum.Enum):
    _value_: str
    ACCEPT = strawberry.enum_value("ACCEPT", description="It accepted one of our requests (named by `respondsTo`).")
    REJECT = strawberry.enum_value(
        "REJECT",
        description="It rejected one of our requests (named by `respondsTo`), with a reason.",
    )
    INBOUND = strawberry.enum_value(
        "INBOUND",
        description="It sent a transaction unasked: a drop by another supplier, a move-out, usage, an invoice, a "
                    "remittance.",
    )


@mirrors([t for t in enums.MarketTransactionType if t in OUTBOUND_TYPES])
@strawberry.enum(description="The market transactions a CSR starts (814s to the utility).")
class OutboundTransactionType(enum.Enum):
    _value_: str
    ENROLLMENT = strawberry.enum_value(
        "ENROLLMENT",
        description="Enroll the account with this supplier (the account must be DROPPED or INACTIVE).",
    )
    DROP = strawberry.enum_value(
        "DROP",
        description="Drop the account at the customer's request (the account must be ACTIVE).",
    )
    CHANGE = strawberry.enum_value(
        "CHANGE",
        description="Tell the utility about changed account data; give the fields in `changes`.",
    )
    REINSTATEMENT = strawberry.enum_value(
        "REINSTATEMENT",
        description="Keep an account whose drop is pending or accepted.",
    )
    HISTORICAL_USAGE_REQUEST = strawberry.enum_value(
        "HISTORICAL_USAGE_REQUEST",
        description="Ask the utility for the account's usage history.",
    )
    MOVE_IN = strawberry.enum_value(
        "MOVE_IN",
        description="Start service at the premise on `effectiveDate` (the account must be DROPPED or INACTIVE).",
    )
    MOVE_OUT = strawberry.enum_value(
        "MOVE_OUT",
        description="End service at the premise on `effectiveDate` (the account must be ACTIVE).",
    )


@mirrors([t for t in enums.MarketTransactionType if t in INBOUND_TYPES])
@strawberry.enum(description="The market transactions the utility sends unasked.")
class InboundTransactionType(enum.Enum):
    _value_: str
    DROP = strawberry.enum_value(
        "DROP",
        description="Another supplier enrolled the customer (switched away): the account becomes DROP_ACCEPTED.",
    )
    MOVE_OUT = strawberry.enum_value(
        "MOVE_OUT",
        description="The customer moved out: the account becomes DROP_ACCEPTED, dropped at the date.",
    )
    USAGE = strawberry.enum_value("USAGE", description="867 usage.")
    INVOICE = strawberry.enum_value("INVOICE", description="810 utility invoice.")
    REMITTANCE = strawberry.enum_value("REMITTANCE", description="820 remittance advice.")


