"""Usage through the resolvers: a CSV import writes every line or none (each problem named by its line), only onto
the client's accounts and never over a stored period; reads return each account's periods in a window and the
monthly totals prorated by day."""

from datetime import date

import pytest
from sqlalchemy import select

from db.enums import ReadType
from db.models import UsagePeriod
from resolvers.accounts.consumption import Window, month_window, months_of, usage_in_window, window_of
from resolvers.accounts.usage_csv import UsageFileRejected
from resolvers.accounts.usage_import import import_usage
from resolvers.errors import UserInputError
from tests.factories.accounts import make_account, make_usage
from tests.factories.customers import make_customer
from tests.resolvers.helpers import act, audit_trail, code_and_field, count, fetch, read, refused

HEADER = "ldc_account_number,period_start,period_end,kwh,demand_kw,read_type,meter_number\n"


@pytest.fixture
async def accounts(session, tenant):
    customer = await make_customer(session, tenant, "Usage Holder")
    first, second = await make_account(session, customer), await make_account(session, customer)
    await session.commit()
    return first, second


async def periods_of(database, account) -> list[tuple]:
    stmt = select(UsagePeriod.period_start, UsagePeriod.period_end, UsagePeriod.wh, UsagePeriod.demand_w,
                  UsagePeriod.read_type, UsagePeriod.meter_number).where(
        UsagePeriod.utility_account_id == account.id).order_by(UsagePeriod.period_start)
    return await fetch(database, stmt)


class TestImport:
    async def test_lines_are_written_in_thousandths_with_one_audit_event_per_account(self, database, tenant, accounts):
        first, second = accounts
        csv = (HEADER + f"{first.ldc_account_number},2025-01-01,2025-01-31,1234.567,5.5,actual,M9\n"
               f" {second.ldc_account_number} , 2025-01-01 , 2025-01-31 , 10 ,,ESTIMATED,\n"
               f"{first.ldc_account_number},2025-02-01,2025-02-28,0.001,,,\n")
        done = await act(database, tenant.lead, import_usage, csv.encode())
        assert (done.periods, done.accounts) == (3, 2)
        assert await periods_of(database, first) == [
            (date(2025, 1, 1), date(2025, 1, 31), 1_234_567, 5_500, ReadType.ACTUAL, "M9"),
            (date(2025, 2, 1), date(2025, 2, 28), 1, None, ReadType.ACTUAL, None)]
        assert await periods_of(database, second) == [
            (date(2025, 1, 1), date(2025, 1, 31), 10_000, None, ReadType.ESTIMATED, None)]
        assert await audit_trail(database, "UtilityAccount", first.id) == [
            ("usage.import", {"usagePeriods": {"from": None, "to": 2}}, tenant.lead.id)]

    @pytest.mark.parametrize("line, code", [
        ("{ldc},2025-01-01,2025-01-31,abc,,,", "USAGE_BAD_QUANTITY"),
        ("{ldc},2025-01-01,2025-01-31,-1,,,", "USAGE_BAD_QUANTITY"),
        ("{ldc},2025-01-01,2025-01-31,1.0001,,,", "USAGE_BAD_QUANTITY"),
        ("{ldc},2025-01-01,2025-01-31,1,x,,", "USAGE_BAD_QUANTITY"),
        ("{ldc},2025-13-01,2025-01-31,1,,,", "USAGE_BAD_DATE"),
        ("{ldc},01/01/2025,2025-01-31,1,,,", "USAGE_BAD_DATE"),
        ("{ldc},2025-01-31,2025-01-01,1,,,", "USAGE_END_BEFORE_START"),
        ("{ldc},2025-01-01,2025-01-31,1,,READ,", "USAGE_BAD_READ_TYPE"),
        ("{ldc},2025-01-01,2025-01-31,1,,,{long_meter}", "VALUE_TOO_LONG"),
        ("NOPE-1,2025-01-01,2025-01-31,1,,,", "USAGE_UNKNOWN_ACCOUNT"),
        (",2025-01-01,2025-01-31,1,,,", "USAGE_UNKNOWN_ACCOUNT"),
        ("{ldc},2025-01-20,2025-02-10,1,,,", "USAGE_OVERLAP"),  # overlaps line 2 of the file
    ])
    async def test_a_bad_line_rejects_the_file_naming_the_line_and_nothing_is_written(
            self, database, tenant, accounts, line, code):
        first, _ = accounts
        good = f"{first.ldc_account_number},2025-01-01,2025-01-31,1,,,\n"
        csv = HEADER + good + line.format(ldc=first.ldc_account_number, long_meter="M" * 41) + "\n"
        error = await refused(database, tenant.lead, import_usage, csv.encode())
        assert isinstance(error, UsageFileRejected)
        assert [code_and_field(p) for p in error.problems] == [(code, ["file"])]
        assert error.problems[0].message.startswith("Line 3: ")
        assert await count(database, UsagePeriod, UsagePeriod.utility_account_id == first.id) == 0

    async def test_every_problem_is_reported_in_line_order(self, database, tenant, accounts):
        first, _ = accounts
        ldc = first.ldc_account_number
        csv = (HEADER + f"{ldc},2025-03-01,2025-03-31,1,,,\n{ldc},2025-01-01,2025-01-31,x,,,\n"
               f"{ldc},2025-02-01,2025-02-28,1,,,\n{ldc},2025-02-10,2025-02-20,1,,,\n{ldc},2025-04-01,2025-04-31,1,,,\n")
        error = await refused(database, tenant.lead, import_usage, csv.encode())
        assert [(p.code, p.message.split(":")[0]) for p in error.problems] == [
            ("USAGE_BAD_QUANTITY", "Line 3"), ("USAGE_OVERLAP", "Line 5"), ("USAGE_BAD_DATE", "Line 6")]
        assert error.message.endswith("(2 more problems)")
        # the file's own problems come first; the accounts and stored periods are checked once it reads cleanly
        unknown = await refused(database, tenant.lead, import_usage, (HEADER + "NOPE,2025-01-01,2025-01-31,1,,,\n"
                                                                       "NADA,2025-01-01,2025-01-31,1,,,\n").encode())
        assert [(p.code, p.message.split(":")[0]) for p in unknown.problems] == [
            ("USAGE_UNKNOWN_ACCOUNT", "Line 2"), ("USAGE_UNKNOWN_ACCOUNT", "Line 3")]

    async def test_a_stored_period_is_never_overwritten(self, database, session, tenant, accounts):
        first, second = accounts
        await make_usage(session, first, 1, first=date(2025, 1, 1))  # 2025-01-01..2025-01-31
        await session.commit()
        csv = (HEADER + f"{second.ldc_account_number},2025-01-01,2025-01-31,1,,,\n"
               f"{first.ldc_account_number},2025-01-31,2025-02-27,1,,,\n")
        error = await refused(database, tenant.lead, import_usage, csv.encode())
        assert [(p.code, p.message.split(":")[0]) for p in error.problems] == [("USAGE_OVERLAP", "Line 3")]
        assert await count(database, UsagePeriod, UsagePeriod.utility_account_id == second.id) == 0

    async def test_another_clients_account_is_unknown(self, database, session, tenant, other_tenant, accounts):
        theirs = await make_account(session, await make_customer(session, other_tenant, "Their Holder"))
        await session.commit()
        csv = HEADER + f"{theirs.ldc_account_number},2025-01-01,2025-01-31,1,,,\n"
        error = await refused(database, tenant.lead, import_usage, csv.encode())
        assert [p.code for p in error.problems] == ["USAGE_UNKNOWN_ACCOUNT"]
        assert await count(database, UsagePeriod, UsagePeriod.utility_account_id == theirs.id) == 0

    @pytest.mark.parametrize("data", [b"", b"kwh,period_start\n1,2025-01-01\n", HEADER.encode(), b"\xff\xfe"])
    async def test_a_file_that_is_not_a_usage_csv_is_refused(self, database, tenant, data):
        error = await refused(database, tenant.lead, import_usage, data)
        assert code_and_field(error) == ("USAGE_FILE_INVALID", ["file"])

    async def test_agents_may_not_import(self, database, tenant, accounts):
        csv = HEADER + f"{accounts[0].ldc_account_number},2025-01-01,2025-01-31,1,,,\n"
        error = await refused(database, tenant.agent, import_usage, csv.encode())
        assert code_and_field(error) == ("FORBIDDEN", None)


class TestReads:
    async def test_each_accounts_periods_in_the_window_oldest_first(self, database, session, tenant, other_tenant,
                                                                    accounts):
        first, second = accounts
        await make_usage(session, first, 6, first=date(2025, 1, 15))  # Jan 15 .. Jul 14
        theirs = await make_account(session, await make_customer(session, other_tenant, "Their Holder"))
        await make_usage(session, theirs, 6, first=date(2025, 1, 15))
        await session.commit()
        window = Window(date(2025, 3, 1), date(2025, 4, 30))
        found = await read(database, tenant.agent, usage_in_window, [first.id, second.id, theirs.id], window)
        assert [[(p.period_start, p.period_end) for p in periods] for periods in found] == [
            [(date(2025, 2, 15), date(2025, 3, 14)), (date(2025, 3, 15), date(2025, 4, 14)),
             (date(2025, 4, 15), date(2025, 5, 14))], [], []]

    async def test_monthly_totals_are_prorated_by_day(self, database, session, tenant, accounts):
        first, _ = accounts
        await make_usage(session, first, 2, first=date(2025, 1, 15), wh=31_000)  # Jan 15..Feb 14, Feb 15..Mar 14
        await session.commit()
        window = month_window(Window(date(2025, 1, 20), date(2025, 2, 10)))
        [periods] = await read(database, tenant.agent, usage_in_window, [first.id], window)
        totals = months_of(periods, window)
        assert window == Window(date(2025, 1, 1), date(2025, 2, 28))
        # January holds 17 of the first period's 31 days; February the other 14, and 14 of the second's 28 days
        # (31,001 Wh: halves tie on their remainder and the earlier month takes the odd Wh)
        assert [(m.month, m.wh, m.days) for m in totals] == [(date(2025, 1, 1), 17_000, 17),
                                                            (date(2025, 2, 1), 14_000 + 15_501, 28)]

    @pytest.mark.parametrize("first, last", [(date(2025, 3, 1), date(2025, 2, 1)),
                                             (date(2000, 1, 1), date(2025, 1, 1))])
    def test_a_reversed_or_too_long_window_is_refused(self, first, last):
        with pytest.raises(UserInputError) as raised:
            window_of(first, last, date(2025, 6, 1))
        assert code_and_field(raised.value) == ("CONSUMPTION_WINDOW_INVALID", ["from"])

    def test_the_default_window_is_the_24_months_to_the_end_of_this_month(self):
        assert window_of(None, None, date(2025, 6, 10)) == Window(date(2023, 7, 1), date(2025, 6, 30))
