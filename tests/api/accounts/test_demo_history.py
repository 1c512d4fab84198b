"""Demo data: each account's market history and usage agree with its status."""

from collections import defaultdict

from sqlalchemy import func, select

from db.demo import seed
from db.engine import make_engine, make_sessionmaker
from db.enums import EnrollmentStatus as S
from db.enums import MarketDirection, MarketTransactionStatus, MarketTransactionType
from db.migrate import migrate
from db.models import EnrollmentStatusChange, MarketTransaction, UsagePeriod, UtilityAccount
from resolvers.rules.enrollment import can_transition


async def test_demo_history_is_consistent_with_each_status(tmp_path):
    # given a seeded demo database
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    await migrate(engine)
    await seed(engine, 200)
    async with make_sessionmaker(engine)() as s:
        accounts = dict((await s.execute(select(UtilityAccount.id, UtilityAccount.status))).all())
        per_account = select(UsagePeriod.utility_account_id, func.count()).group_by(UsagePeriod.utility_account_id)
        usage = dict((await s.execute(per_account)).all())
        transactions = defaultdict(list)
        for t in (await s.execute(select(MarketTransaction).order_by(MarketTransaction.id))).scalars():
            transactions[t.utility_account_id].append(t)
        changes = defaultdict(list)
        for c in (await s.execute(select(EnrollmentStatusChange).order_by(EnrollmentStatusChange.id))).scalars():
            changes[c.utility_account_id].append((c.from_status, c.to_status))
    await engine.dispose()
    # then usage belongs to ACTIVE accounts, 24 months each
    assert {a for a, n in usage.items()} == {a for a, status in accounts.items() if status is S.ACTIVE}
    assert set(usage.values()) == {24}
    for account_id, status in accounts.items():
        chain = changes[account_id]
        # and every status change chains on from the one before, ends at the current status, and is allowed
        assert all(a[1] == b[0] for a, b in zip(chain, chain[1:], strict=False)), (status, chain)
        assert chain[-1][1] is status, (status, chain)
        assert all(can_transition(old, new) for old, new in chain)
        kinds = [(t.type, t.direction, t.status) for t in transactions[account_id]]
        if status is S.ACTIVE:
            assert (
                MarketTransactionType.ENROLLMENT,
                MarketDirection.OUTBOUND,
                MarketTransactionStatus.ACCEPTED,
            ) in kinds
        if status is S.PENDING_DROP:
            assert kinds[-1] == (MarketTransactionType.DROP, MarketDirection.OUTBOUND, MarketTransactionStatus.SENT)
        if status is S.PENDING:
            assert kinds == [(MarketTransactionType.ENROLLMENT, MarketDirection.OUTBOUND, MarketTransactionStatus.SENT)]
