"""Purging old idempotency keys: kept long enough for any retry (the contract says 24 hours at least),
then deleted by `csrgraph purge-keys`, run daily, so the table stays the size of a few days' traffic."""

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models import IdempotencyKey
from db.results import rows_changed
from resolvers.billing.idempotency import RETENTION_HOURS

MIN_AGE = timedelta(hours=RETENTION_HOURS)


async def purge_keys(session: AsyncSession, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete every client's keys created before `now - older_than`; how many went.

    Maintenance across clients, like the daily drops job: age alone decides, whoever owns the key."""
    if older_than < MIN_AGE:
        raise ValueError(f"idempotency keys are kept at least {RETENTION_HOURS} hours")
    cutoff = (now or utcnow()) - older_than
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return rows_changed(result)
