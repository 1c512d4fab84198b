"""The daily job: every client's DROP_ACCEPTED accounts whose end date has come become DROPPED."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import Role
from db.models import Client
from db.writes import Writes
from resolvers.accounts.status import apply_due_drops, today
from resolvers.context import RequestScope, Viewer

SYSTEM_USER_ID = 0  # no user acts: the status history records no actor for these changes


def system_scope(tenant_id: int, session: AsyncSession) -> RequestScope:
    viewer = Viewer(user_id=SYSTEM_USER_ID, tenant_id=tenant_id, role=Role.ADMIN, email="system@csrgraph")
    return RequestScope(viewer=viewer, request_id="apply-drops", session=session)


async def apply_drops_for_every_client(
    sessionmaker: async_sessionmaker[AsyncSession], writes: Writes, on: date | None = None
) -> dict[str, int]:
    """Accounts dropped per client slug; one transaction per client (queued with the process's other writes,
    db/writes.py), so one client's failure stops only its own."""
    async with sessionmaker() as session:
        clients = (await session.execute(select(Client.id, Client.slug).order_by(Client.id))).all()
    dropped = {}
    for client_id, slug in clients:
        async with writes.transaction() as session:
            dropped[slug] = await apply_due_drops(system_scope(client_id, session), on or today())
    return dropped
