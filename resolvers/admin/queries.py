"""Who is asking: users with their client, loaded to authenticate a request."""

from sqlalchemy import select

from db.models import Client, User
from resolvers.scope import tenant_id_of


async def active_user_with_client(session, user_id: int) -> tuple[User, Client] | None:
    """The user behind a token, if still active. Runs before any tenant is known."""
    stmt = select(User, Client).join(Client, Client.id == User.client_id)
    row = (await session.execute(stmt.where(User.id == user_id, User.active.is_(True)))).first()
    return (row[0], row[1]) if row else None


async def user_by_email(session, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email.strip().lower()))).scalar_one_or_none()


async def client_settings(scope) -> dict:
    """The viewer's client's settings (notes-policy mode, bulk-note defaults, ...)."""
    client = await scope.db.get(Client, tenant_id_of(scope))
    return dict(client.settings or {})
