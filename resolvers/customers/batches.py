"""Bodies of the customers DataLoaders: one statement for a whole batch of keys."""

from collections.abc import Sequence

from sqlalchemy import literal, select

from db.models import Customer
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_by_parent, keyset_pages_by_parent
from resolvers.scope import tenant_scoped

# Deeper hierarchies than this are refused when assigning, so the walk always ends.
MAX_HIERARCHY_DEPTH = 10


async def customers_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Customer | None]:
    return await tenant_rows_by_ids(scope, Customer, ids)


async def children_pages(
    scope: RequestScope, master_ids: Sequence[int], request: PageRequest
) -> list[Page[Customer]]:
    stmt = tenant_scoped(select(Customer), Customer, scope)
    order = [Customer.name_key, Customer.id]
    return await keyset_pages_by_parent(
        scope.db, Customer, stmt, Customer.master_id, master_ids, order,
        lambda c: (c.name_key, c.id), request, reuse=(scope, "children"),
    )


async def child_counts(scope: RequestScope, master_ids: Sequence[int]) -> list[int]:
    stmt = tenant_scoped(select(Customer), Customer, scope)
    return await count_by_parent(scope.db, stmt, Customer.master_id, master_ids, reuse=(scope, "children"))


async def trails_by_customer_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[Customer]]:
    """Each customer's chain of masters, top master first and the customer itself last."""
    start = tenant_scoped(
        select(Customer.id.label("start_id"), Customer.id, Customer.master_id, literal(0).label("depth")),
        Customer, scope,
    ).where(Customer.id.in_(ids))
    trail = start.cte("trail", recursive=True)
    step = tenant_scoped(
        select(trail.c.start_id, Customer.id, Customer.master_id, trail.c.depth + 1),
        Customer, scope,
    ).join(trail, Customer.id == trail.c.master_id).where(trail.c.depth < MAX_HIERARCHY_DEPTH)
    trail = trail.union_all(step)
    rows = await scope.db.execute(
        select(trail.c.start_id, Customer)
        .join(Customer, Customer.id == trail.c.id)
        .order_by(trail.c.start_id, trail.c.depth.desc())
    )
    trails: dict[int, list[Customer]] = {i: [] for i in ids}
    for start_id, customer in rows.all():
        trails[start_id].append(customer)
    return [trails[i] for i in ids]
