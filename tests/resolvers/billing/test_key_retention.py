"""Idempotency keys are purged by age, every client's, never before the 24 hours the contract promises."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.base import utcnow
from db.models import IdempotencyKey
from resolvers.billing.key_retention import purge_keys


def _key(tenant, name: str, age: timedelta) -> IdempotencyKey:
    return IdempotencyKey(client_id=tenant.client.id, key=name, operation="postPayment", request_hash="0" * 64,
                          response={}, created_at=utcnow() - age)


async def _names(session, *tenants) -> set[str]:
    ids = [t.client.id for t in tenants]
    return set((await session.execute(select(IdempotencyKey.key).where(IdempotencyKey.client_id.in_(ids)))).scalars())


async def test_keys_past_the_age_go_for_every_client_and_younger_ones_stay(session, tenant, other_tenant):
    session.add_all([_key(tenant, "old", timedelta(hours=49)), _key(tenant, "young", timedelta(hours=47)),
                     _key(other_tenant, "theirs-old", timedelta(days=10))])
    await session.commit()
    purged = await purge_keys(session, timedelta(hours=48))
    await session.commit()
    assert purged >= 2  # other tests' keys are younger: only these two are this old
    assert await _names(session, tenant, other_tenant) == {"young"}


async def test_a_retention_shorter_than_the_contract_is_refused(session, tenant):
    session.add(_key(tenant, "recent", timedelta(hours=2)))
    await session.commit()
    with pytest.raises(ValueError, match="24 hours"):
        await purge_keys(session, timedelta(hours=23))
    assert await _names(session, tenant) == {"recent"}
