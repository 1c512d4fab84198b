"""Live communication log: entries and memos as they are added, for an open customer profile, resumable.

Every update carries the cursor of its event. A client that reconnects passes the last cursor it got as
`after` and first receives what it missed (from the event log), then what follows, each once and in
order: the subscription listens before it reads the log, and drops what it already sent.
"""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError

from db.engine import on_loop_thread
from graph import event_trace
from graph.commlog.types import CommLogEntry, CommLogMemo
from graph.core.errors import client_error
from graph.core.relay import CursorShape, decode_cursor, encode_cursor, from_global_id, invalid_cursor
from graph.event_feed import commlog_topic
from resolvers.commlog import batches
from resolvers.commlog.errors import CommlogErrorCode
from resolvers.customers.queries import get_customer
from resolvers.errors import UserInputError
from resolvers.events import (
    RETENTION,
    CommLogChanged,
    LoggedChange,
    customer_events_after,
    newest_customer_event,
    newest_id,
    retained_since,
)

EVENT_CURSOR = CursorShape("event", (int,))
REPLAY_LIMIT = 200  # missed updates replayed on resume; past that the client reloads the log instead


@strawberry.type(description="An entry added to the log, or a memo added to one of its entries.")
class CommunicationLogUpdate:
    entry: CommLogEntry = strawberry.field(description="The entry (new, or the one that got a memo).")
    memo: CommLogMemo | None = strawberry.field(description="The new memo; null when the entry itself is new.")
    cursor: str = strawberry.field(description="This update's place in the log's history: pass it as `after` when "
                                   "subscribing again to receive only what came after it.")
    refetch: bool = strawberry.field(description="True when updates before this one were not sent (the subscriber fell "
                                     f"behind, or resumed from more than {REPLAY_LIMIT} updates back): reload the "
                                     "log, then keep applying the updates that follow.")


@strawberry.type
class CommlogSubscriptions:
    @strawberry.subscription(description="Entries and memos of one customer's log as they are added, whichever "
                             "worker or host added them. Resumable: pass the last update's cursor as `after`.")
    async def communication_log_updated(
        self, info: strawberry.Info,
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer whose log to follow.")],
        after: Annotated[str | None, strawberry.argument(
            description="Cursor of the last update received: first send the ones after it (missed while "
                        f"disconnected), then the new ones. Updates are kept {RETENTION.days} days; an older cursor "
                        "is refused with CURSOR_EXPIRED (reload the log and subscribe without it).")] = None,
    ) -> AsyncGenerator[CommunicationLogUpdate, None]:
        context = info.context
        customer_pk = await _own_customer(info, customer_id)
        after_id = decode_cursor(after, EVENT_CURSOR)[0] if after is not None else None
        async with context.feed.subscribe(commlog_topic(context.scope.tenant_id, customer_pk)) as mailbox:
            last, refetch = after_id, False
            if after_id is not None:
                missed, refetch = await _missed(info, customer_pk, after_id)
                for event in missed:
                    update = _update(await _read_rows(info, event), refetch)
                    last, refetch = event.id, False
                    if update is not None:
                        yield update
            while True:
                change, skipped = await mailbox.get()  # the feed read its rows (graph/event_feed.py)
                if last is not None and change.event.id <= last:
                    continue  # already replayed from the log
                event_trace.stamp("taken", [change.event.id])
                context.loaders.clear()  # one context serves the whole socket: never reuse stale rows
                update = _update(change, skipped or refetch)
                event_trace.stamp("built", [change.event.id])
                last, refetch = change.event.id, False
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


async def _missed(info: strawberry.Info, customer_pk: int, after_id: int) -> tuple[list[CommLogChanged], bool]:
    """The customer's events after the cursor, and whether some are left out (only the newest is sent then)."""
    async with info.context.session_scope() as scope:
        if after_id > await newest_id(scope.db):
            raise invalid_cursor(encode_cursor((after_id,), EVENT_CURSOR))  # no update has it yet
        if not await retained_since(scope.db, after_id):
            raise client_error(UserInputError(CommlogErrorCode.CURSOR_EXPIRED, "Updates after this cursor are no "
                                              "longer kept: reload the log and subscribe without `after`."))
        missed = await customer_events_after(scope, customer_pk, after_id, REPLAY_LIMIT + 1)
        if len(missed) <= REPLAY_LIMIT:
            return missed, False
        newest = await newest_customer_event(scope, customer_pk)
    return [newest] if newest else [], True


async def _read_rows(info: strawberry.Info, event: CommLogChanged) -> LoggedChange:
    """A replayed event with its entry and memo (one of each by key)."""
    async with info.context.session_scope() as scope, on_loop_thread(scope.db):
        entry = (await batches.entries_by_ids(scope, [event.entry_id]))[0]
        memo = (await batches.memos_by_ids(scope, [event.memo_id]))[0] if event.memo_id else None
    return LoggedChange(event, entry, memo)


def _update(change: LoggedChange, refetch: bool) -> CommunicationLogUpdate | None:
    """The update a change makes; None when its entry is gone (deleted since)."""
    if change.entry is None:
        return None
    memo = CommLogMemo.from_row(change.memo) if change.memo else None
    return CommunicationLogUpdate(entry=CommLogEntry.from_row(change.entry), memo=memo,
                                  cursor=encode_cursor((change.event.id,), EVENT_CURSOR), refetch=refetch)
