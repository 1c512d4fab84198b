"""Mutation payloads of the accounts domain."""

import strawberry

from graph.accounts.transaction_types import MarketTransaction
from graph.accounts.types import UtilityAccount
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of editPremise.")
class EditPremisePayload:
    utility_account: UtilityAccount | None = strawberry.field(default=None, description="The account as changed.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of createMarketTransaction.")
class CreateMarketTransactionPayload:
    market_transaction: MarketTransaction | None = strawberry.field(default=None, description="The request, QUEUED.")
    utility_account: UtilityAccount | None = strawberry.field(
        default=None, description="The account, with the request's effect on its status."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of recordMarketResponse.")
class RecordMarketResponsePayload:
    market_transaction: MarketTransaction | None = strawberry.field(
        default=None, description="The transaction recorded."
    )
    request: MarketTransaction | None = strawberry.field(
        default=None, description="The request it answered, now ACCEPTED or REJECTED; null for INBOUND."
    )
    utility_account: UtilityAccount | None = strawberry.field(default=None, description="The account after the answer.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(
    description="Result of importUsage: every line imported, or none (then one userError per problem line)."
)
class ImportUsagePayload:
    period_count: int | None = strawberry.field(default=None, description="Usage periods imported.")
    account_count: int | None = strawberry.field(default=None, description="Utility accounts they belong to.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
