"""Idempotency keys of money mutations (and enrollments): the same key and input replays the first result.

The key row is claimed with INSERT ... ON CONFLICT DO NOTHING in the mutation's transaction, so a
concurrent retry waits for the first request and then finds its result. Keys are kept at least 24 hours.
"""

import hashlib
import json
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from db.models import IdempotencyKey
from resolvers.billing.errors import BillingErrorCode
from resolvers.context import RequestScope
from resolvers.errors import Invalid, UserInputError
from resolvers.scope import tenant_scoped

MAX_KEY_LENGTH = 100
RETENTION_HOURS = 24


def request_hash(operation: str, request: Any) -> str:
    text = json.dumps([operation, request], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def claim(scope: RequestScope, key: str | None, operation: str, digest: str,
                reused: StrEnum = BillingErrorCode.PAYMENT_IDEMPOTENCY_KEY_REUSED) -> dict[str, Any] | None:
    """None when this request owns the key (or has none); else the first request's stored response.
    `reused` is the error code for the key sent again with other input."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise Invalid(f"The idempotency key must be 1-{MAX_KEY_LENGTH} characters.", "idempotency_key")
    dialect_insert = postgresql.insert if scope.db.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(IdempotencyKey).on_conflict_do_nothing(index_elements=["client_id", "key"]).values(
        client_id=scope.tenant_id, key=key, operation=operation, request_hash=digest, response={})
    if (await scope.db.execute(stmt.returning(IdempotencyKey.id))).scalar_one_or_none() is not None:
        return None
    return _replay(await _row(scope, key), operation, digest, reused)


def _replay(row: IdempotencyKey, operation: str, digest: str, reused: StrEnum) -> dict[str, Any]:
    if row.operation != operation or row.request_hash != digest:
        raise UserInputError(reused,
                             "This idempotency key was already used with different input.", "idempotency_key")
    return dict(row.response)


async def _row(scope: RequestScope, key: str) -> IdempotencyKey:
    stmt = tenant_scoped(select(IdempotencyKey).where(IdempotencyKey.key == key), IdempotencyKey, scope)
    return (await scope.db.execute(stmt.execution_options(populate_existing=True))).scalar_one()


async def store(scope: RequestScope, key: str | None, response: dict[str, Any]) -> None:
    """Record the result under the key this request claimed."""
    if key is None:
        return
    row = await _row(scope, key)
    row.response = response
