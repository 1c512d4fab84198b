"""Read one customer: by number, or by id for `node`."""

from sqlalchemy import select

from db.models import Customer
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped


async def get_customer_by_number(scope: RequestScope, number: str) -> Customer | None:
    stmt = tenant_scoped(select(Customer).where(Customer.number == number.strip()), Customer, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def get_customer(scope: RequestScope, customer_id: int) -> Customer | None:
    stmt = tenant_scoped(select(Customer).where(Customer.id == customer_id), Customer, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()
