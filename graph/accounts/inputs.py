"""Inputs of the accounts domain."""

from datetime import date

import strawberry
from strawberry.file_uploads import Upload

from db.models import MarketTransaction, UtilityAccount
from graph.accounts.enums import (
    InboundTransactionType,
    MarketResponseOutcome,
    OutboundTransactionType,
)
from graph.core.text import client_mutation_id_field, text_field
from graph.customers.inputs import AddressInput
from resolvers.accounts.transactions import MAX_NAME, MAX_VALUE

OPTIONAL_TEXT = "Omit to keep; null or blank clears."


@strawberry.input(description="Changes to a utility account's premise. Omitted fields stay as they are.")
class EditPremiseInput:
    utility_account_id: strawberry.ID = strawberry.field(description="The utility account.")
    service_address: strawberry.Maybe[AddressInput | None] = strawberry.field(
        description="Replaces the whole service address: line1, city, state (two-letter code) and ZIP (12345 or "
        "12345-6789) are required; an omitted line2 is cleared. A premise always has an address: omit it, or send "
        "null, to leave it as it is."
    )
    meter_number: strawberry.Maybe[str | None] = text_field(f"The utility's meter number. {OPTIONAL_TEXT}",
                                                            UtilityAccount.meter_number)
    meter_type: strawberry.Maybe[str | None] = text_field(f"Kind of meter. {OPTIONAL_TEXT}", UtilityAccount.meter_type)
    read_cycle: strawberry.Maybe[str | None] = text_field(f"Meter read cycle code. {OPTIONAL_TEXT}",
                                                          UtilityAccount.read_cycle)
    rate_class: strawberry.Maybe[str | None] = text_field(f"The utility's rate class. {OPTIONAL_TEXT}",
                                                          UtilityAccount.rate_class)
    load_profile: strawberry.Maybe[str | None] = text_field(f"Load profile code. {OPTIONAL_TEXT}",
                                                            UtilityAccount.load_profile)
    premise_type: strawberry.Maybe[str | None] = text_field(
        f"Premise type. {OPTIONAL_TEXT}", UtilityAccount.premise_type
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="One named value a market transaction carries.")
class MarketTransactionDetailInput:
    name: str = text_field("The field's name (unique within the transaction).", MAX_NAME)
    value: str = text_field("Its value.", MAX_VALUE)


@strawberry.input(description="A market transaction (814) a CSR sends to the utility.")
class CreateMarketTransactionInput:
    utility_account_id: strawberry.ID = strawberry.field(description="The utility account.")
    type: OutboundTransactionType = strawberry.field(description="What to request.")
    effective_date: date | None = strawberry.field(
        default=None,
        description="The date asked for: required for MOVE_IN and MOVE_OUT; for a DROP the last day of service. "
        "Within ten years of today.",
    )
    reason: str | None = text_field("Why, e.g. the drop reason.", MarketTransaction.reason, default=None)
    changes: list[MarketTransactionDetailInput] | None = strawberry.field(
        default=None, description="CHANGE only, and required there: the changed fields and their new values."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(
    description="What the utility sent, as the market integration records it. An ACCEPT or REJECT names the account "
    "(ldcAccountNumber) and the request it answers (respondsTo); both must match or nothing is recorded."
)
class RecordMarketResponseInput:
    ldc_account_number: str = text_field("The LDC account number (ESI ID) the utility named.",
                                         UtilityAccount.ldc_account_number)
    reference: str = text_field("The utility's reference for this transaction; unique within the client.",
                                MarketTransaction.reference)
    outcome: MarketResponseOutcome = strawberry.field(description="Accept, reject, or an unasked transaction.")
    responds_to: str | None = text_field("ACCEPT and REJECT: the reference of the request answered. Leave out for "
                                         "INBOUND.", MarketTransaction.reference, default=None)
    type: InboundTransactionType | None = strawberry.field(
        default=None, description="INBOUND only, and required there: what the utility sent."
    )
    reason: str | None = text_field(
        "The utility's reason; required for REJECT.", MarketTransaction.reason, default=None
    )
    effective_date: date | None = strawberry.field(
        default=None,
        description="The date the utility confirms (a drop's last day, an enrollment's first day); within "
        "ten years of today.",
    )
    details: list[MarketTransactionDetailInput] | None = strawberry.field(
        default=None, description="Further fields the transaction carried, kept for the detail view."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Usage periods from a CSV file (GraphQL multipart request).")
class ImportUsageInput:
    file: Upload = strawberry.field(
        description="UTF-8 CSV with a header naming ldc_account_number, period_start, period_end (YYYY-MM-DD, "
        "inclusive), kwh (up to 3 decimals) and optionally demand_kw, read_type (ACTUAL or ESTIMATED; default "
        "ACTUAL), meter_number. At most 100,000 lines. Needs an Apollo-Require-Preflight header."
    )
    client_mutation_id: str | None = client_mutation_id_field()
