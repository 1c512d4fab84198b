"""Users by email (the command line) and the viewer's client's settings."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Client, User
from resolvers.scope import RequestScope, tenant_id_of


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email.strip().lower()))).scalar_one_or_none()


async def client_settings(scope: RequestScope) -> dict[str, Any]:
    """The viewer's client's settings (notes-policy mode, bulk-note defaults, ...)."""
    client = await scope.db.get_one(Client, tenant_id_of(scope))  # the viewer's client: it exists
    return dict(client.settings or {})
