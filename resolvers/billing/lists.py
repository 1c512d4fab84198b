"""A customer's invoices, payments, adjustments and special charges as keyset pages (newest first)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from db.models import Adjustment, Invoice, Payment, SpecialCharge
from resolvers.context import RequestScope
from resolvers.pagination import (
    Page,
    PageRequest,
    count_by_parent,
    keyset_pages_by_parent,
)
from resolvers.scope import tenant_scoped


async def _pages(scope: RequestScope, model: Any, ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
    stmt = tenant_scoped(select(model), model, scope)
    return await keyset_pages_by_parent(scope.db, model, stmt, model.customer_id, ids, [model.id], lambda r: (r.id,),
                                        request, descending=True)


async def _counts(scope: RequestScope, model: Any, ids: Sequence[int]) -> list[int]:
    return await count_by_parent(scope.db, tenant_scoped(select(model), model, scope), model.customer_id, ids)


async def invoice_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
    return await _pages(scope, Invoice, ids, request)


async def payment_pages(scope: RequestScope, ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
    return await _pages(scope, Payment, ids, request)


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
