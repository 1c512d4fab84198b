"""Demo data: deterministic from a seed, three clients with their users, every status, hierarchies, each client's rows
its own, and books that balance once billed."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from db.demo import CLIENTS, MARKETS, seed
from db.engine import make_engine, make_sessionmaker
from db.enums import CommLogKind, LedgerKind
from db.migrate import migrate
from db.models import (
    AuditEvent,
    AuthorizedContact,
    Client,
    CommLogEntry,
    Customer,
    CustomerNameToken,
    Enrollment,
    EnrollmentStatusChange,
    Invoice,
    LedgerEntry,
    MarketTransaction,
    Payment,
    RatePlan,
    Ticket,
    UsagePeriod,
    User,
    UtilityAccount,
)

SLUGS = [slug for slug, _name in CLIENTS]
# Each tenant-owned row and the tenant-owned row it hangs from: both must belong to one client.
PARENTS = [
    (Customer, Customer.master_id, Customer), (CustomerNameToken, CustomerNameToken.customer_id, Customer),
    (UtilityAccount, UtilityAccount.customer_id, Customer), (UtilityAccount, UtilityAccount.rate_plan_id, RatePlan),
    (Enrollment, Enrollment.utility_account_id, UtilityAccount),
    (MarketTransaction, MarketTransaction.utility_account_id, UtilityAccount),
    (EnrollmentStatusChange, EnrollmentStatusChange.utility_account_id, UtilityAccount),
    (UsagePeriod, UsagePeriod.utility_account_id, UtilityAccount), (CommLogEntry, CommLogEntry.customer_id, Customer),
    (CommLogEntry, CommLogEntry.author_id, User), (AuditEvent, AuditEvent.actor_id, User),
    (Ticket, Ticket.customer_id, Customer), (Ticket, Ticket.assignee_id, User),
    (AuthorizedContact, AuthorizedContact.customer_id, Customer), (Invoice, Invoice.customer_id, Customer),
    (Invoice, Invoice.utility_account_id, UtilityAccount), (Payment, Payment.customer_id, Customer),
    (LedgerEntry, LedgerEntry.customer_id, Customer), (LedgerEntry, LedgerEntry.invoice_id, Invoice),
    (LedgerEntry, LedgerEntry.payment_id, Payment),
]


async def seeded(path, customers: int, random_seed: int = 42):
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    await seed(engine, customers, seed=random_seed)
    return engine


async def snapshot(engine) -> list[tuple]:
    async with make_sessionmaker(engine)() as s:
        rows = await s.execute(select(Customer.number, Customer.name, Customer.master_id, Customer.address_key)
                               .order_by(Customer.id))
        return list(rows.all())


async def crossings(session) -> dict[str, int]:
    """Per child column, the rows whose parent belongs to another client (none in sound data)."""
    found = {}
    for child, column, parent_model in PARENTS:
        parent = aliased(parent_model)
        stmt = select(func.count()).select_from(child).join(parent, parent.id == column).where(
            parent.client_id != child.client_id)
        found[f"{child.__tablename__}.{column.key}"] = (await session.execute(stmt)).scalar_one()
    return found


async def per_client(session, stmt) -> dict[str, int]:
    """`stmt` (selecting a client id and a count, grouped by client) keyed by the client's slug; 0 where absent."""
    slugs = dict((await session.execute(select(Client.id, Client.slug))).all())
    counted = dict((await session.execute(stmt)).all())
    return {slug: counted.get(client_id, 0) for client_id, slug in slugs.items()}


async def test_same_seed_gives_the_same_data(tmp_path):
    first, second = await seeded(tmp_path / "a.db", 120), await seeded(tmp_path / "b.db", 120)
    other = await seeded(tmp_path / "c.db", 120, random_seed=7)
    assert await snapshot(first) == await snapshot(second)
    assert await snapshot(first) != await snapshot(other)
    for engine in (first, second, other):
        await engine.dispose()


async def test_demo_covers_clients_users_statuses_and_hierarchies(tmp_path):
    engine = await seeded(tmp_path / "demo.db", 300)
    async with make_sessionmaker(engine)() as s:
        slugs = set((await s.execute(select(Client.slug))).scalars())
        emails = set((await s.execute(select(User.email))).scalars())
        statuses = set((await s.execute(select(UtilityAccount.status).distinct())).scalars())
        children = (await s.execute(select(func.count()).where(Customer.master_id.is_not(None)))).scalar_one()
        customers = await per_client(s, select(Customer.client_id, func.count()).group_by(Customer.client_id))
        accountless = (await s.execute(select(func.count()).select_from(Customer).where(
            Customer.is_master.is_(False), ~Customer.id.in_(select(UtilityAccount.customer_id))))).scalar_one()
        masters_with_accounts = (await s.execute(select(func.count()).select_from(Customer).where(
            Customer.is_master.is_(True), Customer.id.in_(select(UtilityAccount.customer_id))))).scalar_one()
        without_enrollment = (await s.execute(select(func.count()).select_from(UtilityAccount).where(
            ~UtilityAccount.id.in_(select(Enrollment.utility_account_id))))).scalar_one()
        noted = await per_client(s, select(CommLogEntry.client_id, func.count(CommLogEntry.customer_id.distinct()))
                                 .where(CommLogEntry.kind.in_([CommLogKind.NOTE, CommLogKind.CALL]))
                                 .group_by(CommLogEntry.client_id))
        tickets = await per_client(s, select(Ticket.client_id, func.count()).group_by(Ticket.client_id))
        crossed = await crossings(s)
    await engine.dispose()
    assert slugs == set(SLUGS)
    assert {f"{who}@{slug}.example" for who in ("agent", "lead", "admin") for slug in slugs} == emails
    assert {s.value for s in statuses} == {"PENDING", "ACTIVE", "PENDING_DROP", "DROP_ACCEPTED", "DROPPED", "INACTIVE"}
    assert children >= 5
    assert customers == {slug: 100 for slug in SLUGS}
    # every customer but a master has a utility account, and every account its enrollment history
    assert accountless == 0
    assert masters_with_accounts == 0
    assert without_enrollment == 0
    # each client's log shows notes on many of its customers, and its queues the four demo tickets
    assert all(n >= 50 for n in noted.values()), noted
    assert tickets == {slug: 4 for slug in SLUGS}
    assert crossed == dict.fromkeys(crossed, 0)


@pytest.mark.parametrize("customers, expected", [
    (0, [0, 0, 0]), (1, [1, 0, 0]), (2, [1, 1, 0]), (4, [2, 1, 1]),
])
async def test_tiny_seeds_spread_customers_over_the_clients(tmp_path, customers, expected):
    engine = await seeded(tmp_path / f"tiny{customers}.db", customers)
    async with make_sessionmaker(engine)() as s:
        counts = await per_client(s, select(Customer.client_id, func.count()).group_by(Customer.client_id))
        plain = await per_client(s, select(Customer.client_id, func.count()).where(Customer.is_master.is_(False))
                                 .group_by(Customer.client_id))
        users = await per_client(s, select(User.client_id, func.count()).group_by(User.client_id))
        plans = await per_client(s, select(RatePlan.client_id, func.count()).group_by(RatePlan.client_id))
        tickets = await per_client(s, select(Ticket.client_id, func.count()).group_by(Ticket.client_id))
        crossed = await crossings(s)
    await engine.dispose()
    # the clients, their users and plans exist whatever the number of customers; the customers go round the clients
    assert counts == dict(zip(SLUGS, expected, strict=True))
    assert users == {slug: 3 for slug in SLUGS}
    assert plans == {slug: 3 * len(MARKETS) for slug in SLUGS}
    # a client's demo tickets need a customer that is not a master to hang from
    assert tickets == {slug: 4 if plain[slug] else 0 for slug in SLUGS}
    assert crossed == dict.fromkeys(crossed, 0)


async def test_demo_invoices_come_from_the_billing_run_and_keep_the_books(tmp_path):
    from graph.demo_billing import bill_demo, demo_periods
    from tests.billing_invariants import assert_invariants

    engine = await seeded(tmp_path / "billed.db", 90)
    await bill_demo(engine, 90)
    async with make_sessionmaker(engine)() as s:
        statuses = dict((await s.execute(select(Invoice.status, func.count()).group_by(Invoice.status))).all())
        periods = set((await s.execute(select(Invoice.period_start).distinct())).scalars())
        invoiced = await per_client(s, select(Invoice.client_id, func.count(Invoice.customer_id.distinct()))
                                    .group_by(Invoice.client_id))
        paid = await per_client(s, select(Payment.client_id, func.count()).group_by(Payment.client_id))
        # every invoice and payment is in the ledger once, for its amount (the ledger is what the balance sums)
        booked = select(func.count()).select_from(LedgerEntry)
        invoices_booked = (await s.execute(booked.join(Invoice, Invoice.id == LedgerEntry.invoice_id).where(
            LedgerEntry.kind == LedgerKind.INVOICE, LedgerEntry.amount_cents == Invoice.total_cents))).scalar_one()
        payments_booked = (await s.execute(booked.join(Payment, Payment.id == LedgerEntry.payment_id).where(
            LedgerEntry.kind == LedgerKind.PAYMENT, LedgerEntry.amount_cents == -Payment.amount_cents))).scalar_one()
        invoices = (await s.execute(select(func.count()).select_from(Invoice))).scalar_one()
        payments = (await s.execute(select(func.count()).select_from(Payment))).scalar_one()
        unstamped = [(i.issued_on, i.created_at) for i in (await s.execute(select(Invoice))).scalars()
                     if i.created_at.date() != i.issued_on]
        unstamped += [(p.received_on, p.created_at) for p in (await s.execute(select(Payment))).scalars()
                      if p.created_at.date() != p.received_on]
        for client_id in set((await s.execute(select(Client.id))).scalars()):
            await assert_invariants(s, client_id)
        crossed = await crossings(s)
    await engine.dispose()
    assert {str(k) for k in statuses} >= {"OPEN", "PAID", "PARTIALLY_PAID"}
    assert periods == {start for start, _end, _issued in demo_periods()}
    assert all(n >= 10 for n in invoiced.values()), invoiced
    assert all(n >= 5 for n in paid.values()), paid
    assert invoices_booked == invoices
    assert payments_booked == payments
    assert unstamped == [], "demo invoices and payments are recorded on their own day, not the seeding day"
    assert crossed == dict.fromkeys(crossed, 0)


async def test_demo_billing_skips_a_client_without_its_demo_admin(tmp_path, capsys):
    """No demo admin (a database not seeded by `seed`): said on stderr and nothing billed, not a crash."""
    from graph.demo_billing import bill_demo

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bare.db'}")
    await migrate(engine)
    await bill_demo(engine, 0)
    async with make_sessionmaker(engine)() as s:
        invoices = (await s.execute(select(func.count()).select_from(Invoice))).scalar_one()
    await engine.dispose()
    assert invoices == 0
    assert capsys.readouterr().err.count("no active user") == len(CLIENTS)
