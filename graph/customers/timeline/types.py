"""Customer.timeline and Customer.recentActivity: every source of an account's history in one connection.

Types ActivityItem, ActivityKind, ActivitySubject and TimelineFilter, and the two fields (CustomerTimelineFields).
A page costs one statement (resolvers/customers/timeline/queries.py), then one per kind on it for the rows
behind its items.
"""

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import GraphQLError

from db import models
from graph.accounts.transaction_types import EnrollmentStatusChange, MarketTransaction
from graph.admin.types import AuditEvent, User
from graph.billing import loaders as billing_loaders
from graph.billing.payment_types import Adjustment, Payment, Refund
from graph.billing.types import Invoice, InvoiceLine, PaymentAllocation
from graph.commlog.types import CommLogEntry
from graph.core.eager import NowOrLater
from graph.core.enums import mirrors
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    invalid_cursor,
    node_or_none,
    page_request,
    to_connection,
)
from graph.customers import loaders
from graph.customers.arguments import Rollup
from graph.tickets.types import Ticket
from resolvers.customers.timeline import queries as timeline
from resolvers.customers.timeline.queries import TimelineItem, TimelineQuery, TimelineWindow
from resolvers.pagination import Page, PageRequest
from resolvers.rules import timeline as rules
from resolvers.rules.timeline_summaries import NEEDS_INVOICE_NUMBER, summarize

if TYPE_CHECKING:
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
TIMELINE_CURSOR = CursorShape("timeline", (datetime, int, int))
MAX_RECENT = 50


@mirrors(rules.ActivityKind)
@strawberry.enum(description="What a timeline item records, i.e. which source it comes from.")
class ActivityKind(enum.Enum):
    _value_: str
    INVOICE = strawberry.enum_value("INVOICE", description="An invoice was issued (subject: Invoice).")
    PAYMENT = strawberry.enum_value("PAYMENT", description="A payment was received (subject: Payment).")
    ALLOCATION = strawberry.enum_value(
        "ALLOCATION",
        description="Part of a payment was applied to an invoice of this customer, or taken back (subject: "
                    "PaymentAllocation).",
    )
    ADJUSTMENT = strawberry.enum_value("ADJUSTMENT", description="A debit or credit adjustment (subject: Adjustment).")
    REVERSAL = strawberry.enum_value(
        "REVERSAL",
        description="An invoice charge was reversed (subject: the REVERSAL InvoiceLine).",
    )
    REFUND = strawberry.enum_value("REFUND", description="Credit was paid back (subject: Refund).")
    PAYMENT_RETURNED = strawberry.enum_value(
        "PAYMENT_RETURNED",
        description="A payment came back unpaid, e.g. NSF; placed at its return (subject: Payment).",
    )
    MARKET_TRANSACTION = strawberry.enum_value(
        "MARKET_TRANSACTION",
        description="An EDI exchange with the utility on one of the customer's utility accounts (subject: "
                    "MarketTransaction).",
    )
    STATUS_CHANGE = strawberry.enum_value(
        "STATUS_CHANGE",
        description="A utility account's enrollment status changed (subject: EnrollmentStatusChange).",
    )
    TICKET = strawberry.enum_value("TICKET", description="A service ticket was opened (subject: Ticket).")
    AUDIT = strawberry.enum_value(
        "AUDIT",
        description="An audited change to the customer, e.g. contact information or settings (subject: AuditEvent).",
    )
    COMM_LOG = strawberry.enum_value(
        "COMM_LOG",
        description="A communication-log entry: note, call, email, letter or system event (subject: CommLogEntry).",
    )


ActivitySubject = Annotated[
    CommLogEntry | Invoice | Payment | PaymentAllocation | Adjustment | InvoiceLine | Refund | MarketTransaction
    | EnrollmentStatusChange | Ticket | AuditEvent,
    strawberry.union("ActivitySubject", description="The object a timeline item is about; its type follows the kind."),
]
_K = rules.ActivityKind
SUBJECTS: dict[rules.ActivityKind, Any] = {
    _K.COMM_LOG: CommLogEntry, _K.INVOICE: Invoice, _K.PAYMENT: Payment, _K.PAYMENT_RETURNED: Payment,
    _K.ALLOCATION: PaymentAllocation, _K.ADJUSTMENT: Adjustment, _K.REVERSAL: InvoiceLine, _K.REFUND: Refund,
    _K.MARKET_TRANSACTION: MarketTransaction, _K.STATUS_CHANGE: EnrollmentStatusChange, _K.TICKET: Ticket,
    _K.AUDIT: AuditEvent,
}
KINDS = {kind: ActivityKind(kind.value) for kind in rules.ActivityKind}  # the API's member of each


@strawberry.input(description="Which items of a customer's timeline to show.")
class TimelineFilter:
    kinds: list[ActivityKind] | None = strawberry.field(
        default=None, description="Only these kinds; omitted: every kind; empty: none.")
    since: datetime | None = strawberry.field(
        default=None, description="Recorded at or after this instant (with Z or an offset: see DateTime).")
    until: datetime | None = strawberry.field(
        default=None, description="Recorded before this instant (with Z or an offset: see DateTime).")


@strawberry.type(description="One thing that happened on a customer's account, from any source (seed 001: Recent "
                 "Activity).")
class ActivityItem:
    occurred_at: datetime = strawberry.field(
        description="When it was recorded (UTC): the row's creation; a status change's change; a returned payment's "
        "return. Not a business date such as an invoice's issue day.")
    kind: ActivityKind = strawberry.field(description="What it records.")
    item: strawberry.Private[TimelineItem]
    row: strawberry.Private[Any]

    @strawberry.field(graphql_type=str, description="One human line, e.g. \"Payment $120.00 (ACH) received\" or "
                      "\"Invoice INV-123 issued, $88.10\".")
    def summary(self, info: strawberry.Info) -> NowOrLater[str]:
        # a coroutine only for the kinds that name an invoice: a page of 50 would otherwise make 50 tasks
        kind = self.item.kind
        if kind in NEEDS_INVOICE_NUMBER:
            return self._summary_with_invoice(info)
        return summarize(kind, self.row)

    async def _summary_with_invoice(self, info: strawberry.Info) -> str:
        invoice = await info.context.loaders.of(billing_loaders.invoices_by_id).load(self.row.invoice_id)
        return summarize(self.item.kind, self.row, invoice.number if invoice else None)

    @strawberry.field(graphql_type=User | None, description="Who did it, when the source records it; null for system "
                      "and billing-run events, allocations and returned payments.")
    def actor(self, info: strawberry.Info) -> NowOrLater[User | None] | None:
        pk = timeline.actor_id(self.item.kind, self.row)
        return node_or_none(User, info, pk) if pk is not None else None

    @strawberry.field(description="The object it is about; its type follows `kind`.")
    def subject(self) -> ActivitySubject | None:
        return SUBJECTS[self.item.kind].from_row(self.row)

    @strawberry.field(description="The customer whose account it is on: a child's, on a master's timeline with "
                      "includeChildren.")
    async def customer(self, info: strawberry.Info) -> CustomerRef:
        from graph.customers.types import Customer

        return await Customer.load(info, self.item.customer_id)


TimelineFilterArg = Annotated[TimelineFilter | None,
                              strawberry.argument(description="Which kinds, and which period; default: everything.")]
RecentCount = Annotated[int, strawberry.argument(description="How many items (0-50).")]


@strawberry.type
class CustomerTimelineFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(
        description="Everything that happened on the account in one list, newest first: communication log, invoices, "
        "payments and allocations, adjustments, reversals, refunds, returned payments, market transactions, status "
        "changes, tickets and audited changes. Ordered by when each was recorded; cursors span every source."
    )
    async def timeline(
        self, info: strawberry.Info, filter: TimelineFilterArg = None, include_children: Rollup = False,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ActivityItem]:
        return await timeline_connection(info, self.row, filter, include_children, first, after, last, before)

    @strawberry.field(description="Recent Activity: the head of `timeline` (this customer only, every kind).")
    async def recent_activity(self, info: strawberry.Info, first: RecentCount = 10) -> list[ActivityItem]:
        if not 0 <= first <= MAX_RECENT:
            raise GraphQLError(f"`first` must be between 0 and {MAX_RECENT}.", extensions={"code": "BAD_USER_INPUT"})
        connection = await timeline_connection(info, self.row, None, False, first, None, None, None)
        return [edge.node for edge in connection.edges]


async def timeline_connection(
    info: strawberry.Info, customer: Any, given: TimelineFilter | None, include_children: bool,
    first: int | None, after: str | None, last: int | None, before: str | None,
) -> Connection[ActivityItem]:
    """A page of the customer's timeline (with its direct children's, if asked), newest first."""
    request = _checked(page_request(first, after, last, before, TIMELINE_CURSOR), after, before)
    owner = await _owner(info, customer, include_children)
    window = to_window(given)
    pages = info.context.loaders.grouped(loaders.timeline_pages_by_owner)
    page = await _with_rows(info, await pages.load((owner, TimelineQuery(window, request))))
    count = info.context.loaders.grouped(loaders.timeline_counts_by_owner)
    return to_connection(page, TIMELINE_CURSOR, _activity_item, lambda: count.load((owner, window)))


def _activity_item(pair: tuple[TimelineItem, Any]) -> ActivityItem:
    item, row = pair
    return ActivityItem(occurred_at=item.occurred_at, kind=KINDS[item.kind], item=item, row=row)


async def _owner(info: strawberry.Info, customer: Any, include_children: bool) -> tuple[int, ...]:
    """The customer's id, and with include_children those of the customers directly under it (one level)."""
    if not include_children:
        return (customer.id,)
    return (customer.id, *await info.context.loaders.of(billing_loaders.child_ids_by_master_id).load(customer.id))


async def _with_rows(info: strawberry.Info, page: Page[TimelineItem]) -> Page[tuple[TimelineItem, Any]]:
    """The page's items with their rows, read per kind (one statement each), all in one session."""
    keys = [(item.id, timeline.subject_kind(item.kind)) for item in page.rows]
    rows = await info.context.loaders.grouped(loaders.subject_rows_by_id).load_many(keys)
    # Rows are never deleted, so each is found; the guard keeps a vanished one from failing the page.
    kept = [(item, key, row) for item, key, row in zip(page.rows, page.keys, rows, strict=False) if row is not None]
    return Page([(i, r) for i, _k, r in kept], [k for _i, k, _r in kept], page.has_next, page.has_previous)


def to_window(given: TimelineFilter | None) -> TimelineWindow:
    given = given or TimelineFilter()
    kinds = frozenset(rules.ActivityKind(k.value) for k in given.kinds) if given.kinds is not None else None
    return TimelineWindow(kinds=kinds, since=_utc(given.since), until=_utc(given.until))


def _utc(at: datetime | None) -> datetime | None:
    return None if at is None else _as_utc(at)


def _as_utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _checked(request: PageRequest, after: str | None, before: str | None) -> PageRequest:
    """Cursors must hold a key this timeline made: an instant with offset, a known source, an id."""
    for key, cursor in ((request.after, after), (request.before, before)):
        if key is not None and not rules.is_valid_key(key):
            raise invalid_cursor(cursor or "")
    return PageRequest(first=request.first, last=request.last, after=_utc_key(request.after),
                       before=_utc_key(request.before))


def _utc_key(key: tuple[Any, ...] | None) -> rules.TimelineKey | None:
    return rules.TimelineKey(_as_utc(key[0]), key[1], key[2]) if key is not None else None
