"""A customer's invoices, payments, adjustments and special charges as keyset pages (newest first)."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Integer, Row, Select, bindparam, func, select

from db.models import Adjustment, Invoice, Payment, SpecialCharge
from resolvers.billing.batches import (
    allocations_by_invoice_ids,
    allocations_by_payment_ids,
    lines_by_invoice_ids,
)
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_by_parent, to_page
from resolvers.scope import tenant_scoped
from resolvers.statements import reused


async def _pages(scope: RequestScope, model: Any, ids: Sequence[int], request: PageRequest) -> list[Page[Row[Any]]]:
    """Each customer's page, newest first, in one statement (ROW_NUMBER per customer, as `keyset_pages_by_parent`).

    Read-only rows shaped like `model` rather than ORM entities, from a statement made once per client and
    shape (see resolvers/statements.py): on a customer's AR tab, building both cost more than running the query.
    """
    after, before = request.after is not None, request.before is not None
    shape = ("customer-pages", model.__tablename__, after, before, request.backwards)
    stmt = reused(scope, shape, lambda s: _pages_statement(s, model, after, before, request.backwards))
    params = {"customer_ids": list(ids), "limit": request.size + 1}
    if after:
        params["after_id"] = request.after[0]  # type: ignore[index]
    if before:
        params["before_id"] = request.before[0]  # type: ignore[index]
    by_customer: dict[int, list[Row[Any]]] = {k: [] for k in ids}
    for row in (await scope.db.execute(stmt, params)).all():
        by_customer[row.customer_id].append(row)
    return [_page(by_customer[k], request) for k in ids]


def _pages_statement(scope: RequestScope, model: Any, after: bool, before: bool, backwards: bool) -> Select[Any]:
    customers = model.customer_id.in_(bindparam("customer_ids", expanding=True))
    stmt = tenant_scoped(select(*model.__table__.columns).where(customers), model, scope)
    if after:  # newest first: "after" is older
        stmt = stmt.where(model.id < bindparam("after_id", type_=Integer))
    if before:
        stmt = stmt.where(model.id > bindparam("before_id", type_=Integer))
    order = model.id.asc() if backwards else model.id.desc()  # `last` scans from the oldest end
    rank = func.row_number().over(partition_by=model.customer_id, order_by=order).label("rank")
    ranked = stmt.add_columns(rank).subquery()
    return select(ranked).where(ranked.c.rank <= bindparam("limit")).order_by(ranked.c.rank)


def _page(rows: list[Row[Any]], request: PageRequest) -> Page[Row[Any]]:
    return to_page(rows, lambda r: (r.id,), request)


async def _counts(scope: RequestScope, model: Any, ids: Sequence[int]) -> list[int]:
    return await count_by_parent(scope.db, tenant_scoped(select(model), model, scope), model.customer_id, ids)


@dataclass(frozen=True, slots=True)
class Prefetch:
    """Children the caller will read for every row of the page (the GraphQL selection asks for them).

    They are loaded by the page's batch in its session, one statement each as their own loaders would
    take, but without a loader round trip (and session) per kind of child.
    """

    lines: bool = False
    allocations: bool = False


@dataclass(frozen=True, slots=True)
class WithChildren:
    """A page row and its prefetched children; None where they were not prefetched."""

    row: Any
    lines: list[Any] | None = None
    allocations: list[Any] | None = None


async def invoice_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest,
                        prefetch: Prefetch = Prefetch()) -> list[Page[WithChildren]]:
    pages = await _pages(scope, Invoice, ids, request)
    invoice_ids = [r.id for page in pages for r in page.rows]
    lines = await _children(scope, lines_by_invoice_ids, invoice_ids, prefetch.lines)
    allocations = await _children(scope, allocations_by_invoice_ids, invoice_ids, prefetch.allocations)
    return [_with_children(page, lines, allocations) for page in pages]


async def payment_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest,
                        prefetch: Prefetch = Prefetch()) -> list[Page[WithChildren]]:
    pages = await _pages(scope, Payment, ids, request)
    payment_ids = [r.id for page in pages for r in page.rows]
    allocations = await _children(scope, allocations_by_payment_ids, payment_ids, prefetch.allocations)
    return [_with_children(page, None, allocations) for page in pages]


async def _children(scope: RequestScope, batch: Any, parent_ids: list[int],
                    wanted: bool) -> dict[int, list[Any]] | None:
    # No rows, no statement: the same as the children's own loaders, which are never called then.
    if not wanted or not parent_ids:
        return None
    return dict(zip(parent_ids, await batch(scope, parent_ids), strict=False))


def _with_children(page: Page[Any], lines: dict[int, list[Any]] | None,
                   allocations: dict[int, list[Any]] | None) -> Page[WithChildren]:
    rows = [WithChildren(r, None if lines is None else lines[r.id], None if allocations is None else allocations[r.id])
            for r in page.rows]
    return replace(page, rows=rows)


async def adjustment_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
    return await _pages(scope, Adjustment, ids, request)


async def special_charge_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
    return await _pages(scope, SpecialCharge, ids, request)


async def invoice_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await _counts(scope, Invoice, ids)


async def payment_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await _counts(scope, Payment, ids)


async def adjustment_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await _counts(scope, Adjustment, ids)


async def special_charge_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await _counts(scope, SpecialCharge, ids)
