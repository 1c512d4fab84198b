"""Clients (tenants) for the operator's command line: created with a slug and a name, found by slug."""

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Client, User
from resolvers import audit
from resolvers.context import RequestScope
from resolvers.errors import CommonErrorCode, Invalid, UserInputError
from resolvers.scope import tenant_scoped
from resolvers.tickets.text import required_text

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")  # fits clients.slug (40) and an email's domain label


async def create_client(session: AsyncSession, slug: str, name: str, request_id: str) -> Client:
    """A new client with no users yet (add its first ADMIN next), audited with no actor."""
    if not SLUG.fullmatch(slug):
        raise Invalid("The slug is 1-40 lower-case letters, digits and inner hyphens.", ["slug"])
    client = Client(slug=slug, name=required_text(name, 200, "name", "The name"), settings={})
    session.add(client)
    try:
        await session.flush()
    except IntegrityError:
        raise UserInputError(CommonErrorCode.CONFLICT, f"A client {slug!r} already exists.", ["slug"]) from None
    scope = RequestScope.of_system(client.id, request_id, session)
    await audit.record(scope, "client.create", "Client", client.id, audit.diff({}, {"slug": slug, "name": client.name}))
    return client


async def client_by_slug(session: AsyncSession, slug: str) -> Client | None:
    return (await session.execute(select(Client).where(Client.slug == slug))).scalar_one_or_none()


async def user_in_client(scope: RequestScope, email: str) -> User | None:
    stmt = tenant_scoped(select(User).where(User.email == email.strip().lower()), User, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()
