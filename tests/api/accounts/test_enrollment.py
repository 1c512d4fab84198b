"""enrollCustomer and enrollUtilityAccount over HTTP: PENDING accounts with their 814s, roles, LDC rules,
duplicates, other clients, idempotency and the welcome kit."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.enums import EnrollmentStatus as S
from db.enums import Role
from db.ldc_rules import DEFAULT_RULES
from db.models import AuditEvent, Customer, Document, MarketTransaction, UtilityAccount
from graph.core.relay import to_global_id
from resolvers.accounts.status import today
from resolvers.rules.ldc_numbers import LdcRule, example_number
from tests.api.accounts.helpers import history
from tests.factories.accounts import MARKETS, make_account, make_rate_plan
from tests.factories.customers import make_customer
from tests.resolvers.commlog.letters.test_outbox import add_templates
from tests.rules.test_ldc_numbers import invalid_numbers

ENROLL = """
mutation($input: EnrollCustomerInput!) { enrollCustomer(input: $input) {
  replayed clientMutationId userErrors { field code message }
  customer { id number name kind email phone language billingAddress { line1 city state zip } }
  utilityAccounts { ldcAccountNumber status startDate contractTermMonths utility { code } market { code }
                    ratePlan { code } premise { serviceAddress { line1 city state zip } meterNumber } }
  marketTransactions { type transactionSet direction status effectiveDate details { name value } }
  welcomeKit { kind title }
} }
"""
ENROLL_ONE = """
mutation($input: EnrollUtilityAccountInput!) { enrollUtilityAccount(input: $input) {
  replayed userErrors { field code message }
  customer { number } utilityAccount { ldcAccountNumber status } marketTransaction { type status }
} }
"""
SEARCH = """
query($search: CustomerSearch!) { customers(search: $search, first: 10) { edges { node { number } } } }
"""
UTILITY_MARKET = {u: m for m, utilities in MARKETS.items() for u in utilities}
RULES = {code: LdcRule(tuple(r["lengths"]), r["digits_only"], r["prefix"], r["check_digit"])
         for code, r in DEFAULT_RULES.items() if code in UTILITY_MARKET}
_serial = iter(range(10_000, 10**6))


def number_for(utility: str = "ONCOR") -> str:
    return example_number(RULES[utility], next(_serial))


def account(utility: str = "ONCOR", **extra) -> dict:
    state = UTILITY_MARKET[utility]
    return {"ldcAccountNumber": number_for(utility), "utility": utility,
            "serviceAddress": {"line1": "742 Evergreen Terrace", "city": "Springfield", "state": state, "zip": "75001"},
            "requestedStartDate": (today() + timedelta(days=14)).isoformat(), **extra}


def customer_input(name: str = "Ada Enrollee", accounts: list | None = None, **extra) -> dict:
    return {"name": name, "email": "ada@mail.example", "phone": "(215) 555-0134",
            "billingAddress": {"line1": "1 Billing Rd", "city": "Dallas", "state": "TX", "zip": "75201"},
            "accounts": accounts or [account()], **extra}


async def enroll(api, user, **input) -> dict:
    return (await api.run(ENROLL, {"input": customer_input(**input)}, user=user))["enrollCustomer"]


async def rows_of(database, model, tenant) -> int:
    async with database.sessionmaker() as s:
        return (
            await s.execute(select(func.count()).select_from(model).where(model.client_id == tenant.client.id))
        ).scalar_one()


async def nothing_written(database, tenant) -> bool:
    return all(
        [await rows_of(database, m, tenant) == 0 for m in (Customer, UtilityAccount, MarketTransaction, Document)]
    )


def codes(payload: dict) -> list[tuple]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


class TestEnrollCustomer:
    async def test_new_customer_with_two_accounts_starts_pending_with_its_814s(self, api, database, session, tenant):
        # given a rate plan in Texas
        await make_rate_plan(session, tenant.client.id, "TX", code="TX-12", term_months=12)
        await session.commit()
        first, second = account(ratePlan="TX-12", meterNumber="M-77"), account("CENTERPOINT", market="TX")
        # when a team lead enrolls a customer with both
        done = await enroll(api, tenant.lead, accounts=[first, second], clientMutationId="e-1")
        # then the customer exists with a number of its own and both accounts are PENDING from the requested day
        assert done["userErrors"] == []
        assert done["clientMutationId"] == "e-1"
        assert done["replayed"] is False
        customer = done["customer"]
        assert (customer["name"], customer["kind"], customer["email"], customer["phone"]) == \
            ("Ada Enrollee", "RESIDENTIAL", "ada@mail.example", "+12155550134")
        assert [(a["ldcAccountNumber"], a["status"], a["startDate"], a["utility"]["code"], a["market"]["code"])
                for a in done["utilityAccounts"]] == [
            (first["ldcAccountNumber"], "PENDING", first["requestedStartDate"], "ONCOR", "TX"),
            (second["ldcAccountNumber"], "PENDING", second["requestedStartDate"], "CENTERPOINT", "TX")]
        assert done["utilityAccounts"][0]["ratePlan"] == {"code": "TX-12"}
        assert done["utilityAccounts"][0]["contractTermMonths"] == 12
        assert done["utilityAccounts"][0]["premise"]["meterNumber"] == "M-77"
        # and each has its outbound 814 enrollment request, queued, carrying the premise
        for request, given in zip(done["marketTransactions"], (first, second), strict=False):
            assert (request["type"], request["transactionSet"], request["direction"], request["status"]) == \
                ("ENROLLMENT", "814", "OUTBOUND", "QUEUED")
            assert request["effectiveDate"] == given["requestedStartDate"]
            assert {"name": "ldcAccountNumber", "value": given["ldcAccountNumber"]} in request["details"]
        # and the status history, the enrollment row and the audit trail say so
        shown = await history(api, tenant.agent, first["ldcAccountNumber"])
        changes = [e["node"] for e in shown["statusChanges"]["edges"]]
        assert [(c["fromStatus"], c["toStatus"], c["changedBy"]) for c in changes] == \
            [("INACTIVE", "PENDING", {"email": tenant.lead.email})]
        assert shown["enrollments"] == [
            {"status": "PENDING", "startDate": first["requestedStartDate"], "endDate": None}
        ]
        actions = {e["node"]["action"] for e in shown["auditTrail"]["edges"]}
        assert {"utility_account.enroll", "market_transaction.create"} <= actions

    async def test_an_enrolled_customer_is_found_by_name_ldc_number_and_address(self, api, tenant):
        done = await enroll(api, tenant.admin, name="Zebulon Quixote")
        number, ldc = done["customer"]["number"], done["utilityAccounts"][0]["ldcAccountNumber"]
        for search in ({"name": "quix zeb"}, {"ldcAccountNumber": ldc}, {"address": "evergreen ter"}, {"text": number}):
            found = await api.run(SEARCH, {"search": search}, user=tenant.agent)
            assert [e["node"]["number"] for e in found["customers"]["edges"]] == [number], search

    @pytest.mark.parametrize("role", list(Role))
    async def test_team_leads_and_admins_enroll_agents_may_not(self, api, database, tenant, role):
        done = await enroll(api, tenant.user(role))
        if role is Role.AGENT:
            assert codes(done) == [("FORBIDDEN", None)]
            assert done["customer"] is None
            assert await nothing_written(database, tenant)
        else:
            assert done["userErrors"] == []
            assert done["utilityAccounts"][0]["status"] == "PENDING"

    @pytest.mark.parametrize(("utility", "number", "problem"),
                             [(u, n, p) for u in sorted(RULES) for n, p in invalid_numbers(RULES[u])])
    async def test_a_number_breaking_its_utilitys_rule_is_refused_and_nothing_written(
            self, api, database, tenant, utility, number, problem):
        # given an account whose number breaks the utility's rule one way
        bad = account(utility, ldcAccountNumber=number)
        # when it is enrolled second, after a good one
        done = await enroll(api, tenant.lead, accounts=[account(), bad])
        # then the second account's number is refused, and not even the first account was written
        assert codes(done) == [("INVALID_LDC_NUMBER", ["input", "accounts", "1", "ldcAccountNumber"])], problem
        assert done["userErrors"][0]["message"].startswith(f"{utility}: ")
        assert await nothing_written(database, tenant)

    async def test_texas_esi_ids_of_22_digits_and_grouped_digits_are_taken(self, api, tenant):
        grouped = "1044 3720 0000 0000 0000 01"
        done = await enroll(api, tenant.lead, accounts=[account(ldcAccountNumber=grouped)])
        assert done["userErrors"] == []
        assert done["utilityAccounts"][0]["ldcAccountNumber"] == grouped.replace(" ", "")

    async def test_a_number_the_client_already_has_names_its_customer(self, api, database, session, tenant):
        # given one customer with an ACTIVE account and another with a DROPPED one
        holder = await make_customer(session, tenant, "Holly Holder")
        active = await make_account(session, holder, ldc=number_for(), status=S.ACTIVE)
        dropped = await make_account(session, holder, ldc=number_for(), status=S.DROPPED)
        await session.commit()
        for held, says in ((active, "already enrolled (ACTIVE)"), (dropped, "on file")):
            # when a new customer is enrolled with that number
            done = await enroll(api, tenant.lead, accounts=[account(ldcAccountNumber=held.ldc_account_number)])
            # then it is refused, naming the customer that holds it
            assert codes(done) == [("LDC_NUMBER_IN_USE", ["input", "accounts", "0", "ldcAccountNumber"])]
            assert f"customer {holder.number} (Holly Holder)" in done["userErrors"][0]["message"]
            assert says in done["userErrors"][0]["message"]
        assert await rows_of(database, Customer, tenant) == 1

    async def test_the_same_number_twice_in_one_request_is_refused(self, api, database, tenant):
        twice = account()
        done = await enroll(
            api, tenant.lead, accounts=[twice, account("CENTERPOINT", ldcAccountNumber=twice["ldcAccountNumber"])]
        )
        assert codes(done) == [("DUPLICATE_LDC_NUMBER", ["input", "accounts", "1", "ldcAccountNumber"])]
        assert await nothing_written(database, tenant)

    async def test_a_number_held_in_another_client_is_not_revealed(self, api, session, tenant, other_tenant):
        # given another client's ACTIVE account
        theirs = await make_customer(session, other_tenant, "Secret Holder")
        held = await make_account(session, theirs, ldc=number_for(), status=S.ACTIVE)
        await session.commit()
        # when this client enrolls the same number
        done = await enroll(api, tenant.lead, accounts=[account(ldcAccountNumber=held.ldc_account_number)])
        # then it goes in: nothing says the number exists elsewhere
        assert done["userErrors"] == []
        assert done["utilityAccounts"][0]["status"] == "PENDING"
        assert "Secret" not in str(done)
        assert theirs.number not in str(done)

    @pytest.mark.parametrize(("change", "code", "field"), [
        ({"utility": "NOPE"}, "UNKNOWN_UTILITY", "utility"),
        ({"market": "PA"}, "UTILITY_NOT_IN_MARKET", "market"),
        ({"ratePlan": "PA-PLAN"}, "RATE_PLAN_NOT_IN_MARKET", "ratePlan"),
        ({"ratePlan": "NO-SUCH"}, "NOT_FOUND", "ratePlan"),
        ({"requestedStartDate": "2020-01-01"}, "START_DATE_IN_PAST", "requestedStartDate"),
        ({"requestedStartDate": "0001-01-01"}, "START_DATE_IN_PAST", "requestedStartDate"),
        # its contract and 814 would reach past the calendar: a start is within ten years, as an effective date is
        ({"requestedStartDate": "9999-12-31"}, "EFFECTIVE_DATE_OUT_OF_RANGE", "requestedStartDate"),
        # days from today, made when the test runs (a date made at collection goes stale past midnight)
        ({"requestedStartDate": timedelta(days=3_654)}, "EFFECTIVE_DATE_OUT_OF_RANGE", "requestedStartDate"),
        ({"serviceAddress": {"line1": "1 A St", "city": "Dallas", "state": "ZZ", "zip": "75001"}}, "INVALID_STATE_CODE",
         "state"),
        ({"serviceAddress": {"line1": " ", "city": "Dallas", "state": "TX", "zip": "75001"}}, "BLANK_SERVICE_ADDRESS",
         "line1"),
    ])
    async def test_bad_account_details_are_user_errors_and_write_nothing(self, api, database, session, tenant,
                                                                         change, code, field):
        await make_rate_plan(session, tenant.client.id, "PA", code="PA-PLAN")
        await session.commit()
        change = {key: (today() + value).isoformat() if isinstance(value, timedelta) else value
                  for key, value in change.items()}
        done = await enroll(api, tenant.lead, accounts=[{**account(), **change}])
        assert [e["code"] for e in done["userErrors"]] == [code]
        assert done["userErrors"][0]["field"][:3] == ["input", "accounts", "0"]
        assert done["userErrors"][0]["field"][-1] == field
        assert await nothing_written(database, tenant)

    @pytest.mark.parametrize(("change", "code"), [({"name": "  "}, "BLANK_NAME"), ({"email": "nope"}, "INVALID_EMAIL"),
                                                  ({"phone": "12"}, "INVALID_PHONE"), ({"accounts": []}, "INVALID")])
    async def test_bad_customer_details_are_user_errors(self, api, database, tenant, change, code):
        variables = {"input": {**customer_input(), **change}}
        done = (await api.run(ENROLL, variables, user=tenant.lead))["enrollCustomer"]
        assert [e["code"] for e in done["userErrors"]] == [code]
        assert await nothing_written(database, tenant)


class TestIdempotency:
    async def test_a_retry_with_the_key_replays_the_first_enrollment(self, api, database, tenant):
        input = customer_input(idempotencyKey="enroll-1")
        first = (await api.run(ENROLL, {"input": input}, user=tenant.lead))["enrollCustomer"]
        again = (await api.run(ENROLL, {"input": input}, user=tenant.lead))["enrollCustomer"]
        assert again["replayed"] is True
        assert again["userErrors"] == []
        assert again["customer"] == first["customer"]
        assert again["utilityAccounts"] == first["utilityAccounts"]
        assert again["marketTransactions"] == first["marketTransactions"]
        assert await rows_of(database, Customer, tenant) == 1
        assert await rows_of(database, MarketTransaction, tenant) == 1

    async def test_the_key_with_other_input_is_refused(self, api, database, tenant):
        await enroll(api, tenant.lead, idempotencyKey="enroll-2")
        other = await enroll(api, tenant.lead, name="Someone Else", idempotencyKey="enroll-2")
        assert codes(other) == [("ENROLLMENT_IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])]
        assert await rows_of(database, Customer, tenant) == 1


class TestWelcomeKit:
    async def test_the_welcome_kit_goes_out_through_the_letters_pipeline(self, api, database, session, tenant):
        await add_templates(session, tenant.client.id)
        await session.commit()
        done = await enroll(api, tenant.lead, welcomeKit="EMAIL")
        assert done["userErrors"] == []
        assert done["welcomeKit"]["kind"] == "WELCOME_KIT"
        assert await rows_of(database, Document, tenant) == 1

    async def test_a_welcome_kit_that_cannot_go_out_fails_the_enrollment(self, api, database, session, tenant):
        await add_templates(session, tenant.client.id)
        await session.commit()
        done = await enroll(api, tenant.lead, welcomeKit="EMAIL", email=None)
        assert codes(done) == [("NO_EMAIL_ADDRESS", ["input", "welcomeKit"])]
        assert await nothing_written(database, tenant)


class TestEnrollUtilityAccount:
    @pytest.mark.parametrize("role", list(Role))
    async def test_one_more_account_for_an_existing_customer(self, api, database, session, tenant, role):
        customer = await make_customer(session, tenant, "Existing Ed")
        await session.commit()
        given = account("PECO")
        variables = {"input": {"customerId": to_global_id("Customer", customer.id), "account": given}}
        done = (await api.run(ENROLL_ONE, variables, user=tenant.user(role)))["enrollUtilityAccount"]
        if role is Role.AGENT:
            assert codes(done) == [("FORBIDDEN", None)]
            assert await rows_of(database, UtilityAccount, tenant) == 0
            return
        assert done["userErrors"] == []
        assert done["customer"] == {"number": customer.number}
        assert done["utilityAccount"] == {"ldcAccountNumber": given["ldcAccountNumber"], "status": "PENDING"}
        assert done["marketTransaction"] == {"type": "ENROLLMENT", "status": "QUEUED"}
        async with database.sessionmaker() as s:
            events = (
                await s.execute(select(AuditEvent.action).where(AuditEvent.client_id == tenant.client.id))
            ).scalars()
            assert "utility_account.enroll" in set(events)

    async def test_another_clients_customer_is_not_found(self, api, database, session, tenant, other_tenant):
        theirs = await make_customer(session, other_tenant, "Not Yours")
        await session.commit()
        variables = {"input": {"customerId": to_global_id("Customer", theirs.id), "account": account()}}
        done = (await api.run(ENROLL_ONE, variables, user=tenant.lead))["enrollUtilityAccount"]
        assert codes(done) == [("NOT_FOUND", ["input", "customerId"])]
        assert await rows_of(database, UtilityAccount, other_tenant) == 0
