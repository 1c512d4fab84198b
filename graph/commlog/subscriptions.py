"""Live communication log: entries and memos as they are added, for an open customer profile."""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError

from graph.commlog.types import CommLogEntry, CommLogMemo
from graph.context import commlog_topic
from graph.core.relay import from_global_id
from graph.live_sign_in import while_signed_in
from resolvers.commlog import batches
from resolvers.customers.queries import get_customer
from resolvers.events import CommLogChanged


@strawberry.type(description="An entry added to the log, or a memo added to one of its entries.")
class CommunicationLogUpdate:
    entry: CommLogEntry = strawberry.field(description="The entry (new, or the one that got a memo).")
    memo: CommLogMemo | None = strawberry.field(description="The new memo; null when the entry itself is new.")


@strawberry.type
class CommlogSubscriptions:
    @strawberry.subscription(description="Entries and memos of one customer's log as they are added.")
    async def communication_log_updated(
        self, info: strawberry.Info,
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer whose log to follow.")],
    ) -> AsyncGenerator[CommunicationLogUpdate, None]:
        context = info.context
        customer_pk = await _own_customer(info, customer_id)
        async with context.broker.subscribe(commlog_topic(context.scope.tenant_id, customer_pk)) as queue:
            event: CommLogChanged
            async for event in while_signed_in(context, queue):
                context.loaders.clear()  # one context serves the whole socket: never reuse stale rows
                update = await _update_for(info, event)
                if update is not None:
                    yield update


async def _own_customer(info: strawberry.Info, customer_id: str) -> int:
    """The customer's key, if the viewer's client has it; anything else is not found."""
    decoded = from_global_id(customer_id)
    if decoded is not None and decoded[0] == "Customer":
        async with info.context.session_scope() as scope:
            if await get_customer(scope, decoded[1]) is not None:
                return decoded[1]
    raise GraphQLError("Customer not found.", extensions={"code": "NOT_FOUND"})


async def _update_for(info: strawberry.Info, event: CommLogChanged) -> CommunicationLogUpdate | None:
    async with info.context.session_scope() as scope:
        entry = (await batches.entries_by_ids(scope, [event.entry_id]))[0]
        memos = await batches.memos_by_entry_ids(scope, [event.entry_id]) if event.memo_id else [[]]
    if entry is None:
        return None
    memo = next((m for m in memos[0] if m.id == event.memo_id), None)
    return CommunicationLogUpdate(entry=CommLogEntry.from_row(entry), memo=CommLogMemo.from_row(memo) if memo else None)
