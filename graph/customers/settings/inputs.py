"""Inputs of customer settings and dunning holds."""

from datetime import date

import strawberry
from strawberry.file_uploads import Upload

from graph.accounts.enums import EnrollmentStatus
from graph.commlog.bulk_notes.types import AccountNumberType
from graph.core.text import client_mutation_id_field, text_field
from resolvers.customers.account_numbers import MAX_TYPED_LIST
from resolvers.customers.settings.dunning_holds import MAX_ACCOUNTS
from resolvers.rules.dunning import MAX_HOLD_DAYS, MAX_REASON_LENGTH

UNTIL = f"The hold's last day (inclusive): today (UTC) or later, at most {MAX_HOLD_DAYS} days ahead."
REASON = "Why; required, trimmed."


@strawberry.input(description="Billing settings to change. Omit a setting (or send null) to leave it as it is.")
class UpdateCustomerSettingsInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    autopay: bool | None = strawberry.field(default=None, description="Turn autopay on or off.")
    paperless: bool | None = strawberry.field(
        default=None, description="Turn paperless billing on (the customer needs an email address) or off."
    )
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Hold one customer out of dunning through a day.")
class PlaceDunningHoldInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    until: date = strawberry.field(description=UNTIL)
    reason: str = text_field(REASON, MAX_REASON_LENGTH)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="End a customer's dunning hold before its day.")
class ReleaseDunningHoldInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer; it must have a hold in force.")
    reason: str = text_field(f"Why the hold ends early. {REASON}", MAX_REASON_LENGTH)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(
    description="One dunning hold for many accounts (seed 000), listed as bulkAddNote lists them: `file` (a CSV "
    f"upload, GraphQL multipart request spec) or `accounts` (typed), not both; at most {MAX_ACCOUNTS:,} accounts."
)
class BulkPlaceDunningHoldInput:
    until: date = strawberry.field(description=UNTIL)
    reason: str = text_field(REASON, MAX_REASON_LENGTH)
    file: Upload | None = strawberry.field(
        default=None,
        description="A CSV file of account numbers, UTF-8 (a BOM is fine), with or without a header row; with a "
        "header the account column is found by name. Multipart requests need an Apollo-Require-Preflight or "
        "GraphQL-Preflight header.",
    )
    accounts: str | None = text_field(
        "Account numbers typed or pasted, separated by commas, semicolons, spaces or newlines; a longer list goes in "
        "`file`.", MAX_TYPED_LIST, default=None)
    number_type: AccountNumberType = strawberry.field(
        default=AccountNumberType.CUSTOMER_NUMBER, description="Which numbers the list holds."
    )
    only_statuses: list[EnrollmentStatus] | None = strawberry.field(
        default=None,
        description="Hold only accounts in these statuses (a customer's status is its primary account's). Omit or "
        "leave empty to hold every found account.",
    )
    dry_run: bool = strawberry.field(
        default=False, description="Compute the results but hold nobody and write nothing."
    )
    client_mutation_id: str | None = client_mutation_id_field()
