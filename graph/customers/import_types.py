"""GraphQL type of a customer import job."""

from datetime import datetime
from typing import Self

import strawberry

from db import enums, models
from graph.admin.types import User
from graph.core.enums import described_enum
from graph.core.relay import Node, load_converted, node_or_none, to_global_id
from resolvers.customers import import_batches

DOWNLOAD_PATH = "/files/customer-import-jobs/{id}.csv"

ImportJobStatus = described_enum(enums.ImportJobStatus, "Where a customer import stands.", {
    "STAGING": "Reading and checking the file's rows. On SQLite an interrupted job stays here until resumed.",
    "APPLYING": "Writing customers, a batch of whole customers at a time (SQLite commits each batch).",
    "DONE": "Finished: every row has its outcome.",
})


@strawberry.type(
    description="One load of a customer file (ADMIN): its progress and how many rows had each outcome. The "
    "per-row results (line, numbers, outcome, refusal reason, detail, changes from-to) download as CSV from "
    "`downloadUrl`. For other roles `node` returns null."
)
class CustomerImportJob(Node):
    created_at: datetime = strawberry.field(description="When it started (UTC).")
    finished_at: datetime | None = strawberry.field(description="When it finished; null while running or interrupted.")
    status: ImportJobStatus = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
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
        return await load_converted(info, import_batches.jobs_by_ids, ids, cls.from_row)
