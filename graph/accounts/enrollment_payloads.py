"""Payloads of enrollCustomer and enrollUtilityAccount."""

import strawberry

from graph.accounts.transaction_types import MarketTransaction
from graph.accounts.types import UtilityAccount
from graph.commlog.letters.types import Document
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError
from graph.customers.types import Customer

REPLAYED = "True when an earlier request with the same idempotency key did this; nothing new was written."


@strawberry.type(description="Result of enrollCustomer.")
class EnrollCustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="The new customer.")
    utility_accounts: list[UtilityAccount] | None = strawberry.field(
        default=None, description="Its accounts, PENDING, in the order given."
    )
    market_transactions: list[MarketTransaction] | None = strawberry.field(
        default=None, description="The 814 enrollment requests, QUEUED for the utilities, one per account."
    )
    welcome_kit: Document | None = strawberry.field(default=None, description="The welcome kit sent, if asked for.")
    replayed: bool = strawberry.field(default=False, description=REPLAYED)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of enrollUtilityAccount.")
class EnrollUtilityAccountPayload:
    customer: Customer | None = strawberry.field(default=None, description="The customer.")
    utility_account: UtilityAccount | None = strawberry.field(default=None, description="The new account, PENDING.")
    market_transaction: MarketTransaction | None = strawberry.field(
        default=None, description="Its 814 enrollment request, QUEUED for the utility."
    )
    welcome_kit: Document | None = strawberry.field(default=None, description="The welcome kit sent, if asked for.")
    replayed: bool = strawberry.field(default=False, description=REPLAYED)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
