"""Demo data: deterministic from a seed, three clients with their users, every status, hierarchies."""

import pytest
from sqlalchemy import func, select

from db.demo import seed
from db.engine import make_engine, make_sessionmaker
from db.migrate import migrate
from db.models import Client, Customer, User, UtilityAccount


async def seeded(path, customers: int, random_seed: int = 42):
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    await seed(engine, customers, seed=random_seed)
    return engine


async def snapshot(engine) -> list[tuple]:
    async with make_sessionmaker(engine)() as s:
        rows = await s.execute(select(Customer.number, Customer.name, Customer.master_id, Customer.address_key).order_by(Customer.id))
        return list(rows.all())


async def test_same_seed_gives_the_same_data(tmp_path):
    first, second = await seeded(tmp_path / "a.db", 120), await seeded(tmp_path / "b.db", 120)
    other = await seeded(tmp_path / "c.db", 120, random_seed=7)
    assert await snapshot(first) == await snapshot(second) != await snapshot(other)
    for engine in (first, second, other):
        await engine.dispose()


async def test_demo_covers_clients_users_statuses_and_hierarchies(tmp_path):
    engine = await seeded(tmp_path / "demo.db", 300)
    async with make_sessionmaker(engine)() as s:
        slugs = set((await s.execute(select(Client.slug))).scalars())
        emails = set((await s.execute(select(User.email))).scalars())
        statuses = set((await s.execute(select(UtilityAccount.status).distinct())).scalars())
        children = (await s.execute(select(func.count()).where(Customer.master_id.is_not(None)))).scalar_one()
        per_client = dict((await s.execute(select(Customer.client_id, func.count()).group_by(Customer.client_id))).all())
        accountless = (await s.execute(select(func.count()).select_from(Customer).where(
            Customer.is_master.is_(False), ~Customer.id.in_(select(UtilityAccount.customer_id))))).scalar_one()
    await engine.dispose()
    assert slugs == {"lumen", "keystone", "prairie"}
    assert {f"{who}@{slug}.example" for who in ("agent", "lead", "admin") for slug in slugs} == emails
    assert {s.value for s in statuses} == {"PENDING", "ACTIVE", "PENDING_DROP", "DROP_ACCEPTED", "DROPPED", "INACTIVE"}
    assert children >= 5 and sorted(per_client.values()) == [100, 100, 100]
    assert accountless == 0


@pytest.mark.parametrize("customers", [0, 1])
async def test_tiny_seeds_work(tmp_path, customers):
    engine = await seeded(tmp_path / f"tiny{customers}.db", customers)
    await engine.dispose()


async def test_demo_invoices_come_from_the_billing_run_and_keep_the_books(tmp_path):
    from db.models import Invoice, Payment
    from graph.demo_billing import bill_demo, demo_periods
    from tests.billing_invariants import assert_invariants

    engine = await seeded(tmp_path / "billed.db", 90)
    await bill_demo(engine, 90)
    async with make_sessionmaker(engine)() as s:
        statuses = dict((await s.execute(select(Invoice.status, func.count()).group_by(Invoice.status))).all())
        periods = set((await s.execute(select(Invoice.period_start).distinct())).scalars())
        unstamped = [(i.issued_on, i.created_at) for i in (await s.execute(select(Invoice))).scalars()
                     if i.created_at.date() != i.issued_on]
        unstamped += [(p.received_on, p.created_at) for p in (await s.execute(select(Payment))).scalars()
                      if p.created_at.date() != p.received_on]
        for client_id in set((await s.execute(select(Client.id))).scalars()):
            await assert_invariants(s, client_id)
    await engine.dispose()
    assert {str(k) for k in statuses} >= {"OPEN", "PAID", "PARTIALLY_PAID"}
    assert periods == {start for start, _end, _issued in demo_periods()}
    assert unstamped == [], "demo invoices and payments are recorded on their own day, not the seeding day"
