"""Inputs of the accounts domain."""

from datetime import date

import strawberry
from strawberry.file_uploads import Upload

from graph.accounts.enums import (
    InboundTransactionType,
    MarketResponseOutcome,
    OutboundTransactionType,
)
from graph.customers.inputs import AddressInput

CMID = "Any string; echoed back in the payload (Relay)."
OPTIONAL_TEXT = "Omit to keep; null or blank clears."


@strawberry.input(description="Changes to a utility account's premise. Omitted fields stay as they are.")
class EditPremiseInput:
    utility_account_id: strawberry.ID = strawberry.field(description="The utility account.")
    service_address: strawberry.Maybe[AddressInput] = strawberry.field(
        description="Replaces the whole service address: line1, city, state (two-letter code) and ZIP (12345 or "
        "12345-6789) are required; an omitted line2 is cleared."
    )
    meter_number: strawberry.Maybe[str | None] = strawberry.field(description=f"The utility's meter number. {OPTIONAL_TEXT}")
    meter_type: strawberry.Maybe[str | None] = strawberry.field(description=f"Kind of meter. {OPTIONAL_TEXT}")
    read_cycle: strawberry.Maybe[str | None] = strawberry.field(description=f"Meter read cycle code. {OPTIONAL_TEXT}")
    rate_class: strawberry.Maybe[str | None] = strawberry.field(description=f"The utility's rate class. {OPTIONAL_TEXT}")
    load_profile: strawberry.Maybe[str | None] = strawberry.field(description=f"Load profile code. {OPTIONAL_TEXT}")
    premise_type: strawberry.Maybe[str | None] = strawberry.field(description=f"Premise type. {OPTIONAL_TEXT}")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="One named value a market transaction carries.")
class MarketTransactionDetailInput:
    name: str = strawberry.field(description="The field's name (unique within the transaction, 60 characters).")
    value: str = strawberry.field(description="Its value (500 characters).")


@strawberry.input(description="A market transaction (814) a CSR sends to the utility.")
class CreateMarketTransactionInput:
    utility_account_id: strawberry.ID = strawberry.field(description="The utility account.")
    type: OutboundTransactionType = strawberry.field(description="What to request.")  # type: ignore[valid-type]
    effective_date: date | None = strawberry.field(
        default=None, description="The date asked for: required for MOVE_IN and MOVE_OUT; for a DROP the last day of service."
    )
    reason: str | None = strawberry.field(default=None, description="Why (200 characters), e.g. the drop reason.")
    changes: list[MarketTransactionDetailInput] | None = strawberry.field(
        default=None, description="CHANGE only, and required there: the changed fields and their new values."
    )
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(
    description="What the utility sent, as the market integration records it. An ACCEPT or REJECT names the account "
    "(ldcAccountNumber) and the request it answers (respondsTo); both must match or nothing is recorded."
)
class RecordMarketResponseInput:
    ldc_account_number: str = strawberry.field(description="The LDC account number (ESI ID) the utility named.")
    reference: str = strawberry.field(description="The utility's reference for this transaction; unique within the client.")
    outcome: MarketResponseOutcome = strawberry.field(description="Accept, reject, or an unasked transaction.")  # type: ignore[valid-type]
    responds_to: str | None = strawberry.field(
        default=None, description="ACCEPT and REJECT: the reference of the request answered. Leave out for INBOUND."
    )
    type: InboundTransactionType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="INBOUND only, and required there: what the utility sent."
    )
    reason: str | None = strawberry.field(default=None, description="The utility's reason; required for REJECT.")
    effective_date: date | None = strawberry.field(
        default=None, description="The date the utility confirms (a drop's last day, an enrollment's first day)."
    )
    details: list[MarketTransactionDetailInput] | None = strawberry.field(
        default=None, description="Further fields the transaction carried, kept for the detail view."
    )
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Usage periods from a CSV file (GraphQL multipart request).")
class ImportUsageInput:
    file: Upload = strawberry.field(
        description="UTF-8 CSV with a header naming ldc_account_number, period_start, period_end (YYYY-MM-DD, "
        "inclusive), kwh (up to 3 decimals) and optionally demand_kw, read_type (ACTUAL or ESTIMATED; default "
        "ACTUAL), meter_number. At most 100,000 lines. Needs an Apollo-Require-Preflight header."
    )
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)
