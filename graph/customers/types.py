"""GraphQL types of the customers domain, built from ORM rows with plain attribute fields."""

from asyncio import Future, gather
from collections.abc import Awaitable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from graphql import GraphQLError

from db import models
from graph.accounts import loaders as account_loaders
from graph.core.eager import (
    arguments_at,
    at_once,
    load_for,
    loaded,
    now_or_later,
    selects,
)
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    Node,
    load_converted,
    page_request,
    to_connection,
    to_global_id,
)
from graph.customers import loaders
from graph.customers.arguments import LogFilterArg, LogOrderArg, sort_direction
from graph.customers.enums import CustomerKind
from graph.tickets.enums import TicketStatus
from resolvers.pagination import PageRequest

if TYPE_CHECKING:
    from graph.accounts.types import Address, UtilityAccount
    from graph.admin.types import AuditEvent
    from graph.billing.payment_types import Adjustment, Payment, SpecialCharge
    from graph.billing.types import AgingBuckets, ArHistoryEntry, Invoice, Money
    from graph.commlog.letter_types import Document, Notification
    from graph.commlog.types import CommLogEntry
    from graph.customers.alerts import AccountAlert
    from graph.customers.capabilities import CustomerActions
    from graph.customers.settings_types import CustomerSettings
    from graph.customers.timeline import ActivityItem, TimelineFilter
    from graph.tickets.types import AuthorizedContact, Ticket

UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
AddressRef = Annotated["Address", strawberry.lazy("graph.accounts.types")]
AuditEventRef = Annotated["AuditEvent", strawberry.lazy("graph.admin.types")]
CommLogEntryRef = Annotated["CommLogEntry", strawberry.lazy("graph.commlog.types")]
AccountAlertRef = Annotated["AccountAlert", strawberry.lazy("graph.customers.alerts")]
CustomerActionsRef = Annotated["CustomerActions", strawberry.lazy("graph.customers.capabilities")]
CustomerSettingsRef = Annotated["CustomerSettings", strawberry.lazy("graph.customers.settings_types")]
DocumentRef = Annotated["Document", strawberry.lazy("graph.commlog.letter_types")]
NotificationRef = Annotated["Notification", strawberry.lazy("graph.commlog.letter_types")]
InvoiceRef = Annotated["Invoice", strawberry.lazy("graph.billing.types")]
PaymentRef = Annotated["Payment", strawberry.lazy("graph.billing.payment_types")]
AdjustmentRef = Annotated["Adjustment", strawberry.lazy("graph.billing.payment_types")]
SpecialChargeRef = Annotated["SpecialCharge", strawberry.lazy("graph.billing.payment_types")]
ArHistoryEntryRef = Annotated["ArHistoryEntry", strawberry.lazy("graph.billing.types")]
MoneyRef = Annotated["Money", strawberry.lazy("graph.billing.types")]
AgingRef = Annotated["AgingBuckets", strawberry.lazy("graph.billing.types")]
TicketRef = Annotated["Ticket", strawberry.lazy("graph.tickets.types")]
AuthorizedContactRef = Annotated["AuthorizedContact", strawberry.lazy("graph.tickets.types")]
ActivityItemRef = Annotated["ActivityItem", strawberry.lazy("graph.customers.timeline")]
TimelineFilterArg = Annotated[Annotated["TimelineFilter", strawberry.lazy("graph.customers.timeline")] | None,
                              strawberry.argument(description="Which kinds, and which period; default: everything.")]
Rollup = Annotated[bool, strawberry.argument(description="Include the customers directly under this master (roll-up).")]

NAME_CURSOR = CursorShape("name", (str, int))
NUMBER_CURSOR = CursorShape("number", (str, int))
ACCOUNT_CURSOR = CursorShape("account", (int,))


def _account_or_none(row: models.UtilityAccount | None) -> "UtilityAccount | None":
    from graph.accounts.types import account_or_none

    return account_or_none(row)


def _customers(rows: list[models.Customer]) -> list["Customer"]:
    return [Customer.from_row(r) for r in rows]


async def load_customer_fields(info: strawberry.Info, rows: list[models.Customer], *at: str) -> None:
    """Load, in one go, what the selection at `at` (e.g. edges, node) reads of these customers through
    loaders without arguments, so those resolve without an await (see graph/core/eager.py)."""
    of, wanted = info.context.loaders.of, []
    if rows and selects(info, *at, "master"):
        wanted.append((of(loaders.customers_by_id), [r.master_id for r in rows]))
    if rows and selects(info, *at, "hierarchyTrail"):
        wanted.append((of(loaders.trails_by_customer_id), [r.id for r in rows]))
    if rows and selects(info, *at, "primaryAccount"):
        wanted.append((of(account_loaders.primary_accounts_by_customer_id), [r.id for r in rows]))
    # The connections' pages too, for each page the query asks for (its arguments, variables applied).
    children, accounts = info.context.loaders.grouped(loaders.child_pages_by_master_id), None
    for request in _page_requests(info, NAME_CURSOR, *at, "children") if rows else []:
        wanted.append((children, [(r.id, request) for r in rows]))
    account_requests = _page_requests(info, ACCOUNT_CURSOR, *at, "utilityAccounts") if rows else []
    if account_requests:
        accounts = info.context.loaders.grouped(account_loaders.account_pages_by_customer_id)
        wanted.append((accounts, [(r.id, request) for r in rows for request in account_requests]))
    await load_for(*wanted)
    if accounts is not None:  # then what those accounts' fields read, in a second round
        from graph.accounts.types import load_account_fields

        pages = await gather(*(accounts.load((r.id, request)) for r in rows for request in account_requests),
                             return_exceptions=True)
        found = [account for page in pages if not isinstance(page, BaseException) for account in page.rows]
        await load_account_fields(info, found, *at, "utilityAccounts", "edges", "node")


def _page_requests(info: strawberry.Info, shape: CursorShape, *path: str) -> list[PageRequest]:
    """The page requests of a connection field of Customer at `path`; none for invalid arguments (the
    field's resolver reports those)."""
    requests = []
    for arguments in arguments_at(info, "Customer", *path):
        try:
            requests.append(page_request(arguments.get("first"), arguments.get("after"), arguments.get("last"),
                                         arguments.get("before"), shape))
        except GraphQLError:
            pass
    return requests


@strawberry.type(description="An account holder: a person or an organization, possibly in a master/child hierarchy.")
class Customer(Node):
    number: str = strawberry.field(description="Customer account number, unique within the client.")
    name: str = strawberry.field(description="Primary contact or organization name.")
    kind: CustomerKind = strawberry.field(description="Residential or commercial.")  # type: ignore[valid-type]
    email: str | None = strawberry.field(description="Email address (normalized).")
    phone: str | None = strawberry.field(description="Phone number in E.164 form, e.g. +12155550123.")
    language: str = strawberry.field(description="Preferred language (BCP 47 code, e.g. en, es).")
    is_master: bool = strawberry.field(description="An organizational master: other customers may sit under it.")
    billing_address: AddressRef = strawberry.field(description="Where bills are sent.")  # plain: built with it
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="The master customer directly above this one, if any.")
    def master(self, info: strawberry.Info) -> "Customer | None":
        # no await for the many customers without a master (graphql-core awaits what it gets otherwise)
        loader = info.context.loaders.of(loaders.customers_by_id)
        return loaded(loader, self.row.master_id, Customer.from_row)  # type: ignore[return-value]

    @strawberry.field(description="The path from the top master down to this customer (this customer last).")
    def hierarchy_trail(self, info: strawberry.Info) -> list["Customer"]:
        loader = info.context.loaders.of(loaders.trails_by_customer_id)
        return loaded(loader, self.row.id, _customers)  # type: ignore[return-value]

    @strawberry.field(description="Customers directly under this master, by name.")
    def children(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection["Customer"]:
        request = page_request(first, after, last, before, NAME_CURSOR)
        page = info.context.loaders.grouped(loaders.child_pages_by_master_id).load((self.row.id, request))
        count = info.context.loaders.of(loaders.child_counts_by_master_id)
        return now_or_later(page, lambda p: to_connection(  # type: ignore[return-value]
            p, NAME_CURSOR, Customer.from_row, lambda: count.load(self.row.id)))

    @strawberry.field(
        description="The utility accounts (service points) of this customer, oldest first. "
        "A customer with several accounts is one search result; see `primaryAccount`, and the search row's "
        "`matchedAccount`."
    )
    def utility_accounts(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[UtilityAccountRef]:
        request = page_request(first, after, last, before, ACCOUNT_CURSOR)
        page = info.context.loaders.grouped(account_loaders.account_pages_by_customer_id).load((self.row.id, request))
        if isinstance(page, Future) and page.done():  # loaded with the customer page, with the accounts' fields
            return self._accounts(info, page.result())
        return self._accounts_later(info, page)  # type: ignore[return-value]

    async def _accounts_later(self, info: strawberry.Info, page: Awaitable[Any]) -> Connection[UtilityAccountRef]:
        from graph.accounts.types import load_account_fields

        loaded_page = await page
        await load_account_fields(info, loaded_page.rows, "edges", "node")  # their fields then resolve without an await
        return self._accounts(info, loaded_page)

    def _accounts(self, info: strawberry.Info, page: Any) -> Connection[UtilityAccountRef]:
        from graph.accounts.types import UtilityAccount

        count = info.context.loaders.of(account_loaders.account_counts_by_customer_id)
        return to_connection(page, ACCOUNT_CURSOR, UtilityAccount.from_row, lambda: count.load(self.row.id))

    @strawberry.field(
        description="The account the search results grid shows for this customer: an ACTIVE one if any "
        "(else PENDING_DROP, PENDING, DROP_ACCEPTED, DROPPED, INACTIVE), the most recently started first."
    )
    def primary_account(self) -> UtilityAccountRef | None:
        # Built when asked for, not with the customer: an account builds its customer (a plain field), so
        # building the account here too would build the customer again, and so on without end. The search
        # grid's page loads it with the customers (load_customer_fields): then it is at hand, no await.
        return at_once(account_loaders.primary_accounts_by_customer_id, self.row.id, _account_or_none)  # type: ignore[return-value]

    @strawberry.field(
        description="The communication log: notes, calls, emails, letters and system events. Page size, order and "
        "kinds shown default to the viewer's communication-log preferences."
    )
    async def communication_log(
        self, info: strawberry.Info, filter: LogFilterArg = None, order: LogOrderArg = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[CommLogEntryRef]:
        from graph.commlog.types import log_connection

        return await log_connection(info, "customer_id", self.row.id, filter, sort_direction(order), first, after, last, before)

    @strawberry.field(
        description="What every agent should see first on this customer: critical notes, past-due balance, pending "
        "or accepted drops, an active dunning hold, returned payments (last 90 days), open tickets, renewals due "
        "(60 days), pending transfers. By severity, then newest first."
    )
    async def alerts(self, info: strawberry.Info) -> list[AccountAlertRef]:
        from graph.customers.alerts import customer_alerts

        return await customer_alerts(info, self.row)

    @strawberry.field(
        description="Which common tasks the viewer may perform on this customer, from the role rules the mutations "
        "check: the common-tasks bar offers only these."
    )
    def viewer_can(self, info: strawberry.Info) -> CustomerActionsRef:
        from graph.customers.capabilities import customer_actions

        return customer_actions(info.context.scope.viewer.role)

    @strawberry.field(
        description="Everything that happened on the account in one list, newest first: communication log, invoices, "
        "payments and allocations, adjustments, reversals, refunds, returned payments, market transactions, status "
        "changes, tickets and audited changes. Ordered by when each was recorded; cursors span every source."
    )
    async def timeline(
        self, info: strawberry.Info, filter: TimelineFilterArg = None, include_children: Rollup = False,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ActivityItemRef]:
        from graph.customers.timeline import timeline_connection

        return await timeline_connection(info, self.row, filter, include_children, first, after, last, before)

    @strawberry.field(description="Recent Activity: the head of `timeline` (this customer only, every kind).")
    async def recent_activity(
        self, info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="How many items (0-50).")] = 10,
    ) -> list[ActivityItemRef]:
        from graph.customers.timeline import recent_activity

        return await recent_activity(info, self.row, first)

    @strawberry.field(description="Letters generated for this customer (PDF documents), newest first.")
    async def documents(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[DocumentRef]:
        from graph.commlog.letter_types import documents_connection

        return await documents_connection(info, self.row.id, first, after, last, before)

    @strawberry.field(
        description="Emails and letters by post sent to this customer, newest first, with delivery status: "
        "answers \"did you send me my contract?\""
    )
    async def notifications(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[NotificationRef]:
        from graph.commlog.letter_types import notifications_connection

        return await notifications_connection(info, self.row.id, first, after, last, before)

    @strawberry.field(description="Audited changes to this customer, newest first.")
    async def audit_trail(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[AuditEventRef]:
        from graph.admin.types import audit_connection

        return await audit_connection(info, "Customer", self.row.id, first, after, last, before)

    @strawberry.field(description="Invoices, newest first.")
    async def invoices(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                       before: Before = None) -> Connection[InvoiceRef]:
        from graph.billing.customer_fields import billing_list

        return await billing_list(info, "invoices", self.row.id, first, after, last, before)

    @strawberry.field(description="Payments received, newest first.")
    async def payments(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                       before: Before = None) -> Connection[PaymentRef]:
        from graph.billing.customer_fields import billing_list

        return await billing_list(info, "payments", self.row.id, first, after, last, before)

    @strawberry.field(description="Adjustments, newest first.")
    async def adjustments(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                          before: Before = None) -> Connection[AdjustmentRef]:
        from graph.billing.customer_fields import billing_list

        return await billing_list(info, "adjustments", self.row.id, first, after, last, before)

    @strawberry.field(description="Special charges (pending, billed and removed), newest first.")
    async def special_charges(self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None,
                              before: Before = None) -> Connection[SpecialChargeRef]:
        from graph.billing.customer_fields import billing_list

        return await billing_list(info, "special_charges", self.row.id, first, after, last, before)

    @strawberry.field(description="The AR ledger in order (effective date, then entry) with the running balance.")
    async def ar_history(
        self, info: strawberry.Info,
        start: Annotated[date | None, strawberry.argument(description="First day shown.")] = None,
        end: Annotated[date | None, strawberry.argument(description="Last day shown.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[ArHistoryEntryRef]:
        from graph.billing.customer_fields import ar_history

        return await ar_history(info, self.row.id, start, end, first, after, last, before)

    @strawberry.field(description="What the customer owes (negative: credit): the sum of its AR ledger.")
    async def balance(self, info: strawberry.Info, include_children: Rollup = False) -> MoneyRef:
        from graph.billing.customer_fields import balance

        return await balance(info, self.row, include_children)

    @strawberry.field(description="Open invoice amounts past their due date.")
    async def past_due(self, info: strawberry.Info, include_children: Rollup = False) -> MoneyRef:
        from graph.billing.customer_fields import past_due

        return await past_due(info, self.row, include_children)

    @strawberry.field(description="Open invoice amounts by days past due: current, 1-30, 31-60, 61-90, over 90.")
    async def aging(
        self, info: strawberry.Info, include_children: Rollup = False,
        as_of: Annotated[date | None, strawberry.argument(description="Count ages to this day; default today.")] = None,
    ) -> AgingRef:
        from graph.billing.customer_fields import aging

        return await aging(info, self.row, include_children, as_of)

    @strawberry.field(description="Billing settings (autopay, paperless) and the dunning hold in force (seed 000).")
    def settings(self) -> CustomerSettingsRef:
        from graph.customers.settings_fields import customer_settings

        return customer_settings(self.row)

    @strawberry.field(description="Service tickets about this customer, newest first.")
    async def tickets(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None,
        statuses: Annotated[list[TicketStatus] | None, strawberry.argument(  # type: ignore[valid-type]
            description="Only these statuses; default all.")] = None,
    ) -> Connection[TicketRef]:
        from graph.tickets.customer_fields import tickets

        return await tickets(info, self.row.id, statuses, first, after, last, before)

    @strawberry.field(description="People the holder allows to request changes on the account, oldest first.")
    async def authorized_contacts(
        self, info: strawberry.Info,
        include_removed: Annotated[bool, strawberry.argument(description="Also list removed contacts.")] = False,
    ) -> list[AuthorizedContactRef]:
        from graph.tickets.customer_fields import authorized_contacts

        return await authorized_contacts(info, self.row.id, include_removed)

    @classmethod
    def from_row(cls, row: models.Customer) -> Self:
        from graph.accounts.types import Address

        address = Address(line1=row.billing_line1, line2=row.billing_line2, city=row.billing_city,
                          state=row.billing_state, zip=row.billing_zip)
        return cls(
            id=to_global_id("Customer", row.id), number=row.number, name=row.name,
            kind=CustomerKind(row.kind.value), email=row.email, phone=row.phone,
            language=row.language, is_master=row.is_master, billing_address=address, row=row,
        )

    @classmethod
    async def load(cls, info: strawberry.Info, pk: int) -> Self:
        return cls.from_row(await info.context.loaders.of(loaders.customers_by_id).load(pk))

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.customers_by_id, ids, cls.from_row)
