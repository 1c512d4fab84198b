"""Root query fields of the customers domain."""

from asyncio import gather
from typing import Annotated, Any

import strawberry

from db.enums import EnrollmentStatus as DbStatus
from graph.accounts import loaders as account_loaders
from graph.accounts.types import account_or_none, load_account_fields
from graph.core.eager import selects
from graph.core.errors import client_error
from graph.core.relay import (
    After,
    Before,
    First,
    Last,
    page_request,
    to_connection,
)
from graph.customers.enums import CustomerOrder
from graph.customers.inputs import CustomerSearch
from graph.customers.search.types import CustomerSearchConnection
from graph.customers.types import (
    NAME_CURSOR,
    NUMBER_CURSOR,
    Customer,
    load_customer_fields,
)
from resolvers.context import RequestScope
from resolvers.customers import queries
from resolvers.customers.search import queries as search
from resolvers.errors import UserInputError


def search_criteria(given: CustomerSearch | None) -> search.CustomerSearch:
    if given is None:
        return search.CustomerSearch()
    return search.CustomerSearch(
        ldc_account_number=given.ldc_account_number, name=given.name, address=given.address,
        status=DbStatus(given.status.value) if given.status else None,
        market=given.market, utility=given.utility, text=given.text,
    )


async def _primary_accounts(info: strawberry.Info, scope: RequestScope, customer_ids: list[int]) -> None:
    """The grid's primary accounts, read in the search's own session and handed to the request's loader: their
    fields then resolve at once, without a second session (a pool checkout and its thread round-trips)."""
    batch = account_loaders.primary_accounts_by_customer_id
    info.context.loaders.of(batch).prime_many(dict(zip(customer_ids, await batch(scope, customer_ids), strict=True)))


@strawberry.type
class CustomerQueries:
    @strawberry.field(
        description="The search panel and results grid: customers of the viewer's client, one row per customer; "
        "each row's `matchedAccount` is the account that matched (its status, market, utility, address)."
    )
    async def customers(
        self,
        info: strawberry.Info,
        search_: Annotated[CustomerSearch | None, strawberry.argument(name="search", description="Filters.")] = None,
        order_by: Annotated[CustomerOrder, strawberry.argument(description="Result order.")] = CustomerOrder.NAME,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> CustomerSearchConnection:
        order = search.CustomerOrder(order_by.value)
        shape = NAME_CURSOR if order is search.CustomerOrder.NAME else NUMBER_CURSOR
        request = page_request(first, after, last, before, shape)
        criteria = search_criteria(search_)
        try:
            async with info.context.session_scope() as scope:
                page = await search.search_customers(scope, criteria, order, request)
                matched: list[Any | None] = [None] * len(page.rows)  # rows as matched_accounts gives them
                if page.rows and selects(info, "edges", "matchedAccount"):
                    matched = await search.matched_accounts(scope, criteria, [r.id for r in page.rows])
                if page.rows and selects(info, "edges", "node", "primaryAccount"):
                    await _primary_accounts(info, scope, [r.id for r in page.rows])
        except UserInputError as error:
            raise client_error(error) from None

        async def count() -> int:
            if page.total is not None:  # the search counted its candidates
                return page.total
            async with info.context.session_scope() as scope:
                return await search.count_customers(scope, criteria)

        # what the rows' fields read, loaded in one go: they then resolve without an await
        await gather(load_customer_fields(info, page.rows, "edges", "node"),
                     load_account_fields(info, [m for m in matched if m is not None], "edges", "matchedAccount"))
        rows = to_connection(page, shape, Customer.from_row, count)
        return CustomerSearchConnection.of(rows, [account_or_none(m) for m in matched])

    @strawberry.field(description="A customer by customer number; null if the client has none with that number.")
    async def customer(
        self, info: strawberry.Info, number: Annotated[str, strawberry.argument(description="Customer number.")]
    ) -> Customer | None:
        async with info.context.session_scope() as scope:
            row = await queries.get_customer_by_number(scope, number)
        return Customer.from_row(row) if row else None

