"""Sibling resolvers run concurrently; no AsyncSession is shared between them (asyncpg would refuse)."""

import asyncio

from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

SIBLINGS = """
{
  a: customers(first: 10) { totalCount edges { node { name primaryAccount { utility { code } } hierarchyTrail { name
  } } } }
  b: customers(first: 10, orderBy: NUMBER) { totalCount edges { node { utilityAccounts(first: 3) { totalCount edges {
  node { enrollments { status } } } } } } }
  markets { code }
  ratePlans { code }
  viewer { role }
}
"""


async def test_sibling_root_fields_and_loaders_side_by_side(api, session, tenant):
    for n in range(12):
        await make_account(session, await make_customer(session, tenant, f"Sibling {n:02d}"), history=1)
    await session.commit()
    # many requests at once, each with concurrent sibling fields and loaders
    results = await asyncio.gather(*(api.run(SIBLINGS, user=tenant.agent) for _ in range(8)))
    for data in results:
        assert data["a"]["totalCount"] == data["b"]["totalCount"] == 12
        assert len(data["a"]["edges"]) == len(data["b"]["edges"]) == 10
        assert all(e["node"]["utilityAccounts"]["totalCount"] == 1 for e in data["b"]["edges"])
