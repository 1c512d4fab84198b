"""Resolvers called as the graph layer calls them: on a user's RequestScope, a write in one transaction that a
UserInputError rolls back (as graph/core/errors.py::run_mutation does), a read in a session of its own."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from db.engine import make_sessionmaker, make_write_sessionmaker
from db.models import AuditEvent, CommLogEntry, EnrollmentStatusChange, User
from resolvers.accounts.status import today
from resolvers.context import RequestScope, Viewer
from resolvers.errors import UserInputError

T = TypeVar("T")


def scope_of(user: User, session=None) -> RequestScope:
    viewer = Viewer(user_id=user.id, tenant_id=user.client_id, role=user.role, email=user.email)
    return RequestScope(viewer=viewer, request_id="test", session=session)


async def act(database, user: User, action: Callable[..., Awaitable[T]], *args: Any) -> T:
    """`action(scope, *args)` in one write transaction, committed when it returns."""
    async with make_write_sessionmaker(database.engine)() as session, session.begin():
        return await action(scope_of(user, session), *args)


async def refused(database, user: User, action: Callable[..., Awaitable[Any]], *args: Any) -> UserInputError:
    """The UserInputError `action` raises; its transaction is rolled back."""
    with pytest.raises(UserInputError) as raised:
        await act(database, user, action, *args)
    return raised.value


def code_and_field(error: UserInputError) -> tuple[str, list[str | int] | None]:
    """The code, and the field at fault in domain names (list indices as ints), as a list."""
    return error.code, None if error.field is None else list(error.field)


async def read(database, user: User, action: Callable[..., Awaitable[T]], *args: Any) -> T:
    async with make_sessionmaker(database.engine)() as session:
        return await action(scope_of(user, session), *args)


async def count(database, model: Any, *where: Any) -> int:
    async with make_sessionmaker(database.engine)() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def fetch(database, stmt: Any) -> list[Any]:
    """The rows of `stmt`, read in a session of its own (plain rows or entities)."""
    async with make_sessionmaker(database.engine)() as session:
        result = await session.execute(stmt)
        return list(result.scalars() if len(stmt.column_descriptions) == 1 else result.tuples())


async def row_of(database, model: Any, pk: int) -> Any:
    """The row of `model` with id `pk`, as stored now."""
    [row] = await fetch(database, select(model).where(model.id == pk))
    return row


async def audit_trail(database, object_type: str, object_id: int) -> list[tuple[str, dict, int | None]]:
    """(action, changes, actor id) of an object's audit events, oldest first."""
    stmt = select(AuditEvent.action, AuditEvent.changes, AuditEvent.actor_id).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id).order_by(AuditEvent.id)
    return await fetch(database, stmt)


async def log_of(database, customer_id: int) -> list[CommLogEntry]:
    """The customer's communication log, oldest first."""
    return await fetch(database, select(CommLogEntry).where(CommLogEntry.customer_id == customer_id)
                       .order_by(CommLogEntry.id))


async def status_changes(database, account_id: int) -> list[tuple[Any, Any, int | None, int | None]]:
    """(from, to, market transaction id, actor id) of a utility account's status history, oldest first."""
    stmt = select(EnrollmentStatusChange.from_status, EnrollmentStatusChange.to_status,
                  EnrollmentStatusChange.market_transaction_id, EnrollmentStatusChange.actor_id).where(
        EnrollmentStatusChange.utility_account_id == account_id).order_by(EnrollmentStatusChange.id)
    return await fetch(database, stmt)


def from_today(values: dict[str, Any]) -> dict[str, Any]:
    """Dates given as days from today, made when the test runs: a date made at collection goes stale past midnight."""
    return {key: today() + value if isinstance(value, timedelta) else value for key, value in values.items()}
