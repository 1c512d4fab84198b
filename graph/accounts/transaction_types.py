"""GraphQL types of market transactions (the history panel) and enrollment status changes."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from db import enums, models
from graph.accounts import loaders
from graph.accounts.enums import (
    EnrollmentStatus,
    MarketDirection,
    MarketTransactionStatus,
    MarketTransactionType,
)
from graph.admin.types import User
from graph.core.columns import Reference, by_value, column, declare
from graph.core.eager import Later, at_once, load_for, selects
from graph.core.relay import (
    Connection,
    CursorShape,
    Node,
    load_converted,
    node_or_none,
    page_request,
    to_connection,
    to_global_id,
)
from resolvers.accounts.transactions import edi_set
from resolvers.pagination import Page

if TYPE_CHECKING:
    from graph.accounts.types import UtilityAccount

UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
# This module's own type, for its field that may return an awaitable (`graphql_type`: see graph/core/eager.py).
MarketTransactionRef = Annotated["MarketTransaction", strawberry.lazy("graph.accounts.transaction_types")]
TRANSACTION_CURSOR = CursorShape("transaction", (int,))
STATUS_CHANGE_CURSOR = CursorShape("status-change", (int,))
# The API's member for each stored value, found once per row by a dict lookup: a panel has thousands.
TYPES = {t: MarketTransactionType[t.name] for t in enums.MarketTransactionType}
DIRECTIONS = {d: MarketDirection[d.name] for d in enums.MarketDirection}
STATUSES = {s: MarketTransactionStatus[s.name] for s in enums.MarketTransactionStatus}
EDI_SETS = {t: edi_set(t) for t in enums.MarketTransactionType}


@strawberry.type(description="One field a market transaction carried (the history panel's detail view).")
class MarketTransactionDetail:
    name: str = strawberry.field(description="The field's name, e.g. effectiveDate or ratePlan.")
    value: str | None = strawberry.field(description="The field's value as sent or received.")


@strawberry.type(description="An EDI exchange with the utility: 814 enrollment family, 867 usage, 810, 820.")
class MarketTransaction(Node):
    type: MarketTransactionType = column(models.MarketTransaction.type, convert=TYPES.__getitem__,
                                         description="What the transaction is.")
    transaction_set: str = column(models.MarketTransaction.type, convert=EDI_SETS.__getitem__,
                                  description="The EDI transaction set: 814, 867, 810 or 820.")
    direction: MarketDirection = column(models.MarketTransaction.direction, convert=DIRECTIONS.__getitem__,
                                        description="To the utility or from it.")
    status: MarketTransactionStatus = column(models.MarketTransaction.status, convert=STATUSES.__getitem__,
                                             description="Where it stands.")
    reference: str = column(models.MarketTransaction.reference,
                            description="Its reference, unique within the client; answers quote it.")
    reason: str | None = column(models.MarketTransaction.reason,
                                description="Why: a drop's reason, a rejection's reason.")
    effective_date: date | None = column(models.MarketTransaction.effective_date,
                                         description="The date it takes effect, if it names one.")
    created_at: datetime = column(models.MarketTransaction.created_at,
                                  description="When it was created or received (UTC).")
    sent_at: datetime | None = column(models.MarketTransaction.sent_at,
                                      description="When an outbound request was transmitted (UTC).")
    responded_at: datetime | None = column(models.MarketTransaction.responded_at,
                                           description="When the utility answered a request (UTC).")
    carried: strawberry.Private[dict[str, Any] | None]
    account_pk: strawberry.Private[int]
    related_pk: strawberry.Private[int | None]
    creator_pk: strawberry.Private[int | None]

    @strawberry.field(description="The fields it carried, in order (the history panel's detail view).")
    def details(self) -> list[MarketTransactionDetail]:
        # built on request: a panel of thousands of transactions mostly shows other columns
        return [MarketTransactionDetail(name=k, value=v) for k, v in (self.carried or {}).items()]

    # A plain field filled when built (graph/core/eager.py: at_once): no resolver to run per transaction, of
    # thousands in a panel. transaction_connection loads the page's related transactions before it builds the
    # page, so they are at hand; otherwise a Later that loads only if the query selects the field.
    related_transaction: "MarketTransaction | Later[MarketTransaction | None] | None" = strawberry.field(
        graphql_type=MarketTransactionRef | None,
        description="The request a response answers; null for requests and unasked transactions.")

    @strawberry.field(description="The utility account it concerns.")
    async def utility_account(self, info: strawberry.Info) -> UtilityAccountRef:
        from graph.accounts.types import UtilityAccount

        return UtilityAccount.from_row(await info.context.loaders.of(loaders.accounts_by_id).load(self.account_pk))

    @strawberry.field(description="Who created or recorded it.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.creator_pk)

    @classmethod
    def from_row(cls, row: models.MarketTransaction, *, related_at_once: bool = True) -> Self:
        return cls(
            id=to_global_id("MarketTransaction", row.id),
            type=TYPES[row.type],
            transaction_set=EDI_SETS[row.type],
            direction=DIRECTIONS[row.direction],
            status=STATUSES[row.status],
            reference=row.reference,
            reason=row.reason,
            effective_date=row.effective_date,
            created_at=row.created_at,
            sent_at=row.sent_at,
            responded_at=row.responded_at,
            carried=row.details,
            account_pk=row.utility_account_id,
            related_pk=row.related_id,
            creator_pk=row.created_by,
            related_transaction=(
                at_once(loaders.transactions_by_id, row.related_id, _related) if related_at_once
                else Later(loaders.transactions_by_id, row.related_id, cls.from_found) if row.related_id else None
            ),
        )

    @classmethod
    def from_found(cls, row: models.MarketTransaction | None) -> Self | None:
        return cls.from_row(row) if row else None

    @classmethod
    async def load(cls, info: strawberry.Info, pk: int | None) -> Self | None:
        row = await info.context.loaders.of(loaders.transactions_by_id).load(pk) if pk else None
        return cls.from_found(row)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.transactions_by_id, ids, cls.from_row)


@strawberry.type(description="One change of a utility account's enrollment status, and what caused it.")
class EnrollmentStatusChange:
    from_status: EnrollmentStatus = column(models.EnrollmentStatusChange.from_status,
                                           convert=by_value(EnrollmentStatus), description="The status before.")
    to_status: EnrollmentStatus = column(models.EnrollmentStatusChange.to_status, convert=by_value(EnrollmentStatus),
                                         description="The status after.")
    changed_at: datetime = column(models.EnrollmentStatusChange.changed_at, description="When it changed (UTC).")
    reason: str | None = column(models.EnrollmentStatusChange.reason,
                                description="Why, in words (e.g. Drop accepted by the utility).")
    transaction_pk: strawberry.Private[int | None]
    actor_pk: strawberry.Private[int | None]

    @strawberry.field(description="The market transaction that caused it; null for a drop reaching its end date.")
    async def market_transaction(self, info: strawberry.Info) -> MarketTransaction | None:
        loader = info.context.loaders.of(loaders.status_change_transactions_by_id)
        row = await loader.load(self.transaction_pk) if self.transaction_pk else None
        return MarketTransaction.from_row(row) if row else None

    @strawberry.field(description="The user whose action caused it; null for scheduled changes.",
                      metadata=declare(Reference(loaders.status_change_actors_by_id,
                                                 models.EnrollmentStatusChange.actor_id, User.from_row)))
    async def changed_by(self, info: strawberry.Info) -> User | None:
        row = (
            await info.context.loaders.of(loaders.status_change_actors_by_id).load(self.actor_pk)
            if self.actor_pk
            else None
        )
        return User.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: models.EnrollmentStatusChange) -> Self:
        return cls(
            from_status=EnrollmentStatus(row.from_status.value),
            to_status=EnrollmentStatus(row.to_status.value),
            changed_at=row.changed_at,
            reason=row.reason,
            transaction_pk=row.market_transaction_id,
            actor_pk=row.actor_id,
        )


def _related(row: models.MarketTransaction | None) -> MarketTransaction | None:
    """A transaction's related one, whose own related one is a Later (loaded if asked for): building that at once
    too would go round for ever if two transactions named each other."""
    return MarketTransaction.from_row(row, related_at_once=False) if row else None


async def transaction_connection(
    info: strawberry.Info, account_id: int, first: int | None, after: str | None, last: int | None, before: str | None
) -> Connection[MarketTransaction]:
    request = page_request(first, after, last, before, TRANSACTION_CURSOR)
    page = await info.context.loaders.grouped(loaders.transaction_pages_by_account_id).load((account_id, request))
    if selects(info, "edges", "node", "relatedTransaction"):  # then each edge resolves it without an await
        await load_for((info.context.loaders.of(loaders.transactions_by_id), (r.related_id for r in page.rows)))
    return to_connection(page, TRANSACTION_CURSOR, MarketTransaction.from_row, counted(info, page, account_id))


def counted(info: strawberry.Info, page: Page[Any], account_id: int) -> Callable[[], Awaitable[int]]:
    """totalCount: the page's own count when its statement had one (a first page), else the count loader's."""
    if page.total is not None:
        return partial(_known, page.total)
    count = info.context.loaders.of(loaders.transaction_counts_by_account_id)
    return lambda: count.load(account_id)


async def _known(total: int) -> int:
    return total


async def status_change_connection(
    info: strawberry.Info, account_id: int, first: int | None, after: str | None, last: int | None, before: str | None
) -> Connection[EnrollmentStatusChange]:
    request = page_request(first, after, last, before, STATUS_CHANGE_CURSOR)
    page = await info.context.loaders.grouped(loaders.status_change_pages_by_account_id).load((account_id, request))
    count = info.context.loaders.of(loaders.status_change_counts_by_account_id)
    return to_connection(page, STATUS_CHANGE_CURSOR, EnrollmentStatusChange.from_row, lambda: count.load(account_id))
