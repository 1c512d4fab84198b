"""Keep a customer's search keys (name key, name tokens, address key) in step with its data."""

from sqlalchemy import delete, select

from db.inserts import insert_rows
from db.models import Customer, CustomerNameToken, UtilityAccount
from db.search_keys import address_key, name_key, name_tokens
from resolvers.context import RequestScope


def billing_address(customer: Customer) -> tuple[str | None, ...]:
    c = customer
    return (c.billing_line1, c.billing_line2, c.billing_city, c.billing_state, c.billing_zip)


async def reindex_name(scope: RequestScope, customer: Customer) -> None:
    customer.name_key = name_key(customer.name)
    await scope.db.execute(delete(CustomerNameToken).where(CustomerNameToken.customer_id == customer.id))
    rows = [
        {"client_id": customer.client_id, "token": t, "customer_id": customer.id}
        for t in name_tokens(customer.name)
    ]
    await insert_rows(scope.db, CustomerNameToken, rows)


async def reindex_address(scope: RequestScope, customer: Customer) -> None:
    accounts = await scope.db.execute(
        select(
            UtilityAccount.service_line1, UtilityAccount.service_line2, UtilityAccount.service_city,
            UtilityAccount.service_state, UtilityAccount.service_zip,
        ).where(UtilityAccount.customer_id == customer.id).order_by(UtilityAccount.id)
    )
    customer.address_key = address_key([billing_address(customer), *accounts.all()])
