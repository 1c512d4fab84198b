"""bulkPlaceDunningHold (seed 000): one hold on many accounts from a CSV upload or a typed list, over HTTP."""

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from db.enums import EnrollmentStatus as S
from db.models import Customer
from resolvers.customers.settings import dunning_holds
from resolvers.customers.settings.commands import today
from tests.api.customers.settings_helpers import changes, entries, state_of, untouched
from tests.conftest import token_for
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.factories.settings import make_plain_customers, set_hold

BULK = """
mutation Bulk($input: BulkPlaceDunningHoldInput!) {
  bulkPlaceDunningHold(input: $input) {
    clientMutationId userErrors { field code message }
    dryRun dunningHold { until reason active }
    counts { total placed skippedStatus notFound duplicate invalid }
    results { line accountNumber outcome status detail customer { number settings { dunningExcluded } } }
  }
}
"""
PREFLIGHT = {"apollo-require-preflight": "true"}


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


@dataclass
class Book:
    """A client's customers in each status the tests need."""

    active: Customer
    inactive: Customer
    drop_accepted: Customer
    no_account: Customer
    mixed: Customer  # ACTIVE and INACTIVE accounts: its primary account is the ACTIVE one
    foreign: Customer  # another client's
    ldc: dict[str, str]  # LDC numbers by name

    def numbers(self, *names: str) -> list[str]:
        return [getattr(self, n).number for n in names]


@pytest.fixture
async def book(session, tenant, other_tenant) -> Book:
    customers, ldc = {}, {}
    for name, status in (("active", S.ACTIVE), ("inactive", S.INACTIVE), ("drop_accepted", S.DROP_ACCEPTED)):
        customers[name] = await make_customer(session, tenant, f"Hold {name}")
        ldc[name] = (await make_account(session, customers[name], status=status,
                                        ldc=f"LDC-{name}-{tenant.client.id}")).ldc_account_number
    customers["no_account"] = await make_customer(session, tenant, "Hold Nobody")
    mixed = await make_customer(session, tenant, "Hold Mixed")
    mixed_accounts = (("mixed_active", S.ACTIVE, date(2024, 1, 1)), ("mixed_inactive", S.INACTIVE, date(2025, 6, 1)))
    for name, status, start in mixed_accounts:
        ldc[name] = (await make_account(session, mixed, status=status, start=start)).ldc_account_number
    foreign = await make_customer(session, other_tenant, "Hold Foreign")
    ldc["foreign"] = (await make_account(session, foreign, ldc=f"LDC-f-{other_tenant.client.id}")).ldc_account_number
    await session.commit()
    return Book(**customers, mixed=mixed, foreign=foreign, ldc=ldc)


async def bulk(api, user, until: str | None = None, reason: str = "Storm relief", **input) -> dict:
    """bulkPlaceDunningHold with a typed list (or none), as JSON."""
    variables = {"input": {"until": until or day(30), "reason": reason, **input}}
    return (await api.run(BULK, variables, user=user))["bulkPlaceDunningHold"]


async def upload(api, user, data: bytes, until: str | None = None, reason: str = "Storm relief", **input) -> dict:
    """bulkPlaceDunningHold with a CSV file, as a GraphQL multipart request."""
    variables = {"input": {"until": until or day(30), "reason": reason, **input, "file": None}}
    response = await api.client.post(
        "/graphql",
        data={"operations": json.dumps({"query": BULK, "variables": variables}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("accounts.csv", data, "text/csv")},
        headers={"authorization": f"Bearer {token_for(user)}", **PREFLIGHT},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]["bulkPlaceDunningHold"]


def outcomes(payload: dict) -> list[tuple]:
    return [(r["line"], r["accountNumber"], r["outcome"]) for r in payload["results"]]


async def held(api, user, customer: Customer) -> dict | None:
    return (await state_of(api, user, customer))["settings"]["dunningHold"]


class TestTypedList:
    async def test_every_listed_customer_is_held_audited_and_logged(self, api, tenant, book):
        # given
        a, i = book.numbers("active", "inactive")
        # when a team lead holds two customers
        payload = await bulk(api, tenant.lead, accounts=f"{a}, {i}", reason="  Storm relief ", clientMutationId="b-1")
        # then both are held through the day, each audited and noted
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "b-1"
        assert payload["dryRun"] is False
        assert payload["dunningHold"] == {"until": day(30), "reason": "Storm relief", "active": True}
        assert payload["counts"] == {"total": 2, "placed": 2, "skippedStatus": 0, "notFound": 0, "duplicate": 0,
                                     "invalid": 0}
        assert outcomes(payload) == [(1, a, "PLACED"), (2, i, "PLACED")]
        assert [r["status"] for r in payload["results"]] == ["ACTIVE", "INACTIVE"]
        assert payload["results"][0]["customer"] == {"number": a, "settings": {"dunningExcluded": True}}
        for customer in (book.active, book.inactive):
            state = await state_of(api, tenant.lead, customer)
            assert state["settings"]["dunningHold"] == {"until": day(30), "reason": "Storm relief", "active": True}
            assert state["auditTrail"]["edges"][0]["node"]["action"] == "customer.bulk_place_dunning_hold"
            assert state["auditTrail"]["edges"][0]["node"]["actor"] == {"email": tenant.lead.email}
            assert changes(state) == {"dunning_hold_until": (None, day(30)),
                                      "dunning_hold_reason": (None, "Storm relief")}
            assert entries(state) == [{
                "kind": "SYSTEM", "category": "Account", "subject": f"Dunning hold until {day(30)}",
                "body": f"Dunning hold until {day(30)}: Storm relief", "createdBy": {"email": tenant.lead.email}}]

    async def test_unknown_duplicate_foreign_and_invalid_numbers(self, api, tenant, other_tenant, book):
        # given a list with a repeat, an unknown number, another client's number and garbage
        a = book.active.number
        payload = await bulk(api, tenant.lead, accounts=f"{a} 999999999 {a} {book.foreign.number} 12#4")
        # then each entry has its outcome; the other client's customer is simply not found and not held
        assert outcomes(payload) == [(1, a, "PLACED"), (2, "999999999", "NOT_FOUND"), (3, a, "DUPLICATE"),
                                     (4, book.foreign.number, "NOT_FOUND"), (5, "12#4", "INVALID")]
        details = [r["detail"] for r in payload["results"]]
        assert details[1] == details[3] == "No customer with this number."
        assert details[2] == "Already listed at line 1."
        assert "'#'" in details[4]
        assert payload["results"][3]["customer"] is None
        assert payload["counts"] == {"total": 5, "placed": 1, "skippedStatus": 0, "notFound": 2, "duplicate": 1,
                                     "invalid": 1}
        assert len(entries(await state_of(api, tenant.lead, book.active))) == 1
        assert await held(api, other_tenant.lead, book.foreign) is None

    async def test_a_hold_in_force_is_replaced_and_the_same_hold_is_left_alone(self, api, session, tenant, book):
        # given one customer on another hold and one already on exactly this hold
        await set_hold(session, book.active, today() + timedelta(days=5), "Disputed bill")
        await set_hold(session, book.inactive, today() + timedelta(days=30), "Storm relief")
        await session.commit()
        # when
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers("active", "inactive")))
        # then both count as placed; only the replaced one is audited (from-to) and noted
        assert [r["outcome"] for r in payload["results"]] == ["PLACED", "PLACED"]
        assert [r["detail"] for r in payload["results"]] == [
            f"Replaces the hold until {day(5)}: Disputed bill", "Already on this hold; nothing changed."]
        replaced = await state_of(api, tenant.lead, book.active)
        assert changes(replaced) == {"dunning_hold_until": (day(5), day(30)),
                                     "dunning_hold_reason": ("Disputed bill", "Storm relief")}
        assert entries(replaced)[0]["body"].endswith(f"Replaces the hold until {day(5)}: Disputed bill")
        assert untouched(await state_of(api, tenant.lead, book.inactive))

    async def test_results_can_be_filtered_by_outcome(self, api, tenant, book):
        query = BULK.replace("results {", "results(outcome: NOT_FOUND) {")
        variables = {"input": {"until": day(3), "reason": "Storm", "accounts": f"{book.active.number} 1 2"}}
        payload = (await api.run(query, variables, user=tenant.lead))["bulkPlaceDunningHold"]
        assert [r["accountNumber"] for r in payload["results"]] == ["1", "2"]
        assert payload["counts"]["placed"] == 1


class TestUpload:
    async def test_csv_with_header_holds_every_listed_customer(self, api, tenant, book):
        a, d = book.numbers("active", "drop_accepted")
        payload = await upload(api, tenant.lead, f"Customer Name,Customer Number\nActive,{a}\nDropped,{d}\n".encode())
        assert outcomes(payload) == [(2, a, "PLACED"), (3, d, "PLACED")]
        assert (await held(api, tenant.lead, book.drop_accepted))["until"] == day(30)

    async def test_malformed_csv_names_the_line_and_nothing_is_written(self, api, tenant, book):
        # given a CSV whose third line opens a quote it never closes
        data = f"{book.active.number}\n{book.inactive.number}\n\"{book.drop_accepted.number}\n".encode()
        # when uploaded
        payload = await upload(api, tenant.lead, data)
        # then a userError names the line, and nobody is held
        [error] = payload["userErrors"]
        assert error["code"] == "MALFORMED_ACCOUNT_LIST"
        assert error["field"] == ["input", "file"]
        assert error["message"].startswith("Line 3:")
        assert payload["results"] == []
        assert payload["counts"] is None
        for customer in (book.active, book.inactive):
            state = await state_of(api, tenant.lead, customer)
            assert state["settings"]["dunningHold"] is None
            assert untouched(state)

    async def test_file_and_typed_list_together_is_a_user_error(self, api, tenant, book):
        payload = await upload(api, tenant.lead, book.active.number.encode(), accounts=book.inactive.number)
        assert [e["code"] for e in payload["userErrors"]] == ["BOTH_FILE_AND_LIST"]
        assert await held(api, tenant.lead, book.active) is None

    async def test_a_file_given_as_a_json_string_is_a_user_error(self, api, tenant, book):
        payload = await bulk(api, tenant.lead, file=book.active.number)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", ["input", "file"])]


class TestListLimits:
    async def test_no_accounts_is_a_user_error(self, api, tenant):
        for given in ({}, {"accounts": " ,\n "}):
            payload = await bulk(api, tenant.lead, **given)
            assert [e["code"] for e in payload["userErrors"]] == ["NO_ACCOUNTS"], given

    async def test_too_many_accounts_is_a_user_error(self, api, tenant, book, monkeypatch):
        monkeypatch.setattr(dunning_holds, "MAX_ACCOUNTS", 2)
        a, i, d = book.numbers("active", "inactive", "drop_accepted")
        typed = await bulk(api, tenant.lead, accounts=f"{a} {i} {d}")
        uploaded = await upload(api, tenant.lead, f"Account\n{a}\n{i}\n{d}\n".encode())
        for payload in (typed, uploaded):
            assert [e["code"] for e in payload["userErrors"]] == ["TOO_MANY_ACCOUNTS"]
        assert await held(api, tenant.lead, book.active) is None
        assert (await bulk(api, tenant.lead, accounts=f"{a} {i}"))["userErrors"] == []

    @pytest.mark.parametrize("until, reason, code", [
        (-1, "Storm relief", "DUNNING_HOLD_IN_PAST"), (400, "Storm relief", "DUNNING_HOLD_TOO_LONG"),
        (30, "  ", "DUNNING_REASON_REQUIRED"),
    ])
    async def test_an_invalid_hold_is_refused_and_nothing_is_written(self, api, tenant, book, until, reason, code):
        payload = await bulk(api, tenant.lead, day(until), reason, accounts=book.active.number)
        assert [e["code"] for e in payload["userErrors"]] == [code]
        assert untouched(await state_of(api, tenant.lead, book.active))


class TestStatusFilter:
    async def test_only_active_skips_the_others(self, api, tenant, book):
        # given every kind of customer, and a filter on ACTIVE
        names = ("active", "inactive", "drop_accepted", "no_account", "mixed")
        # when
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers(*names)), onlyStatuses=["ACTIVE"])
        # then only ACTIVE customers (by primary account) are held
        got = {r["accountNumber"]: (r["outcome"], r["status"]) for r in payload["results"]}
        assert got == {
            book.active.number: ("PLACED", "ACTIVE"), book.inactive.number: ("SKIPPED_STATUS", "INACTIVE"),
            book.drop_accepted.number: ("SKIPPED_STATUS", "DROP_ACCEPTED"),
            book.no_account.number: ("SKIPPED_STATUS", None), book.mixed.number: ("PLACED", "ACTIVE"),
        }
        assert payload["results"][3]["detail"] == "The customer has no utility account, so no status."
        assert payload["counts"]["placed"] == 2
        assert payload["counts"]["skippedStatus"] == 3
        assert await held(api, tenant.lead, book.inactive) is None
        assert await held(api, tenant.lead, book.mixed) is not None

    async def test_without_a_filter_every_found_customer_is_held(self, api, tenant, book):
        names = ("inactive", "drop_accepted", "no_account")
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers(*names)))
        assert payload["counts"]["placed"] == 3


class TestLdcNumbers:
    async def test_each_accounts_own_status_counts_and_a_customer_is_held_once(self, api, tenant, book):
        # given both accounts of one customer, an unknown LDC number and another client's
        listed = [book.ldc["mixed_inactive"], book.ldc["mixed_active"], book.ldc["active"], "LDC-nope",
                  book.ldc["foreign"]]
        # when listed by LDC number
        payload = await upload(api, tenant.lead, ("LDC Account\n" + "\n".join(listed)).encode(),
                               numberType="LDC_ACCOUNT_NUMBER", onlyStatuses=["ACTIVE", "INACTIVE"])
        # then the second account of the same customer is a duplicate: the customer is held once
        assert [(r["outcome"], r["status"]) for r in payload["results"]] == [
            ("PLACED", "INACTIVE"), ("DUPLICATE", "ACTIVE"), ("PLACED", "ACTIVE"), ("NOT_FOUND", None),
            ("NOT_FOUND", None)]
        assert payload["results"][1]["detail"] == "Same customer as line 2; held once."
        assert payload["results"][3]["detail"] == "No utility account with this LDC number."
        assert payload["results"][0]["customer"]["number"] == book.mixed.number
        assert len(entries(await state_of(api, tenant.lead, book.mixed))) == 1

    async def test_a_skipped_account_does_not_stop_the_customers_next_account(self, api, tenant, book):
        listed = f"{book.ldc['mixed_inactive']} {book.ldc['mixed_active']}"
        payload = await bulk(api, tenant.lead, accounts=listed, numberType="LDC_ACCOUNT_NUMBER",
                             onlyStatuses=["ACTIVE"])
        assert [r["outcome"] for r in payload["results"]] == ["SKIPPED_STATUS", "PLACED"]


class TestDryRun:
    async def test_a_dry_run_computes_the_results_and_writes_nothing(self, api, session, tenant, book):
        await set_hold(session, book.inactive, today() + timedelta(days=5), "Disputed bill")
        await session.commit()
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers("active", "inactive")) + " 42",
                             dryRun=True)
        assert payload["dryRun"] is True
        assert payload["dunningHold"]["active"] is False
        assert outcomes(payload)[0][2] == "PLACED"
        assert payload["counts"]["placed"] == 2
        assert payload["results"][1]["detail"] == f"Replaces the hold until {day(5)}: Disputed bill"
        assert payload["results"][0]["customer"]["settings"] == {"dunningExcluded": False}
        active = await state_of(api, tenant.lead, book.active)
        assert active["settings"]["dunningHold"] is None
        assert untouched(active)
        assert (await held(api, tenant.lead, book.inactive))["until"] == day(5)


class TestRoles:
    async def test_an_agent_is_forbidden_and_nothing_is_written(self, api, tenant, book):
        payload = await bulk(api, tenant.agent, accounts=book.active.number)
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
        assert payload["results"] == []
        assert untouched(await state_of(api, tenant.lead, book.active))

    async def test_an_admin_may(self, api, tenant, book):
        payload = await bulk(api, tenant.admin, accounts=book.active.number)
        assert payload["userErrors"] == []
        assert payload["counts"]["placed"] == 1


class TestSqlCount:
    async def test_statement_count_does_not_grow_with_the_accounts(self, api, database, session, tenant, other_tenant,
                                                                  count_sql):
        # given one client with 10 customers and another with 1,000
        numbers = {}
        for t, n in ((tenant, 10), (other_tenant, 1_000)):
            numbers[t.client.id] = await make_plain_customers(session, t, n, f"H{t.client.id}")
        await session.commit()

        async def statements(t) -> int:
            listed = "\n".join(numbers[t.client.id] + ["missing-1", "bad#", numbers[t.client.id][0]]).encode()
            with count_sql() as counter:
                payload = await upload(api, t.lead, listed)
            assert payload["userErrors"] == []
            assert payload["counts"]["placed"] == len(numbers[t.client.id])
            return counter.count

        # when each holds its whole list
        ten, thousand = await statements(tenant), await statements(other_tenant)
        # then the same number of statements ran
        assert ten == thousand, (ten, thousand)
        assert ten <= (10 if database.backend == "postgresql" else 8), (
            ten
        )  # PostgreSQL: the event log's lock and NOTIFY
