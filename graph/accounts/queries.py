"""Root query fields of the accounts domain: one account, and the reference data."""

from typing import Annotated

import strawberry

from graph.accounts.types import Market, RatePlan, Utility, UtilityAccount
from resolvers.accounts import queries

MarketCode = Annotated[str | None, strawberry.argument(description="Only this market, e.g. TX.")]


@strawberry.type
class AccountQueries:
    @strawberry.field(description="A utility account by its LDC account number (ESI ID); null if none.")
    async def utility_account(
        self,
        info: strawberry.Info,
        ldc_account_number: Annotated[str, strawberry.argument(description="The utility's account number.")],
    ) -> UtilityAccount | None:
        async with info.context.session_scope() as scope:
            row = await queries.get_account_by_ldc(scope, ldc_account_number)
        return UtilityAccount.from_row(row) if row else None

    @strawberry.field(description="Markets (states or territories), for the search panel's dropdown.")
    async def markets(self, info: strawberry.Info) -> list[Market]:
        async with info.context.session_scope() as scope:
            return [Market.from_row(r) for r in await queries.list_markets(scope)]

    @strawberry.field(description="Utilities (LDCs), for the search panel's dropdown.")
    async def utilities(self, info: strawberry.Info, market: MarketCode = None) -> list[Utility]:
        async with info.context.session_scope() as scope:
            return [Utility.from_row(r) for r in await queries.list_utilities(scope, market)]

    @strawberry.field(description="The client's rate plans.")
    async def rate_plans(self, info: strawberry.Info, market: MarketCode = None) -> list[RatePlan]:
        async with info.context.session_scope() as scope:
            return [RatePlan.from_row(r) for r in await queries.list_rate_plans(scope, market)]
