"""GraphQL types of a customer import job and its per-row results."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import enums, models
from graph.admin.types import User
from graph.core.enums import mirrors
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    Node,
    load_converted,
    node_or_none,
    page_request,
    to_connection,
    to_global_id,
)
from graph.customers import loaders
from resolvers.customers.imports.batches import ResultPage

if TYPE_CHECKING:
    from graph.accounts.types import UtilityAccount
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
DOWNLOAD_PATH = "/files/customer-import-jobs/{id}.csv"
RESULT_CURSOR = CursorShape("import-result", (int,))


@mirrors(enums.ImportJobStatus)
@strawberry.enum(description="Where a customer import stands.")
class ImportJobStatus(enum.Enum):
    _value_: str
    STAGING = strawberry.enum_value(
        "STAGING",
        description="Reading and checking the file's rows. On SQLite an interrupted job stays here until resumed.",
    )
    APPLYING = strawberry.enum_value(
        "APPLYING",
        description="Writing customers, a batch of whole customers at a time (SQLite commits each batch).",
    )
    DONE = strawberry.enum_value("DONE", description="Finished: every row has its outcome.")


@mirrors(enums.ImportRowOutcome)
@strawberry.enum(description="What a customer import did with one row of the file.")
class ImportRowOutcome(enum.Enum):
    _value_: str
    CREATED = strawberry.enum_value(
        "CREATED",
        description="The utility account was created (and its customer, if new).",
    )
    UPDATED = strawberry.enum_value(
        "UPDATED",
        description="The existing account or its customer was changed; `changes` says what, from-to.",
    )
    UNCHANGED = strawberry.enum_value("UNCHANGED", description="The database already matched the row.")
    REFUSED = strawberry.enum_value("REFUSED", description="Refused for `reason`; nothing of the row was written.")


@mirrors(enums.ImportRefusal)
@strawberry.enum(description="Why a row of a customer import was refused.")
class ImportRefusal(enum.Enum):
    _value_: str
    MISSING_CUSTOMER_NUMBER = strawberry.enum_value(
        "MISSING_CUSTOMER_NUMBER",
        description="The row has no customer number.",
    )
    MISSING_NAME = strawberry.enum_value("MISSING_NAME", description="The row has no customer name.")
    UNKNOWN_UTILITY = strawberry.enum_value(
        "UNKNOWN_UTILITY",
        description="The utility is missing or no utility has that code.",
    )
    BAD_LDC_NUMBER = strawberry.enum_value(
        "BAD_LDC_NUMBER",
        description="The LDC number breaks its utility's rule (length, digits, prefix, check digit).",
    )
    DATE_ORDER = strawberry.enum_value("DATE_ORDER", description="The end date is before the start date.")
    INVALID_VALUE = strawberry.enum_value(
        "INVALID_VALUE",
        description="A value is malformed, too long or not one of its choices; `detail` names the column.",
    )
    UNKNOWN_RATE_PLAN = strawberry.enum_value(
        "UNKNOWN_RATE_PLAN",
        description="The client has no such rate plan, or it is not sold in the utility's market.",
    )
    CONFLICTING_CUSTOMER_DATA = strawberry.enum_value(
        "CONFLICTING_CUSTOMER_DATA",
        description="Rows of one customer number give different customer data; all of them are refused.",
    )
    DUPLICATE_LDC_NUMBER = strawberry.enum_value(
        "DUPLICATE_LDC_NUMBER",
        description="The LDC number is on an earlier row of the file (that row goes in, this one not).",
    )
    LDC_NUMBER_HELD = strawberry.enum_value(
        "LDC_NUMBER_HELD",
        description="Another customer of the client holds the LDC number.",
    )


COUNTERS = {"CREATED": "created", "UPDATED": "updated", "UNCHANGED": "unchanged", "REFUSED": "refused"}


@strawberry.type(description="What a customer import did with one row of the file.")
class CustomerImportResult:
    line: int = strawberry.field(description="Where the row starts in the file (the header is line 1).")
    customer_number: str = strawberry.field(description="The customer number as the row gives it (cut to 40 characters "
                                            "when refused).")
    ldc_account_number: str = strawberry.field(
        description="The LDC number, normalized (as given, cut to 40, when refused)."
    )
    outcome: ImportRowOutcome | None = strawberry.field(
        description="What happened; null while the job has not reached the row.")
    reason: ImportRefusal | None = strawberry.field(description="Why it was refused.")
    detail: str | None = strawberry.field(description="The refusal in words, naming the column or the other rows.")
    changes: str | None = strawberry.field(
        description='For UPDATED: "field: from -> to; ..." (also in the audit trail).'
    )
    row: strawberry.Private[models.CustomerImportRow]

    @strawberry.field(
        description="The customer the row created, changed or matched; null when refused, or when a dry run "
        "would create it."
    )
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from graph.customers.types import Customer

        return await node_or_none(Customer, info, self.row.customer_id)

    @strawberry.field(description="The utility account the row created, changed or matched; null when refused, or when "
                      "a dry run would create it.")
    async def utility_account(self, info: strawberry.Info) -> UtilityAccountRef | None:
        from graph.accounts.types import UtilityAccount

        return await node_or_none(UtilityAccount, info, self.row.utility_account_id)

    @classmethod
    def from_row(cls, row: models.CustomerImportRow) -> Self:
        return cls(
            line=row.line, customer_number=row.customer_number, ldc_account_number=row.ldc_account_number,
            outcome=ImportRowOutcome(row.outcome.value) if row.outcome else None,
            reason=ImportRefusal(row.reason.value) if row.reason else None, detail=row.detail, changes=row.changes,
            row=row,
        )


@strawberry.type(
    description="One load of a customer file (ADMIN): its progress and how many rows had each outcome. The "
    "per-row results (line, numbers, outcome, refusal reason, detail, changes from-to) download as CSV from "
    "`downloadUrl`. For other roles `node` returns null."
)
class CustomerImportJob(Node):
    created_at: datetime = strawberry.field(description="When it started (UTC).")
    finished_at: datetime | None = strawberry.field(description="When it finished; null while running or interrupted.")
    status: ImportJobStatus = strawberry.field(description="Where it stands.")
    dry_run: bool = strawberry.field(description="A dry run: outcomes computed and kept, nothing written.")
    source: str = strawberry.field(description='Where the rows came from: "upload: <filename>".')
    total: int = strawberry.field(description="Rows in the file (one per utility account), refused ones included.")
    created: int = strawberry.field(description="Rows whose utility account was created (and its customer, if new).")
    updated: int = strawberry.field(description="Rows that changed an existing account, or its customer, from-to.")
    unchanged: int = strawberry.field(description="Rows the database already matched.")
    refused: int = strawberry.field(description="Rows refused, with their reason; nothing of them was written.")
    customers_created: int = strawberry.field(description="Customers created.")
    customers_updated: int = strawberry.field(description="Existing customers changed.")
    download_url: str = strawberry.field(
        description="Path of the per-row results as CSV (line, customer_number, ldc_account_number, outcome, reason, "
        "detail, changes); send the same bearer token."
    )
    row: strawberry.Private[models.CustomerImportJob]

    @strawberry.field(description="Who ran it.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.created_by)

    @strawberry.field(description="The per-row results in file order, optionally of one outcome (also as CSV from "
                      "`downloadUrl`).")
    async def results(
        self, info: strawberry.Info,
        outcome: Annotated[ImportRowOutcome | None, strawberry.argument(description="Only this outcome.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[CustomerImportResult]:
        request = page_request(first, after, last, before, RESULT_CURSOR)
        wanted = enums.ImportRowOutcome(outcome.value) if outcome is not None else None
        page = await info.context.loaders.grouped(loaders.import_result_pages_by_job_id).load(
            (self.row.id, ResultPage(wanted, request))
        )
        total = getattr(self.row, COUNTERS[wanted.value]) if wanted is not None else self.row.total

        async def count() -> int:
            return total

        return to_connection(page, RESULT_CURSOR, CustomerImportResult.from_row, count)

    @classmethod
    def from_row(cls, row: models.CustomerImportJob) -> Self:
        return cls(
            id=to_global_id("CustomerImportJob", row.id), created_at=row.created_at, finished_at=row.finished_at,
            status=ImportJobStatus(row.status.value), dry_run=row.dry_run, source=row.source, total=row.total,
            created=row.created, updated=row.updated, unchanged=row.unchanged, refused=row.refused,
            customers_created=row.customers_created, customers_updated=row.customers_updated,
            download_url=DOWNLOAD_PATH.format(id=row.id), row=row,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.import_jobs_by_id, ids, cls.from_row)
