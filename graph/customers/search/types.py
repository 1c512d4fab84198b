"""The results grid: one row per customer found, with the account that matched the search."""

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.core.relay import Connection, Edge
from graph.customers.types import Customer

if TYPE_CHECKING:
    from graph.accounts.types import UtilityAccount

UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]


@strawberry.type(description="One row of the results grid: a customer found, and the account that matched.")
class CustomerSearchEdge(Edge[Customer]):
    matched_account: UtilityAccountRef | None = strawberry.field(description=(
        "The account this row shows (the grid's address, utility, market, rate plan, dates and status): among the "
        "customer's accounts meeting the search's status, market and utility together (every account when none is "
        "given), the one with the LDC number typed, then one at the address typed, then the first in "
        "`primaryAccount`'s order. So a DROPPED search shows a DROPPED account; a name search, the primary account. "
        "Null for a customer without accounts."))


@strawberry.type(description="Customers found by a search, one row (edge) per customer, paged by keyset cursors.")
class CustomerSearchConnection(Connection[Customer]):
    edges: list[CustomerSearchEdge] = strawberry.field(description="The rows of this page.")

    @classmethod
    def of(cls, page: Connection[Customer], matched: list[Any]) -> "CustomerSearchConnection":
        """`page` with each row's matched account (aligned with its edges)."""
        edges = [
            CustomerSearchEdge(cursor=e.cursor, node=e.node, matched_account=m)
            for e, m in zip(page.edges, matched, strict=False)
        ]
        return cls(edges=edges, page_info=page.page_info, count=page.count)
