"""The communication log's fields on Customer and UtilityAccount, and the letters' on Customer."""

from typing import Annotated

import strawberry

from db import models
from db.enums import SortDirection as DbSortDirection
from graph.admin.enums import SortDirection
from graph.commlog.letters.types import Document, Notification, documents_connection, notifications_connection
from graph.commlog.types import CommLogEntry, CommLogFilter, log_connection
from graph.core.relay import After, Before, Connection, First, Last

LogFilterArg = Annotated[CommLogFilter | None, strawberry.argument(
    description="Which entries; omitted kinds follow the viewer's preferences.")]
LogOrderArg = Annotated[SortDirection | None, strawberry.argument(
    description="Order; default: the viewer's preference (newest first).")]


@strawberry.type
class CustomerCommlogFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(
        description="The communication log: notes, calls, emails, letters and system events. Page size, order and "
        "kinds shown default to the viewer's communication-log preferences."
    )
    async def communication_log(
        self, info: strawberry.Info, filter: LogFilterArg = None, order: LogOrderArg = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[CommLogEntry]:
        return await log_connection(info, "customer_id", self.row.id, filter, _direction(order),
                                    first, after, last, before)


@strawberry.type
class UtilityAccountCommlogFields:
    row: strawberry.Private[models.UtilityAccount]

    @strawberry.field(description="Communication-log entries about this utility account; defaults as on Customer.")
    async def communication_log(
        self, info: strawberry.Info, filter: LogFilterArg = None, order: LogOrderArg = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[CommLogEntry]:
        return await log_connection(info, "utility_account_id", self.row.id, filter, _direction(order),
                                    first, after, last, before)


@strawberry.type
class CustomerLetterFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="Letters generated for this customer (PDF documents), newest first.")
    async def documents(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Document]:
        return await documents_connection(info, self.row.id, first, after, last, before)

    @strawberry.field(
        description="Emails and letters by post sent to this customer, newest first, with delivery status: "
        "answers \"did you send me my contract?\""
    )
    async def notifications(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Notification]:
        return await notifications_connection(info, self.row.id, first, after, last, before)


def _direction(order: SortDirection | None) -> DbSortDirection | None:
    return DbSortDirection(order.value) if order is not None else None
