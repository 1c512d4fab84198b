"""Builders for tenants (clients) and their users."""

import itertools
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import Role
from db.models import Client, User

_serial = itertools.count(1)


@dataclass
class Tenant:
    client: Client
    agent: User
    lead: User
    admin: User

    def user(self, role: Role) -> User:
        return {Role.AGENT: self.agent, Role.TEAM_LEAD: self.lead, Role.ADMIN: self.admin}[role]


async def make_tenant(session: AsyncSession, name: str | None = None) -> Tenant:
    slug = f"t{next(_serial)}-{uuid.uuid4().hex[:8]}"
    client = Client(slug=slug, name=name or f"Client {slug}", settings={})
    session.add(client)
    await session.flush()
    users = {}
    for who, role in (("agent", Role.AGENT), ("lead", Role.TEAM_LEAD), ("admin", Role.ADMIN)):
        users[who] = User(client_id=client.id, email=f"{who}@{slug}.example", name=f"{who.title()} {slug}",
                          role=role, preferences={})
        session.add(users[who])
    await session.flush()
    return Tenant(client, users["agent"], users["lead"], users["admin"])
