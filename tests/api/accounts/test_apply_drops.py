"""DROP_ACCEPTED -> DROPPED on the end date: applied lazily before a market transaction, and daily by the CLI."""

import asyncio
from datetime import date, timedelta

from sqlalchemy import func, select

from db.engine import make_engine, make_sessionmaker
from db.enums import EnrollmentStatus as S
from db.models import EnrollmentStatusChange, UtilityAccount
from graph.cli import main
from tests.api.accounts.helpers import create, history
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer


class TestDueDropsBeforeATransaction:
    async def test_a_drop_past_its_end_date_is_dropped_before_the_rules_decide(self, api, session, tenant):
        # given an account whose accepted drop ended yesterday
        customer = await make_customer(session, tenant, "Due Drop")
        yesterday = date.today() - timedelta(days=1)
        account = await make_account(session, customer, status=S.DROP_ACCEPTED, start=date(2024, 1, 1), end=yesterday)
        await session.commit()
        # when the CSR enrolls it again (an enrollment needs a DROPPED account)
        created = await create(api, tenant.agent, account, "ENROLLMENT")
        # then it was dropped at its end date first, and the enrollment is pending
        assert created["userErrors"] == []
        assert created["utilityAccount"]["status"] == "PENDING"
        changes = [
            e["node"] for e in (await history(api, tenant.agent, account.ldc_account_number))["statusChanges"]["edges"]
        ]
        assert [(c["fromStatus"], c["toStatus"]) for c in changes] == [
            ("DROPPED", "PENDING"),
            ("DROP_ACCEPTED", "DROPPED"),
        ]
        dropped = changes[1]
        assert (dropped["reason"], dropped["marketTransaction"], dropped["changedBy"]) == (
            "End date reached",
            None,
            None,
        )

    async def test_a_drop_not_yet_due_stays_accepted(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Later Drop")
        account = await make_account(session, customer, status=S.DROP_ACCEPTED, end=date.today() + timedelta(days=1))
        await session.commit()
        refused = await create(api, tenant.agent, account, "ENROLLMENT")
        assert [e["code"] for e in refused["userErrors"]] == ["DROP_ALREADY_ACCEPTED"]


def test_the_cli_drops_every_clients_due_accounts(tmp_path, monkeypatch, capsys):
    # given a seeded database with DROP_ACCEPTED accounts
    url = f"sqlite+aiosqlite:///{tmp_path / 'drops.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CSRGRAPH_SECRET", "cli-test-secret-0123456789-0123456789")
    assert main(["seed", "--customers", "120"]) == 0
    accepted = asyncio.run(_count(url, UtilityAccount.status == S.DROP_ACCEPTED))
    by_date = EnrollmentStatusChange.reason == "End date reached"
    dropped_before = asyncio.run(_count(url, by_date, EnrollmentStatusChange))  # the demo's history has some
    assert accepted > 0
    # when the daily job runs on a day after every end date
    capsys.readouterr()
    assert main(["apply-drops", "--today", "2100-01-01"]) == 0
    # then each of them is DROPPED, with its history
    assert asyncio.run(_count(url, UtilityAccount.status == S.DROP_ACCEPTED)) == 0
    assert asyncio.run(_count(url, by_date, EnrollmentStatusChange)) - dropped_before == accepted
    assert "lumen:" in capsys.readouterr().err


async def _count(url: str, condition, model=UtilityAccount) -> int:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        count = (await session.execute(select(func.count()).select_from(model).where(condition))).scalar_one()
    await engine.dispose()
    return count
