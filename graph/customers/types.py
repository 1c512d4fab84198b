"""The Customer type, composed as graph/schema.py composes Query: its profile and hierarchy are here, every
other domain's fields come from that domain's customer_fields.py (billing's invoices, the log's entries, ...)."""

from asyncio import gather
from typing import Annotated, Self

import strawberry

from db import models
from graph.accounts.customer_fields import CustomerAccountFields, load_customer_account_fields
from graph.accounts.types import Address, address_columns
from graph.admin.customer_fields import CustomerAuditFields
from graph.billing.customer_fields import CustomerBillingFields
from graph.commlog.customer_fields import CustomerCommlogFields, CustomerLetterFields
from graph.core.columns import Children, Derived, FromRow, Listed, Reference, by_value, column, declare, embedded
from graph.core.eager import NowOrLater, Wanted, load_for, loaded, now_or_later, page_requests_at, selects
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
)
from graph.customers import loaders
from graph.customers.alerts import CustomerAlertFields
from graph.customers.capabilities import CustomerActions, customer_actions, same_actions, viewer_actions
from graph.customers.enums import CustomerKind
from graph.customers.settings.customer_fields import CustomerSettingsFields
from graph.customers.timeline.types import CustomerTimelineFields
from graph.tickets.customer_fields import CustomerTicketFields

NAME_CURSOR = CursorShape("name", (str, int))
NUMBER_CURSOR = CursorShape("number", (str, int))
# This module's Customer, for fields declared before it whose resolvers may return an awaitable (`graphql_type`).
CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]


def _customer(row: models.Customer) -> "Customer":
    return Customer.from_row(row)


def _customers(rows: list[models.Customer]) -> list["Customer"]:
    return [Customer.from_row(r) for r in rows]


async def load_customer_fields(info: strawberry.Info, rows: list[models.Customer], *at: str) -> None:
    """Load, in one go, what the selection at `at` (e.g. edges, node) reads of these customers through
    loaders without arguments, so those resolve without an await (see graph/core/eager.py)."""
    of = info.context.loaders.of
    wanted: list[Wanted] = []
    if rows and selects(info, *at, "master"):
        wanted.append((of(loaders.customers_by_id), [r.master_id for r in rows]))
    if rows and selects(info, *at, "hierarchyTrail"):
        wanted.append((of(loaders.trails_by_customer_id), [r.id for r in rows]))
    # The connections' pages too, for each page the query asks for (its arguments, variables applied).
    children = info.context.loaders.grouped(loaders.child_pages_by_master_id)
    for request in page_requests_at(info, NAME_CURSOR, *at, "children") if rows else []:
        wanted.append((children, [(r.id, request) for r in rows]))
    await gather(load_for(*wanted), load_customer_account_fields(info, rows, *at))


@strawberry.type
class CustomerProfileFields(Node):
    number: str = column(models.Customer.number, description="Customer account number, unique within the client.")
    name: str = column(models.Customer.name, description="Primary contact or organization name.")
    kind: CustomerKind = column(models.Customer.kind, convert=by_value(CustomerKind),
                                description="Residential or commercial.")
    email: str | None = column(models.Customer.email, description="Email address (normalized).")
    phone: str | None = column(models.Customer.phone, description="Phone number in E.164 form, e.g. +12155550123.")
    language: str = column(models.Customer.language, description="Preferred language (BCP 47 code, e.g. en, es).")
    is_master: bool = column(models.Customer.is_master,
                             description="An organizational master: other customers may sit under it.")
    billing_address: Address = embedded(Address, columns=address_columns(models.Customer, "billing_"),
                                        description="Where bills are sent.")
    row: strawberry.Private[models.Customer]

    @strawberry.field(graphql_type=CustomerRef | None,
                      description="The master customer directly above this one, if any.",
                      metadata=declare(Reference(loaders.customers_by_id, models.Customer.master_id,
                                                 _customer)))
    def master(self, info: strawberry.Info) -> "NowOrLater[Customer] | None":
        # no await for the many customers without a master (graphql-core awaits what it gets otherwise)
        loader = info.context.loaders.of(loaders.customers_by_id)
        return loaded(loader, self.row.master_id, Customer.from_row)

    @strawberry.field(graphql_type=list[CustomerRef],
                      description="The path from the top master down to this customer (this customer last).",
                      metadata=declare(Listed(loaders.trails_by_customer_id, models.Customer.id, _customers)))
    def hierarchy_trail(self, info: strawberry.Info) -> "NowOrLater[list[Customer]]":
        loader = info.context.loaders.of(loaders.trails_by_customer_id)
        return loaded(loader, self.row.id, _customers)

    @strawberry.field(graphql_type=Connection[CustomerRef],
                      description="Customers directly under this master, by name.",
                      metadata=declare(Children(loaders.children_of_master, NAME_CURSOR)))
    def children(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> "NowOrLater[Connection[Customer]]":
        request = page_request(first, after, last, before, NAME_CURSOR)
        page = info.context.loaders.grouped(loaders.child_pages_by_master_id).load((self.row.id, request))
        count = info.context.loaders.of(loaders.child_counts_by_master_id)
        return now_or_later(page, lambda p: to_connection(
            p, NAME_CURSOR, Customer.from_row, lambda: count.load(self.row.id)))

    @strawberry.field(
        description="Which common tasks the viewer may perform on this customer, from the role rules the mutations "
        "check: the common-tasks bar offers only these.",
        graphql_type=CustomerActions,  # built from the task table at run time: not a type a checker can read
        metadata=declare(Derived(viewer_actions, same_actions)),
    )
    def viewer_can(self, info: strawberry.Info) -> object:
        return customer_actions(info.context.scope.viewer.role)


@strawberry.type(description="An account holder: a person or an organization, possibly in a master/child hierarchy.")
class Customer(CustomerProfileFields, CustomerAccountFields, CustomerCommlogFields, CustomerAlertFields,
               CustomerTimelineFields, CustomerLetterFields, CustomerAuditFields, CustomerBillingFields,
               CustomerSettingsFields, CustomerTicketFields):
    from_row = FromRow()

    @classmethod
    async def load(cls, info: strawberry.Info, pk: int) -> Self:
        return cls.from_row(await info.context.loaders.of(loaders.customers_by_id).load(pk))

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.customers_by_id, ids, cls.from_row)
