"""Reading bulk note jobs: by id, the client's list, pages of results, and the rows of the CSV download.

Jobs are the team leads' tool: for a viewer whose role may not run them, every job is not found.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from db.enums import BulkNoteOutcome
from db.models import BulkNoteJob, BulkNoteResult, Customer
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_rows, keyset_page, keyset_pages_by_parent
from resolvers.permissions import Action, can, ensure_allowed
from resolvers.scope import tenant_scoped


def may_read(scope: RequestScope) -> bool:
    return can(scope.viewer.role, Action.BULK_ADD_NOTE)


async def jobs_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[BulkNoteJob | None]:
    if not may_read(scope):
        return [None for _ in ids]
    return await tenant_rows_by_ids(scope, BulkNoteJob, ids)


async def get_job(scope: RequestScope, job_id: int) -> BulkNoteJob | None:
    return (await jobs_by_ids(scope, [job_id]))[0]


def _jobs(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(BulkNoteJob), BulkNoteJob, scope)


async def list_jobs(scope: RequestScope, request: PageRequest) -> Page[BulkNoteJob]:
    """The client's jobs, newest first; agents get Forbidden."""
    ensure_allowed(scope, Action.BULK_ADD_NOTE)
    return await keyset_page(scope.db, _jobs(scope), [BulkNoteJob.id], lambda j: (j.id,), request, descending=True)


async def count_jobs(scope: RequestScope) -> int:
    ensure_allowed(scope, Action.BULK_ADD_NOTE)
    return await count_rows(scope.db, _jobs(scope))


def _results(scope: RequestScope) -> Select[Any]:
    """Results reach the tenant through their job (the results table has no client column)."""
    stmt = select(BulkNoteResult).join(BulkNoteJob, BulkNoteJob.id == BulkNoteResult.job_id)
    return tenant_scoped(stmt, BulkNoteJob, scope)


@dataclass(frozen=True, slots=True)
class ResultPage:
    """Which results of a job to show; hashable, so a loader batches equal requests."""

    outcome: BulkNoteOutcome | None
    request: PageRequest


async def result_pages(scope: RequestScope, job_ids: Sequence[int], page: ResultPage) -> list[Page[BulkNoteResult]]:
    """The same page of many jobs' results in one statement, in list order."""
    stmt = _results(scope)
    if page.outcome is not None:
        stmt = stmt.where(BulkNoteResult.outcome == page.outcome)
    return await keyset_pages_by_parent(
        scope.db, BulkNoteResult, stmt, BulkNoteResult.job_id, job_ids, [BulkNoteResult.id],
        lambda r: (r.id,), page.request,
    )


async def csv_rows(scope: RequestScope, job_id: int, after_id: int, limit: int) -> list[tuple[Any, ...]]:
    """Up to `limit` results after `after_id`, with the customer's number, for the CSV download."""
    stmt = (
        _results(scope)
        .with_only_columns(BulkNoteResult.id, BulkNoteResult.line, BulkNoteResult.account_number,
                           BulkNoteResult.outcome, BulkNoteResult.status, BulkNoteResult.detail, Customer.number)
        .outerjoin(Customer, Customer.id == BulkNoteResult.customer_id)
        .where(BulkNoteResult.job_id == job_id, BulkNoteResult.id > after_id)
        .order_by(BulkNoteResult.id).limit(limit)
    )
    return [tuple(row) for row in (await scope.db.execute(stmt)).all()]
