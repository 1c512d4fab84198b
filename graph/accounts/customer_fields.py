"""The accounts domain's fields on Customer: its utility accounts, and the one the search grid shows."""

from asyncio import Future, gather
from collections.abc import Awaitable
from typing import Any

import strawberry

from db import models
from graph.accounts import loaders
from graph.accounts.types import UtilityAccount, account_or_none, load_account_fields
from graph.core.columns import Children, declare
from graph.core.eager import Later, NowOrLater, Wanted, at_once, load_for, page_requests_at, selects
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    page_request,
    to_connection,
)
from resolvers.pagination import Page

ACCOUNT_CURSOR = CursorShape("account", (int,))


@strawberry.type
class CustomerAccountFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(
        description="The utility accounts (service points) of this customer, oldest first. "
        "A customer with several accounts is one search result; see `primaryAccount`, and the search row's "
        "`matchedAccount`.",
        graphql_type=Connection[UtilityAccount],
        metadata=declare(Children(loaders.accounts_of_customer, ACCOUNT_CURSOR)),
    )
    def utility_accounts(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> NowOrLater[Connection[UtilityAccount]]:
        request = page_request(first, after, last, before, ACCOUNT_CURSOR)
        page = info.context.loaders.grouped(loaders.account_pages_by_customer_id).load((self.row.id, request))
        if isinstance(page, Future) and page.done():  # loaded with the customer page, with the accounts' fields
            return self._accounts(info, page.result())
        return self._accounts_later(info, page)

    async def _accounts_later(self, info: strawberry.Info, page: Awaitable[Any]) -> Connection[UtilityAccount]:
        loaded_page = await page
        await load_account_fields(info, loaded_page.rows, "edges", "node")  # their fields then resolve without an await
        return self._accounts(info, loaded_page)

    def _accounts(self, info: strawberry.Info, page: Page[models.UtilityAccount]) -> Connection[UtilityAccount]:
        count = info.context.loaders.of(loaders.account_counts_by_customer_id)
        return to_connection(page, ACCOUNT_CURSOR, UtilityAccount.from_row, lambda: count.load(self.row.id))

    @strawberry.field(
        description="The account the search results grid shows for this customer: an ACTIVE one if any "
        "(else PENDING_DROP, PENDING, DROP_ACCEPTED, DROPPED, INACTIVE), the most recently started first.",
        graphql_type=UtilityAccount | None,
    )
    def primary_account(self) -> UtilityAccount | Later[UtilityAccount | None] | None:
        # Built when asked for, not with the customer: an account builds its customer (a plain field), so
        # building the account here too would build the customer again, and so on without end. The search
        # grid's page loads it with the customers (load_customer_fields): then it is at hand, no await.
        return at_once(loaders.primary_accounts_by_customer_id, self.row.id, account_or_none)


async def load_customer_account_fields(info: strawberry.Info, rows: list[models.Customer], *at: str) -> None:
    """Load what the selection at `at` reads of these customers' accounts (see load_customer_fields)."""
    of, accounts = info.context.loaders.of, None
    wanted: list[Wanted] = []
    if rows and selects(info, *at, "primaryAccount"):
        wanted.append((of(loaders.primary_accounts_by_customer_id), [r.id for r in rows]))
    requests = page_requests_at(info, ACCOUNT_CURSOR, *at, "utilityAccounts") if rows else []
    if requests:
        accounts = info.context.loaders.grouped(loaders.account_pages_by_customer_id)
        wanted.append((accounts, [(r.id, request) for r in rows for request in requests]))
    await load_for(*wanted)
    if accounts is not None:  # then what those accounts' fields read, in a second round
        pages = await gather(*(accounts.load((r.id, request)) for r in rows for request in requests),
                             return_exceptions=True)
        found = [account for page in pages if not isinstance(page, BaseException) for account in page.rows]
        await load_account_fields(info, found, *at, "utilityAccounts", "edges", "node")
