"""Users by email (the command line) and the viewer's client's settings."""

from sqlalchemy import select

from db.models import Client, User
from resolvers.scope import tenant_id_of


async def user_by_email(session, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email.strip().lower()))).scalar_one_or_none()


async def client_settings(scope) -> dict:
    """The viewer's client's settings (notes-policy mode, bulk-note defaults, ...)."""
    client = await scope.db.get(Client, tenant_id_of(scope))
    return dict(client.settings or {})
