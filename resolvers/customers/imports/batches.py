"""Reading customer import jobs: by id, the client's list, pages of per-row results, and the rows of the
results download. Admins only: for any other role every job is not found."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from db.enums import ImportRowOutcome
from db.models import CustomerImportJob, CustomerImportRow
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_rows, keyset_page, keyset_pages_by_parent
from resolvers.permissions import Action, can, ensure_allowed
from resolvers.scope import tenant_scoped


def may_read(scope: RequestScope) -> bool:
    return can(scope.viewer.role, Action.IMPORT_CUSTOMERS)


async def jobs_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[CustomerImportJob | None]:
    if not may_read(scope):
        return [None for _ in ids]
    return await tenant_rows_by_ids(scope, CustomerImportJob, ids)


async def get_job(scope: RequestScope, job_id: int) -> CustomerImportJob | None:
    return (await jobs_by_ids(scope, [job_id]))[0]


def _jobs(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(CustomerImportJob), CustomerImportJob, scope)


async def list_jobs(scope: RequestScope, request: PageRequest) -> Page[CustomerImportJob]:
    """The client's jobs, newest first (the command's and the uploads'); other roles than ADMIN get Forbidden."""
    ensure_allowed(scope, Action.IMPORT_CUSTOMERS)
    return await keyset_page(scope.db, _jobs(scope), [CustomerImportJob.id], lambda j: (j.id,), request,
                             descending=True)


async def count_jobs(scope: RequestScope) -> int:
    ensure_allowed(scope, Action.IMPORT_CUSTOMERS)
    return await count_rows(scope.db, _jobs(scope))


def _rows(scope: RequestScope) -> Select[Any]:
    """Rows reach the tenant through their job (the rows table has no client column)."""
    stmt = select(CustomerImportRow).join(CustomerImportJob, CustomerImportJob.id == CustomerImportRow.job_id)
    return tenant_scoped(stmt, CustomerImportJob, scope)


@dataclass(frozen=True, slots=True)
class ResultPage:
    """Which rows of a job to show; hashable, so a loader batches equal requests."""

    outcome: ImportRowOutcome | None
    request: PageRequest


async def result_pages(scope: RequestScope, job_ids: Sequence[int], page: ResultPage) -> list[Page[CustomerImportRow]]:
    """The same page of many jobs' rows in one statement, in file order (rows were staged in line order)."""
    stmt = _rows(scope)
    if page.outcome is not None:
        stmt = stmt.where(CustomerImportRow.outcome == page.outcome)
    return await keyset_pages_by_parent(
        scope.db, CustomerImportRow, stmt, CustomerImportRow.job_id, job_ids, [CustomerImportRow.id],
        lambda r: (r.id,), page.request,
    )


async def csv_rows(scope: RequestScope, job_id: int, after_id: int, limit: int) -> list[tuple[Any, ...]]:
    """Up to `limit` result rows after `after_id`, in file order."""
    r = CustomerImportRow
    stmt = (_rows(scope).with_only_columns(r.id, r.line, r.customer_number, r.ldc_account_number, r.outcome, r.reason,
                                           r.detail, r.changes)
            .where(r.job_id == job_id, r.id > after_id).order_by(r.id).limit(limit))
    return [tuple(row) for row in (await scope.db.execute(stmt)).all()]
