"""Write serialization for money: no two postings for one customer interleave.

SQLite: mutations run in BEGIN IMMEDIATE transactions (db.engine.make_write_sessionmaker), which
already serializes writers. PostgreSQL: row locks on the customers involved, in id order so two
postings that share customers cannot deadlock.
"""

from collections.abc import Iterable

from sqlalchemy import select

from db.models import Customer
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped


async def lock_customers(scope: RequestScope, customer_ids: Iterable[int]) -> None:
    """Hold the customers' rows until the transaction ends (PostgreSQL); SQLite holds its write lock already."""
    ids = sorted(set(customer_ids))
    if scope.db.bind.dialect.name != "postgresql" or not ids:
        return
    stmt = select(Customer.id).where(Customer.id.in_(ids)).order_by(Customer.id).with_for_update()
    await scope.db.execute(tenant_scoped(stmt, Customer, scope))
