"""Customer settings and dunning holds through the resolvers: each change audited from-to and noted as a SYSTEM log
entry, a request that changes nothing writes nothing, refusals name their field, and another client's customer is
not found; a bulk hold decides each listed line and writes only what it places."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.base import utcnow
from db.enums import AccountNumberType, CommLogKind
from db.enums import EnrollmentStatus as S
from db.models import Customer
from resolvers.customers.settings.commands import place_dunning_hold, release_dunning_hold, update_settings
from resolvers.customers.settings.dunning_holds import MAX_ACCOUNTS, BulkHoldRequest, bulk_place_dunning_hold
from resolvers.rules.dunning import MAX_HOLD_DAYS, MAX_REASON_LENGTH
from resolvers.rules.dunning import DunningHoldOutcome as Outcome
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.factories.settings import set_hold
from tests.resolvers.helpers import act, audit_trail, code_and_field, fetch, log_of, refused


def today() -> date:
    return utcnow().date()


async def columns(database, customer) -> tuple:
    [row] = await fetch(database, select(Customer.autopay, Customer.paperless, Customer.dunning_hold_until,
                                         Customer.dunning_hold_reason).where(Customer.id == customer.id))
    return tuple(row)


async def written(database, customer) -> tuple[int, int]:
    """How many audit events and log entries the customer has."""
    return len(await audit_trail(database, "Customer", customer.id)), len(await log_of(database, customer.id))


class TestSettings:
    async def test_turning_settings_on_and_off_is_audited_and_logged(self, database, tenant, customer):
        await act(database, tenant.agent, update_settings, customer.id, {"autopay": True, "paperless": True})
        await act(database, tenant.agent, update_settings, customer.id, {"autopay": False})
        assert (await columns(database, customer))[:2] == (False, True)
        assert await audit_trail(database, "Customer", customer.id) == [
            ("customer.update_settings", {"autopay": {"from": False, "to": True},
                                          "paperless": {"from": False, "to": True}}, tenant.agent.id),
            ("customer.update_settings", {"autopay": {"from": True, "to": False}}, tenant.agent.id)]
        log = await log_of(database, customer.id)
        assert [(e.kind, e.subject) for e in log] == [
            (CommLogKind.SYSTEM, "Autopay turned on, Paperless billing turned on"),
            (CommLogKind.SYSTEM, "Autopay turned off")]
        assert log[0].body == "Autopay: off -> on.\nPaperless billing: off -> on."

    @pytest.mark.parametrize("changes", [{}, {"autopay": False}, {"autopay": False, "paperless": False}])
    async def test_a_request_that_changes_nothing_writes_nothing(self, database, tenant, customer, changes):
        await act(database, tenant.agent, update_settings, customer.id, changes)
        assert await written(database, customer) == (0, 0)

    async def test_paperless_needs_an_email(self, database, session, tenant):
        no_email = await make_customer(session, tenant, "No Email", email=None)
        await session.commit()
        both = {"autopay": True, "paperless": True}
        error = await refused(database, tenant.agent, update_settings, no_email.id, both)
        assert code_and_field(error) == ("PAPERLESS_NEEDS_EMAIL", ["paperless"])
        assert (await columns(database, no_email))[:2] == (False, False)
        assert await written(database, no_email) == (0, 0)

    async def test_another_clients_customer_is_not_found(self, database, tenant, other_tenant, customer):
        error = await refused(database, other_tenant.admin, update_settings, customer.id, {"autopay": True})
        assert code_and_field(error) == ("NOT_FOUND", ["customer_id"])
        assert (await columns(database, customer))[0] is False


class TestDunningHolds:
    async def test_a_hold_is_placed_replaced_and_released(self, database, tenant, customer):
        first, later = today() + timedelta(days=30), today() + timedelta(days=60)
        await act(database, tenant.agent, place_dunning_hold, customer.id, first, "  Payment arrangement ")
        assert (await columns(database, customer))[2:] == (first, "Payment arrangement")
        await act(database, tenant.agent, place_dunning_hold, customer.id, later, "Dispute")
        _, held = await act(database, tenant.agent, release_dunning_hold, customer.id, "Paid in full")
        assert (held.until, held.reason) == (later, "Dispute")
        assert (await columns(database, customer))[2:] == (None, None)
        trail = await audit_trail(database, "Customer", customer.id)
        assert [action for action, _changes, _actor in trail] == [
            "customer.place_dunning_hold", "customer.place_dunning_hold", "customer.release_dunning_hold"]
        assert trail[1][1] == {"dunning_hold_until": {"from": first.isoformat(), "to": later.isoformat()},
                               "dunning_hold_reason": {"from": "Payment arrangement", "to": "Dispute"}}
        assert trail[2][1]["release_reason"] == {"from": None, "to": "Paid in full"}
        log = await log_of(database, customer.id)
        assert [e.subject for e in log] == [f"Dunning hold until {first}", f"Dunning hold until {later}",
                                            "Dunning hold released"]
        assert log[1].body == (f"Dunning hold until {later}: Dispute\n"
                               f"Replaces the hold until {first}: Payment arrangement")

    async def test_the_same_hold_again_writes_nothing(self, database, tenant, customer):
        until = today() + timedelta(days=10)
        await act(database, tenant.agent, place_dunning_hold, customer.id, until, "Arrangement")
        await act(database, tenant.agent, place_dunning_hold, customer.id, until, " Arrangement ")
        assert await written(database, customer) == (1, 1)

    @pytest.mark.parametrize("days, reason, code, field", [
        (-1, "Arrangement", "DUNNING_HOLD_IN_PAST", "until"),
        (MAX_HOLD_DAYS + 1, "Arrangement", "DUNNING_HOLD_TOO_LONG", "until"),
        (10, "   ", "DUNNING_REASON_REQUIRED", "reason"),
        (10, "x" * (MAX_REASON_LENGTH + 1), "DUNNING_REASON_TOO_LONG", "reason"),
        (-5, "", "DUNNING_HOLD_IN_PAST", "until"),  # the first finding is the one reported
    ])
    async def test_bad_holds_are_refused_with_their_field(self, database, tenant, customer, days, reason, code, field):
        error = await refused(database, tenant.agent, place_dunning_hold, customer.id, today() + timedelta(days=days),
                              reason)
        assert code_and_field(error) == (code, [field])
        assert (await columns(database, customer))[2:] == (None, None)
        assert await written(database, customer) == (0, 0)

    @pytest.mark.parametrize("days", [0, MAX_HOLD_DAYS])
    async def test_the_first_and_last_days_allowed_are_taken(self, database, tenant, customer, days):
        until = today() + timedelta(days=days)
        await act(database, tenant.agent, place_dunning_hold, customer.id, until, "Edge")
        assert (await columns(database, customer))[2] == until

    @pytest.mark.parametrize("until", [None, "expired"])
    async def test_releasing_without_a_hold_in_force_is_refused(self, database, session, tenant, customer, until):
        if until:
            await set_hold(session, customer, today() - timedelta(days=1), "Old dispute")
            await session.commit()
        error = await refused(database, tenant.agent, release_dunning_hold, customer.id, "Nothing to release")
        assert code_and_field(error) == ("NO_DUNNING_HOLD", ["customer_id"])
        assert await written(database, customer) == (0, 0)

    async def test_another_clients_customer_is_not_found(self, database, tenant, other_tenant, customer):
        until = today() + timedelta(days=5)
        placed = await refused(database, other_tenant.agent, place_dunning_hold, customer.id, until, "Not yours")
        assert code_and_field(placed) == ("NOT_FOUND", ["customer_id"])
        await act(database, tenant.agent, place_dunning_hold, customer.id, until, "Mine")
        released = await refused(database, other_tenant.agent, release_dunning_hold, customer.id, "Not yours")
        assert code_and_field(released) == ("NOT_FOUND", ["customer_id"])
        assert (await columns(database, customer))[2:] == (until, "Mine")


class TestBulkHold:
    @pytest.fixture
    async def book(self, session, tenant, other_tenant):
        """An ACTIVE customer, a DROPPED one, one already on a hold, one with two accounts; another client's."""
        active = await make_customer(session, tenant, "Active One")
        await make_account(session, active)
        dropped = await make_customer(session, tenant, "Dropped One")
        await make_account(session, dropped, status=S.DROPPED)
        held = await make_customer(session, tenant, "Held One")
        await make_account(session, held)
        await set_hold(session, held, today() + timedelta(days=3), "Earlier hold")
        twice = await make_customer(session, tenant, "Two Accounts")
        first, second = await make_account(session, twice), await make_account(session, twice)
        theirs = await make_customer(session, other_tenant, "Their One")
        await make_account(session, theirs)
        await session.commit()
        return {"active": active, "dropped": dropped, "held": held, "twice": twice, "theirs": theirs,
                "ldcs": (first.ldc_account_number, second.ldc_account_number)}

    async def test_each_line_gets_an_outcome_and_only_placed_holds_are_written(self, database, tenant, book):
        until = today() + timedelta(days=20)
        listed = [book["active"].number, "nope", book["dropped"].number, book["held"].number, book["theirs"].number,
                  book["active"].number]
        done = await act(database, tenant.lead, bulk_place_dunning_hold, BulkHoldRequest(
            until=until, reason="Storm relief", accounts="\n".join(listed), only_statuses=(S.ACTIVE,)))
        assert [(r.line, r.outcome) for r in done.results] == [
            (1, Outcome.PLACED), (2, Outcome.NOT_FOUND), (3, Outcome.SKIPPED_STATUS), (4, Outcome.PLACED),
            (5, Outcome.NOT_FOUND), (6, Outcome.DUPLICATE)]
        assert done.results[3].detail == "Replaces the hold until " f"{today() + timedelta(days=3)}: Earlier hold"
        for name, expected in (("active", (until, "Storm relief")), ("held", (until, "Storm relief")),
                               ("dropped", (None, None)), ("theirs", (None, None))):
            assert (await columns(database, book[name]))[2:] == expected, name
        assert await written(database, book["active"]) == (1, 1)
        assert await audit_trail(database, "Customer", book["held"].id) == [("customer.bulk_place_dunning_hold", {
            "dunning_hold_until": {"from": (today() + timedelta(days=3)).isoformat(), "to": until.isoformat()},
            "dunning_hold_reason": {"from": "Earlier hold", "to": "Storm relief"}}, tenant.lead.id)]
        assert await written(database, book["dropped"]) == (0, 0)
        assert await written(database, book["theirs"]) == (0, 0)

    async def test_two_ldc_numbers_of_one_customer_hold_it_once(self, database, tenant, book):
        until = today() + timedelta(days=20)
        done = await act(database, tenant.lead, bulk_place_dunning_hold, BulkHoldRequest(
            until=until, reason="Storm relief", accounts=" ".join(book["ldcs"]),
            number_type=AccountNumberType.LDC_ACCOUNT_NUMBER))
        assert [r.outcome for r in done.results] == [Outcome.PLACED, Outcome.DUPLICATE]
        assert await written(database, book["twice"]) == (1, 1)

    async def test_a_dry_run_decides_the_same_and_writes_nothing(self, database, tenant, book):
        until = today() + timedelta(days=20)
        done = await act(database, tenant.lead, bulk_place_dunning_hold, BulkHoldRequest(
            until=until, reason="Storm relief", accounts=book["active"].number, dry_run=True))
        assert [r.outcome for r in done.results] == [Outcome.PLACED]
        assert (await columns(database, book["active"]))[2:] == (None, None)
        assert await written(database, book["active"]) == (0, 0)

    @pytest.mark.parametrize("days, reason, accounts, code, field", [
        (-1, "Old", "{active}", "DUNNING_HOLD_IN_PAST", ["until"]),
        (MAX_HOLD_DAYS + 1, "Far", "{active}", "DUNNING_HOLD_TOO_LONG", ["until"]),
        (1, " ", "{active}", "DUNNING_REASON_REQUIRED", ["reason"]),
        (1, "No list", "  \n ;, ", "NO_ACCOUNTS", ["accounts"]),
        (1, "Too many", "{active} " + "1 " * MAX_ACCOUNTS, "TOO_MANY_ACCOUNTS", ["accounts"]),
        (1, "Bad text", "{active}\x00", "INVALID_TEXT", ["accounts"]),
    ])
    async def test_bad_requests_are_refused_and_hold_nobody(self, database, tenant, book, days, reason, accounts, code,
                                                            field):
        request = BulkHoldRequest(until=today() + timedelta(days=days), reason=reason,
                                  accounts=accounts.format(active=book["active"].number))
        error = await refused(database, tenant.lead, bulk_place_dunning_hold, request)
        assert code_and_field(error) == (code, field)
        assert await written(database, book["active"]) == (0, 0)

    async def test_agents_may_not(self, database, tenant, book):
        request = BulkHoldRequest(until=today() + timedelta(days=1), reason="x", accounts=book["active"].number)
        error = await refused(database, tenant.agent, bulk_place_dunning_hold, request)
        assert code_and_field(error) == ("FORBIDDEN", None)
        assert await written(database, book["active"]) == (0, 0)
