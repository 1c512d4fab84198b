"""Keep a customer's search keys (name key, name tokens, address key) in step with its data."""

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, select, update

from db.inserts import insert_rows
from db.models import Customer, CustomerNameToken, UtilityAccount
from db.search_keys import address_key, name_key, name_token_columns
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped

CHUNK = 1_000  # IN-list size, far below both engines' bind-parameter limits


def billing_address(customer: Customer) -> tuple[str | None, ...]:
    c = customer
    return (c.billing_line1, c.billing_line2, c.billing_city, c.billing_state, c.billing_zip)


async def reindex_name(scope: RequestScope, customer: Customer) -> None:
    customer.name_key = name_key(customer.name)
    await scope.db.execute(delete(CustomerNameToken).where(CustomerNameToken.customer_id == customer.id))
    rows = [{"client_id": customer.client_id, "customer_id": customer.id, **columns}
            for columns in name_token_columns(customer.name)]
    await insert_rows(scope.db, CustomerNameToken, rows)


async def reindex_address(scope: RequestScope, customer: Customer) -> None:
    accounts = await scope.db.execute(
        select(
            UtilityAccount.service_line1, UtilityAccount.service_line2, UtilityAccount.service_city,
            UtilityAccount.service_state, UtilityAccount.service_zip,
        ).where(UtilityAccount.customer_id == customer.id).order_by(UtilityAccount.id)
    )
    customer.address_key = address_key([billing_address(customer), *accounts.all()])


async def reindex_many(scope: RequestScope, names: Sequence[int], addresses: Sequence[int]) -> None:
    """`reindex_name` for the customers `names` and `reindex_address` for `addresses`, a few statements for all."""
    for start in range(0, len(names), CHUNK):
        ids = names[start:start + CHUNK]
        stmt = tenant_scoped(select(Customer.id, Customer.name), Customer, scope).where(Customer.id.in_(ids))
        found = (await scope.db.execute(stmt)).all()
        await scope.db.execute(delete(CustomerNameToken).where(CustomerNameToken.customer_id.in_(ids)))
        rows = [{"client_id": scope.tenant_id, "customer_id": i, **columns}
                for i, name in found for columns in name_token_columns(name)]
        await insert_rows(scope.db, CustomerNameToken, rows)
        if found:
            await scope.db.execute(
                update(Customer.__table__)
                .where(Customer.__table__.c.id == bindparam("cid"))
                .values(name_key=bindparam("key")),
                [{"cid": i, "key": name_key(n)} for i, n in found],
            )
    for start in range(0, len(addresses), CHUNK):
        await _reindex_addresses(scope, addresses[start:start + CHUNK])


async def _reindex_addresses(scope: RequestScope, ids: Sequence[int]) -> None:
    c = Customer
    billing = tenant_scoped(select(c.id, c.billing_line1, c.billing_line2, c.billing_city, c.billing_state,
                                   c.billing_zip), Customer, scope).where(c.id.in_(ids))
    services: dict[int, list[tuple]] = {i: [] for i in ids}
    accounts = (
        tenant_scoped(
            select(
                UtilityAccount.customer_id,
                UtilityAccount.service_line1,
                UtilityAccount.service_line2,
                UtilityAccount.service_city,
                UtilityAccount.service_state,
                UtilityAccount.service_zip,
            ),
            UtilityAccount,
            scope,
        )
        .where(UtilityAccount.customer_id.in_(ids))
        .order_by(UtilityAccount.customer_id, UtilityAccount.id)
    )
    for customer_id, *address in (await scope.db.execute(accounts)).all():
        services[customer_id].append(tuple(address))
    keys = [
        {"cid": i, "key": address_key([tuple(b), *services[i]])} for i, *b in (await scope.db.execute(billing)).all()
    ]
    if keys:
        await scope.db.execute(update(Customer.__table__).where(Customer.__table__.c.id == bindparam("cid"))
                               .values(address_key=bindparam("key")), keys)
