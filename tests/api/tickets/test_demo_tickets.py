"""Demo tickets and contacts: every client gets some in each state, once, the same every time."""

from sqlalchemy import func, select

from db.demo import seed
from db.engine import make_engine, make_sessionmaker
from db.migrate import migrate
from db.models import AuthorizedContact, Ticket


async def test_each_client_gets_tickets_in_every_state_once(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    await migrate(engine)
    await seed(engine, 30)
    await seed(engine, 6, seed=7)  # seeding more customers adds no tickets
    async with make_sessionmaker(engine)() as s:
        tickets = (await s.execute(select(Ticket.client_id, Ticket.status, Ticket.kind, Ticket.customer_id)
                                   .order_by(Ticket.id))).all()
        contacts = dict((await s.execute(select(AuthorizedContact.client_id, func.count())
                                         .group_by(AuthorizedContact.client_id))).all())
        removed = (await s.execute(select(func.count()).where(AuthorizedContact.removed_at.is_not(None)))).scalar_one()
    await engine.dispose()
    clients = {t.client_id for t in tickets}
    assert len(clients) == 3
    assert len(tickets) == 12
    assert sorted(contacts.values()) == [2, 2, 2]
    assert removed == 3
    for client in clients:
        mine = [t for t in tickets if t.client_id == client]
        assert {t.status.value for t in mine} == {"OPEN", "IN_PROGRESS", "CLOSED"}
        assert {t.kind.value for t in mine} == {"CONTACT_CHANGE", "GENERAL"}
        assert any(t.customer_id is None for t in mine)
