"""Builders for customers, with their search keys, as the app itself would write them."""

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import CustomerKind
from db.models import Customer, CustomerNameToken
from db.search_keys import address_key, name_key, name_token_columns
from tests.factories.admin import Tenant


async def make_customer(
    session: AsyncSession, tenant: Tenant, name: str = "Pat Doe", *, kind: CustomerKind = CustomerKind.RESIDENTIAL,
    master: Customer | None = None, is_master: bool = False, email: str | None = "pat@mail.example",
    billing: tuple[str | None, ...] = ("1 Billing Rd", None, "Dallas", "TX", "75201"),
) -> Customer:
    customer = Customer(
        client_id=tenant.client.id, number="pending", name=name, name_key=name_key(name), kind=kind,
        email=email, phone="+12155550123", billing_line1=billing[0], billing_line2=billing[1],
        billing_city=billing[2], billing_state=billing[3], billing_zip=billing[4], is_master=is_master,
        master_id=master.id if master else None, address_key=address_key([billing]),
    )
    session.add(customer)
    await session.flush()
    customer.number = str(100_000_000 + customer.id)
    rows = [{"client_id": tenant.client.id, "customer_id": customer.id, **columns}
            for columns in name_token_columns(name)]
    if rows:  # a name of punctuation alone has no words to index
        await session.execute(insert(CustomerNameToken), rows)
    await session.flush()
    return customer
