"""A customer's invoices, payments, adjustments and special charges as keyset pages (newest first)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, select

from db.models import Adjustment, Invoice, Payment, SpecialCharge
from resolvers.billing.batches import (
    allocations_by_invoice_ids,
    allocations_by_payment_ids,
    lines_by_invoice_ids,
)
from resolvers.context import RequestScope
from resolvers.pagination import ChildPages, Page, PageRequest
from resolvers.scope import tenant_scoped


def _client_rows(model: Any) -> Callable[[RequestScope], Select[Any]]:
    return lambda scope: tenant_scoped(select(model), model, scope)


def _newest_first(model: Any) -> ChildPages:
    """A customer's rows of `model`, newest first, as read-only rows shaped like `model` (plain): on a customer's AR
    tab, building ORM entities cost more than running the query. One statement for many customers' pages (ROW_NUMBER
    per customer), made once per client and shape; the loaders' and a compiled plan's."""
    return ChildPages(model.__tablename__, model, _client_rows(model), model.customer_id, (model.id,), plain=True,
                      descending=True)


INVOICES, PAYMENTS = _newest_first(Invoice), _newest_first(Payment)
ADJUSTMENTS, SPECIAL_CHARGES = _newest_first(Adjustment), _newest_first(SpecialCharge)


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
    pages = await INVOICES.pages(scope, ids, request)
    invoice_ids = [r.id for page in pages for r in page.rows]
    lines = await _children(scope, lines_by_invoice_ids, invoice_ids, prefetch.lines)
    allocations = await _children(scope, allocations_by_invoice_ids, invoice_ids, prefetch.allocations)
    return [_with_children(page, lines, allocations) for page in pages]


async def payment_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest,
                        prefetch: Prefetch = Prefetch()) -> list[Page[WithChildren]]:
    pages = await PAYMENTS.pages(scope, ids, request)
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
    return await ADJUSTMENTS.pages(scope, ids, request)


async def special_charge_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
    return await SPECIAL_CHARGES.pages(scope, ids, request)


async def invoice_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await INVOICES.counts(scope, ids)


async def payment_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await PAYMENTS.counts(scope, ids)


async def adjustment_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await ADJUSTMENTS.counts(scope, ids)


async def special_charge_counts(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    return await SPECIAL_CHARGES.counts(scope, ids)
