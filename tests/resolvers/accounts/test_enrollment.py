"""Enrollment through the resolvers: a new customer with its accounts, or one more account, each PENDING with its
814 and history; an idempotency key replays; any refusal names its field and writes nothing."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.enums import EnrollmentStatus as S
from db.enums import MarketDirection, MarketTransactionStatus, MarketTransactionType, Role
from db.models import Customer, Enrollment, MarketTransaction, UtilityAccount
from resolvers.accounts.enrollment import (
    EnrollAccountRequest,
    EnrollCustomerRequest,
    NewAccount,
    NewCustomer,
    enroll_customer,
    enroll_utility_account,
)
from resolvers.accounts.status import today
from tests.api.accounts.test_enrollment import number_for
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer
from tests.resolvers.helpers import act, audit_trail, code_and_field, count, fetch, from_today, refused, status_changes

ADA = NewCustomer(name=" Ada Enrollee ", email="Ada@Mail.Example", phone="(215) 555-0134", billing_line1="1 Billing Rd",
                  billing_city="Dallas", billing_state="tx", billing_zip="75201")


def new_account(by: str = "ONCOR", **changes) -> NewAccount:
    """A valid account served by the utility `by`, with `changes`."""
    state = {"ONCOR": "TX", "CENTERPOINT": "TX", "PECO": "PA"}[by]
    return replace(NewAccount(ldc_account_number=number_for(by), utility=by, service_line1="742 Evergreen Ter",
                              service_city="Springfield", service_state=state, service_zip="75001",
                              requested_start_date=today() + timedelta(days=14)), **changes)


async def written(database, tenant) -> dict[str, int]:
    return {model.__tablename__: await count(database, model, model.client_id == tenant.client.id)
            for model in (Customer, UtilityAccount, MarketTransaction, Enrollment)}


NOTHING = {"customers": 0, "utility_accounts": 0, "market_transactions": 0, "enrollments": 0}


class TestEnrollCustomer:
    async def test_a_customer_and_its_accounts_start_pending_with_their_814s(self, database, session, tenant):
        plan = await make_rate_plan(session, tenant.client.id, "TX", code="TX-12", term_months=12)
        await session.commit()
        first, second = new_account(rate_plan="TX-12", meter_number=" M-77 "), new_account("CENTERPOINT", market="tx")
        done = await act(database, tenant.lead, enroll_customer, EnrollCustomerRequest(ADA, (first, second)))
        # the customer, normalized and numbered
        customer = done.customer
        assert (customer.name, customer.email, customer.phone, customer.billing_state) == (
            "Ada Enrollee", "Ada@mail.example", "+12155550134", "TX")
        assert customer.number == str(100_000_000 + customer.id)
        assert done.replayed is False
        # its accounts PENDING from the requested day, priced by the plan, each with its queued 814
        shown = [(a.ldc_account_number, a.status, a.start_date, a.rate_plan_id, a.meter_number) for a in done.accounts]
        assert shown == [
            (first.ldc_account_number, S.PENDING, first.requested_start_date, plan.id, "M-77"),
            (second.ldc_account_number, S.PENDING, second.requested_start_date, None, None)]
        assert done.accounts[0].contract_term_months == 12
        assert [(t.type, t.direction, t.status, t.effective_date, t.utility_account_id) for t in done.transactions] == [
            (MarketTransactionType.ENROLLMENT, MarketDirection.OUTBOUND, MarketTransactionStatus.QUEUED,
             a.requested_start_date, account.id) for a, account in zip((first, second), done.accounts, strict=True)]
        # the history reads INACTIVE -> PENDING, caused by the 814, by the lead
        assert await status_changes(database, done.accounts[0].id) == [
            (S.INACTIVE, S.PENDING, done.transactions[0].id, tenant.lead.id)]
        enrollments = await fetch(database, select(Enrollment.status, Enrollment.start_date).where(
            Enrollment.utility_account_id == done.accounts[0].id))
        assert enrollments == [(S.PENDING, first.requested_start_date)]
        customer_trail = await audit_trail(database, "Customer", customer.id)
        assert [action for action, _c, _a in customer_trail] == ["customer.enroll"]
        assert [action for action, _c, _a in await audit_trail(database, "UtilityAccount", done.accounts[0].id)] == [
            "utility_account.enroll", "market_transaction.create"]
        # and the customer is searchable by its service addresses
        [row] = await fetch(database, select(Customer.address_key).where(Customer.id == customer.id))
        assert "742 evergreen ter" in row

    async def test_the_same_key_replays_and_other_input_under_it_is_refused(self, database, tenant):
        request = EnrollCustomerRequest(ADA, (new_account(),), idempotency_key="enroll-1")
        first = await act(database, tenant.lead, enroll_customer, request)
        again = await act(database, tenant.lead, enroll_customer, request)
        assert again.replayed is True
        assert again.customer.id == first.customer.id
        assert [a.id for a in again.accounts] == [a.id for a in first.accounts]
        assert [t.id for t in again.transactions] == [t.id for t in first.transactions]
        other = replace(request, customer=replace(ADA, name="Someone Else"))
        error = await refused(database, tenant.lead, enroll_customer, other)
        assert error.code == "ENROLLMENT_IDEMPOTENCY_KEY_REUSED"
        assert await written(database, tenant) == {"customers": 1, "utility_accounts": 1, "market_transactions": 1,
                                                   "enrollments": 1}

    @pytest.mark.parametrize("changes, code, field", [
        ({"utility": "NOPE"}, "UNKNOWN_UTILITY", "utility"),
        ({"market": "PA"}, "UTILITY_NOT_IN_MARKET", "market"),
        ({"ldc_account_number": "12"}, "INVALID_LDC_NUMBER", "ldc_account_number"),
        ({"rate_plan": "PA-PLAN"}, "RATE_PLAN_NOT_IN_MARKET", "rate_plan"),
        ({"rate_plan": "NO-SUCH"}, "NOT_FOUND", "rate_plan"),
        ({"requested_start_date": timedelta(days=-1)}, "START_DATE_IN_PAST", "requested_start_date"),
        ({"requested_start_date": timedelta(days=3_654)}, "EFFECTIVE_DATE_OUT_OF_RANGE",
         "requested_start_date"),
        ({"service_state": "ZZ"}, "INVALID_STATE_CODE", "state"),
        ({"service_zip": "7500"}, "INVALID_ZIP", "zip"),
        ({"service_line1": " "}, "BLANK_SERVICE_ADDRESS", "line1"),
        ({"meter_number": "M" * 41}, "VALUE_TOO_LONG", "meter_number"),
    ])
    async def test_a_bad_second_account_is_refused_at_its_field_and_nothing_is_written(
            self, database, session, tenant, changes, code, field):
        await make_rate_plan(session, tenant.client.id, "PA", code="PA-PLAN")
        await session.commit()
        request = EnrollCustomerRequest(ADA, (new_account(), new_account(**from_today(changes))))
        error = await refused(database, tenant.lead, enroll_customer, request)
        assert error.code == code
        assert error.field[:2] == ("accounts", 1)
        assert error.field[-1] == field
        assert await written(database, tenant) == NOTHING

    async def test_one_ldc_number_twice_or_already_held_is_refused(self, database, session, tenant, other_tenant):
        held_by = await make_customer(session, tenant, "Current Holder")
        held = await make_account(session, held_by, ldc=number_for())
        their_holder = await make_customer(session, other_tenant, "Their Holder")
        theirs = await make_account(session, their_holder, ldc=number_for())
        await session.commit()
        twice = new_account()
        duplicate = await refused(database, tenant.lead, enroll_customer, EnrollCustomerRequest(ADA, (twice, twice)))
        assert code_and_field(duplicate) == ("DUPLICATE_LDC_NUMBER", ["accounts", 1, "ldc_account_number"])
        in_use = await refused(database, tenant.lead, enroll_customer, EnrollCustomerRequest(
            ADA, (new_account(ldc_account_number=held.ldc_account_number),)))
        assert code_and_field(in_use) == ("LDC_NUMBER_IN_USE", ["accounts", 0, "ldc_account_number"])
        assert held_by.number in in_use.message
        # another client's number is no obstacle, and nothing says it exists
        done = await act(database, tenant.lead, enroll_customer, EnrollCustomerRequest(
            ADA, (new_account(ldc_account_number=theirs.ldc_account_number),)))
        assert done.accounts[0].status is S.PENDING

    @pytest.mark.parametrize("customer, code, field", [
        (replace(ADA, name=" "), "BLANK_NAME", ["name"]),
        (replace(ADA, email="nope"), "INVALID_EMAIL", ["email"]),
        (replace(ADA, phone="555"), "INVALID_PHONE", ["phone"]),
    ])
    async def test_bad_customer_details_are_refused(self, database, tenant, customer, code, field):
        error = await refused(database, tenant.lead, enroll_customer, EnrollCustomerRequest(customer, (new_account(),)))
        assert code_and_field(error) == (code, field)
        assert await written(database, tenant) == NOTHING

    @pytest.mark.parametrize("accounts", [0, 51])
    async def test_between_one_and_fifty_accounts(self, database, tenant, accounts):
        request = EnrollCustomerRequest(ADA, tuple(new_account() for _ in range(accounts)))
        error = await refused(database, tenant.lead, enroll_customer, request)
        assert code_and_field(error) == ("INVALID", ["accounts"])

    async def test_agents_may_not_enroll(self, database, tenant):
        error = await refused(database, tenant.user(Role.AGENT), enroll_customer,
                              EnrollCustomerRequest(ADA, (new_account(),)))
        assert code_and_field(error) == ("FORBIDDEN", None)
        assert await written(database, tenant) == NOTHING


class TestEnrollUtilityAccount:
    async def test_an_existing_customer_gets_one_more_pending_account(self, database, session, tenant):
        customer = await make_customer(session, tenant, "Existing Customer")
        await make_account(session, customer)
        await session.commit()
        done = await act(database, tenant.admin, enroll_utility_account,
                         EnrollAccountRequest(customer.id, new_account("PECO")))
        assert done.customer.id == customer.id
        assert [(a.status, a.customer_id) for a in done.accounts] == [(S.PENDING, customer.id)]
        assert await count(database, UtilityAccount, UtilityAccount.customer_id == customer.id) == 2

    async def test_a_master_or_another_clients_customer_takes_no_account(self, database, session, tenant, other_tenant):
        master = await make_customer(session, tenant, "Master Org", is_master=True)
        theirs = await make_customer(session, other_tenant, "Their Customer")
        await session.commit()
        on_master = await refused(database, tenant.lead, enroll_utility_account,
                                  EnrollAccountRequest(master.id, new_account()))
        assert code_and_field(on_master) == ("INVALID", ["customer_id"])
        on_theirs = await refused(database, tenant.lead, enroll_utility_account,
                                  EnrollAccountRequest(theirs.id, new_account()))
        assert code_and_field(on_theirs) == ("NOT_FOUND", ["customer_id"])
        assert await count(database, UtilityAccount, UtilityAccount.customer_id.in_([master.id, theirs.id])) == 0

    async def test_a_bad_account_points_into_input_account(self, database, session, tenant):
        customer = await make_customer(session, tenant, "Existing Customer")
        await session.commit()
        error = await refused(database, tenant.lead, enroll_utility_account,
                              EnrollAccountRequest(customer.id, new_account(service_zip="ABCDE")))
        assert code_and_field(error) == ("INVALID_ZIP", ["account", "service_address", "zip"])
