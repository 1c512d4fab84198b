"""Reading customer import jobs: by id, and the rows of the results download. Admins only: for any other
role every job is not found."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from db.models import CustomerImportJob, CustomerImportRow
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.permissions import Action, can
from resolvers.scope import tenant_scoped


def may_read(scope: RequestScope) -> bool:
    return can(scope.viewer.role, Action.IMPORT_CUSTOMERS)


async def jobs_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[CustomerImportJob | None]:
    if not may_read(scope):
        return [None for _ in ids]
    return await tenant_rows_by_ids(scope, CustomerImportJob, ids)


async def get_job(scope: RequestScope, job_id: int) -> CustomerImportJob | None:
    return (await jobs_by_ids(scope, [job_id]))[0]


async def csv_rows(scope: RequestScope, job_id: int, after_id: int, limit: int) -> list[tuple[Any, ...]]:
    """Up to `limit` result rows after `after_id`, in file order (rows were staged in line order)."""
    r = CustomerImportRow
    stmt = (select(r.id, r.line, r.customer_number, r.ldc_account_number, r.outcome, r.reason, r.detail, r.changes)
            .join(CustomerImportJob, CustomerImportJob.id == r.job_id)
            .where(r.job_id == job_id, r.id > after_id).order_by(r.id).limit(limit))
    return [tuple(row) for row in (await scope.db.execute(tenant_scoped(stmt, CustomerImportJob, scope))).all()]
