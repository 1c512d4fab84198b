"""Bodies of the customers DataLoaders: one statement for a whole batch of keys."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, literal, select

from db.models import Customer
from resolvers.batching import RowsByParent, in_parents, tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import ChildPages
from resolvers.scope import tenant_scoped

# Deeper hierarchies than this are refused when assigning, so the walk always ends.
MAX_HIERARCHY_DEPTH = 10


async def customers_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Row[Any] | None]:
    """The client's customers as plain rows (columns by name): the Customer type reads columns only."""
    return await tenant_rows_by_ids(scope, Customer, ids, plain=True)


def _client_customers(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(Customer), Customer, scope)


# A master's children by name: the loaders' pages and counts, and a compiled plan's (one declaration).
CHILDREN = ChildPages("children", Customer, _client_customers, Customer.master_id, (Customer.name_key, Customer.id))
children_pages = CHILDREN.pages
child_counts = CHILDREN.counts


def _trails(scope: RequestScope) -> Select[Any]:
    """Each start customer's chain of masters as plain rows (`start_id` and the customer's columns), top first.

    The walk stops at a customer of another client, which it does not show. The client is checked on the rows the
    walk reached (carried in the CTE), not as a term on `customers` in the recursive step: given one, SQLite (3.40)
    builds a Bloom filter over the whole table at each step, ~0.25 ms on 2,000 customers for a one-row trail."""
    start = tenant_scoped(
        select(Customer.id.label("start_id"), Customer.id, Customer.master_id, Customer.client_id,
               literal(0).label("depth")),
        Customer, scope,
    ).where(in_parents(Customer.id))
    trail = start.cte("trail", recursive=True)
    # the CTE's rows carry their client (`trail.c.client_id`): the one tenant filter applies to them as to a model
    step = tenant_scoped(select(trail.c.start_id, Customer.id, Customer.master_id, Customer.client_id,
                                trail.c.depth + 1).join(trail, Customer.id == trail.c.master_id)
                         .where(trail.c.depth < MAX_HIERARCHY_DEPTH), trail.c, scope)
    trail = trail.union_all(step)
    return tenant_scoped(select(trail.c.start_id, *Customer.__table__.columns)
                         .join(Customer, Customer.id == trail.c.id), trail.c, scope) \
        .order_by(trail.c.start_id, trail.c.depth.desc())


# Each customer's chain of masters, top master first and the customer itself last (rows, columns by name).
trails_by_customer_ids = RowsByParent("trails", Customer, _trails, "start_id")
