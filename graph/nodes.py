"""`node(id)` and `nodes(ids)`: any object by its global ID, tenant-scoped by each type's loader."""

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError

from graph.accounts.transaction_types import MarketTransaction
from graph.accounts.types import Market, RatePlan, Utility, UtilityAccount
from graph.accounts.usage_types import UsagePeriod
from graph.admin.types import User
from graph.billing.payment_types import Adjustment, Payment, SpecialCharge
from graph.billing.types import Invoice
from graph.commlog.bulk_types import BulkNoteJob
from graph.commlog.letter_types import Document, LetterTemplate, Notification
from graph.commlog.types import CommLogEntry, CommLogMemo
from graph.core.relay import Node, from_global_id
from graph.customers.types import Customer
from graph.tickets.types import AuthorizedContact, Ticket

# Types reachable through `node`; each loads through its tenant-scoped DataLoader.
NODE_TYPES: dict[str, Any] = {
    t.__name__: t for t in (Customer, UtilityAccount, Market, Utility, RatePlan, User, CommLogEntry, CommLogMemo, BulkNoteJob,
              Document, Notification, LetterTemplate, MarketTransaction, UsagePeriod,
              Invoice, Payment, Adjustment, SpecialCharge,
              Ticket, AuthorizedContact)
}
MAX_NODES = 100


async def load_nodes(info: strawberry.Info, global_ids: list[str]) -> list[Node | None]:
    """Resolve IDs in order; unknown types, garbage and other clients' IDs are all None."""
    wanted: dict[str, list[int]] = {}
    decoded = [from_global_id(g) for g in global_ids]
    for item in decoded:
        if item and item[0] in NODE_TYPES:
            wanted.setdefault(item[0], []).append(item[1])
    found: dict[tuple[str, int], Node | None] = {}
    for type_name, pks in wanted.items():
        for pk, node in zip(pks, await NODE_TYPES[type_name].load_nodes(info, pks)):
            found[(type_name, pk)] = node
    return [found.get(item) if item else None for item in decoded]


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global ID; null if it does not exist for this client.")
    async def node(
        self, info: strawberry.Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")]
    ) -> Node | None:
        return (await load_nodes(info, [id]))[0]

    @strawberry.field(description="Objects by global IDs, in the same order; null where not found (at most 100).")
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs (at most 100).")],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise GraphQLError(f"At most {MAX_NODES} IDs at a time.", extensions={"code": "BAD_USER_INPUT"})
        return await load_nodes(info, list(ids))
