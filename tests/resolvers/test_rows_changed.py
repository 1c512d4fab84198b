"""rows_changed reads the rowcount AsyncSession.execute's declared type hides, and refuses a result without one."""

import pytest
from sqlalchemy import delete, select, update

from db.models import Customer
from db.results import rows_changed
from tests.factories.customers import make_customer


async def test_an_update_counts_the_rows_it_changed(session, tenant):
    customers = [await make_customer(session, tenant) for _ in range(3)]
    stmt = update(Customer).where(Customer.id.in_([c.id for c in customers[:2]])).values(name="Renamed")
    assert rows_changed(await session.execute(stmt, execution_options={"synchronize_session": False})) == 2


async def test_a_delete_that_matches_nothing_counts_zero(session, tenant):
    assert rows_changed(await session.execute(delete(Customer).where(Customer.id == -1))) == 0


async def test_a_buffered_select_result_is_refused(session, tenant):
    await make_customer(session, tenant)
    result = await session.execute(select(Customer.id))  # the session buffers it: a Result, no rowcount
    with pytest.raises(TypeError, match="no rowcount"):
        rows_changed(result)
