"""The customer most of these tests work on."""

import pytest

from tests.factories.customers import make_customer


@pytest.fixture
async def customer(session, tenant):
    """Alex Martin, with an email (paperless may be turned on), no accounts."""
    made = await make_customer(session, tenant, "Alex Martin", email="alex@mail.example")
    await session.commit()
    return made
