"""importCustomers over HTTP: refusals row by row while the rest goes in, re-imports that change nothing,
updates audited from-to, roles, keys, dry runs, bad files, the results download and search."""

import pytest
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEvent, Customer, CustomerNameToken, EnrollmentStatusChange, UtilityAccount
from db.search_keys import name_token_columns
from resolvers.customers.imports import commands as imports
from tests.api.customers.import_helpers import (
    book,
    counts,
    file_of,
    number_for,
    results,
    rows_of,
    upload,
)
from tests.conftest import token_for
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer

SEARCH = """
query($search: CustomerSearch!) { customers(search: $search, first: 10) { edges { node { number name } } } }
"""
# a page of one, so the count is the search's, not the page's rows
COUNTED = """
query($search: CustomerSearch!) { customers(search: $search, first: 1) { totalCount } }
"""
ACCOUNT = """
query($ldc: String!) { utilityAccount(ldcAccountNumber: $ldc) {
  status startDate endDate ratePlan { code } premise { serviceAddress { line1 city } meterNumber }
  enrollments { status startDate endDate }
  customer { number name email phone language billingAddress { line1 city state zip } }
} }
"""


def changed(rows: list[dict], line: int, **values) -> list[dict]:
    """The rows with the one at file line `line` (header is line 1) changed."""
    return [{**row, **values} if i + 2 == line else row for i, row in enumerate(rows)]


# Each refusal: what breaks the row at line 3 (or, for the cross-row ones, lines 3 and 4), and its reason.
REFUSALS = [
    ({"utility": "NOPE"}, "UNKNOWN_UTILITY"),
    ({"utility": ""}, "UNKNOWN_UTILITY"),
    ({"ldc_account_number": "12345"}, "BAD_LDC_NUMBER"),
    ({"ldc_account_number": ""}, "BAD_LDC_NUMBER"),
    ({"name": "  "}, "MISSING_NAME"),
    ({"name": "123 !!!"}, "INVALID_VALUE"),
    ({"customer_number": ""}, "MISSING_CUSTOMER_NUMBER"),
    ({"start_date": "2025-06-01", "end_date": "2025-05-31"}, "DATE_ORDER"),
    ({"start_date": "06/01/2025"}, "INVALID_VALUE"),
    ({"status": "SLEEPING"}, "INVALID_VALUE"),
    ({"kind": "ALIEN"}, "INVALID_VALUE"),
    ({"email": "not-an-email"}, "INVALID_VALUE"),
    ({"phone": "12"}, "INVALID_VALUE"),
    ({"service_state": "ZZ"}, "INVALID_VALUE"),
    ({"service_zip": "1234"}, "INVALID_VALUE"),
    ({"service_city": ""}, "INVALID_VALUE"),
    ({"contract_term_months": "0"}, "INVALID_VALUE"),
    ({"meter_number": "M" * 41}, "INVALID_VALUE"),
    ({"rate_plan": "NO-SUCH"}, "UNKNOWN_RATE_PLAN"),
]


class TestRefusals:
    @pytest.mark.parametrize(("change", "reason"), REFUSALS)
    async def test_a_bad_row_is_refused_with_its_reason_and_the_rest_goes_in(
        self, api, database, tenant, change, reason
    ):
        # given a file of six rows whose line 3 is a customer's only account, broken one way
        rows = rows_of(book(6))
        assert rows[0]["customer_number"] != rows[1]["customer_number"] != rows[2]["customer_number"]
        data = file_of(changed(rows, 3, **change))
        # when an admin imports it
        done = await upload(api, tenant.admin, data)
        # then that row alone is refused, with its reason, and nothing of it is written
        assert done["userErrors"] == []
        assert done["job"]["status"] == "DONE"
        assert (done["job"]["total"], done["job"]["refused"], done["job"]["created"]) == (6, 1, 5)
        shown = await results(api, tenant.admin, done)
        assert [(r["line"], r["outcome"], r["reason"]) for r in shown if r["outcome"] == "REFUSED"] == [
            ("3", "REFUSED", reason)
        ]
        assert shown[1]["detail"]
        assert (await counts(database, tenant))["utility_accounts"] == 5
        assert (await counts(database, tenant))["customers"] == len({r["customer_number"] for r in rows}) - 1

    async def test_rows_of_one_customer_that_disagree_are_all_refused(self, api, database, tenant):
        # given a customer of two rows (lines 8 and 9) that give two different emails
        rows = rows_of(book(10))
        assert rows[6]["customer_number"] == rows[7]["customer_number"]
        data = file_of(changed(rows, 9, email="other@mail.example"))
        done = await upload(api, tenant.admin, data)
        shown = await results(api, tenant.admin, done)
        refused = [(r["line"], r["reason"]) for r in shown if r["outcome"] == "REFUSED"]
        assert refused == [("8", "CONFLICTING_CUSTOMER_DATA"), ("9", "CONFLICTING_CUSTOMER_DATA")]
        assert rows[6]["customer_number"] in shown[6]["detail"]
        assert (await counts(database, tenant))["utility_accounts"] == 8

    async def test_an_ldc_number_twice_in_the_file_goes_in_once(self, api, database, tenant):
        rows = rows_of(book(6))
        data = file_of(changed(rows, 5, ldc_account_number=rows[0]["ldc_account_number"], utility=rows[0]["utility"]))
        done = await upload(api, tenant.admin, data)
        shown = await results(api, tenant.admin, done)
        assert [(r["line"], r["reason"], r["detail"]) for r in shown if r["outcome"] == "REFUSED"] == \
            [("5", "DUPLICATE_LDC_NUMBER", "The same LDC number is on line 2.")]

    async def test_an_ldc_number_another_customer_holds_is_refused_naming_it(self, api, session, database, tenant):
        holder = await make_customer(session, tenant, "Hal Holder")
        rows = rows_of(book(3))
        await make_account(session, holder, utility=rows[1]["utility"], ldc=rows[1]["ldc_account_number"])
        await session.commit()
        done = await upload(api, tenant.admin, file_of(rows))
        shown = await results(api, tenant.admin, done)
        assert [(r["line"], r["reason"]) for r in shown if r["outcome"] == "REFUSED"] == [("3", "LDC_NUMBER_HELD")]
        assert f"Customer {holder.number} (Hal Holder) holds" in shown[1]["detail"]

    @pytest.mark.parametrize("batch", [1, None], ids=["a customer a batch", "one batch"])
    async def test_checks_across_rows_refuse_the_same_in_batches_as_in_one(self, api, database, tenant, monkeypatch,
                                                                           batch):
        """On SQLite each check sweeps the file a batch of customers at a time, all of one check before the next."""
        if batch is not None:
            monkeypatch.setattr(imports, "FIRST_UNIT", batch)
            monkeypatch.setattr(imports, "BATCH_ROWS", batch)
        # given lines 3 and 4 one customer that disagrees with itself, line 3 holding an LDC number that line 8
        # (a customer numbered to come first) has too, and lines 5 and 7 another number twice
        rows = rows_of(book(10))
        rows[2] = {**rows[2], **{k: rows[1][k] for k in ("customer_number", "name", "kind")}, "email": "b@mail.example"}
        rows[6] = {**rows[6], "customer_number": "AAA-1", **{k: rows[1][k] for k in ("ldc_account_number", "utility")}}
        rows[5] = {**rows[5], **{k: rows[3][k] for k in ("ldc_account_number", "utility")}}
        done = await upload(api, tenant.admin, file_of(rows))
        # then the customer that disagrees is refused, which leaves line 8 the only holder of its number, and the
        # later of lines 5 and 7 is refused
        shown = await results(api, tenant.admin, done)
        assert [(r["line"], r["reason"]) for r in shown if r["outcome"] == "REFUSED"] == [
            ("3", "CONFLICTING_CUSTOMER_DATA"), ("4", "CONFLICTING_CUSTOMER_DATA"), ("7", "DUPLICATE_LDC_NUMBER")]
        assert (done["job"]["created"], done["job"]["refused"]) == (7, 3)

    async def test_another_clients_numbers_and_customers_are_none_of_its_business(
        self, api, database, tenant, other_tenant
    ):
        # given another client that loaded the same book
        data = book(6)
        await upload(api, other_tenant.admin, data)
        # when this client loads it too, it all goes in, as new
        done = await upload(api, tenant.admin, data)
        assert (done["job"]["created"], done["job"]["refused"], done["job"]["customersCreated"]) == (6, 0, 6)
        assert "holds" not in str(await results(api, tenant.admin, done))


class TestReimport:
    async def test_loading_the_same_file_again_changes_nothing(self, api, database, tenant):
        # given a book loaded once
        data = book(40)
        first = await upload(api, tenant.admin, data)
        customers = len({r["customer_number"] for r in rows_of(data)})
        assert first["job"]["created"] == 40
        assert first["job"]["customersCreated"] == customers < 40
        before = await counts(database, tenant)
        # when it is loaded again (a new job: no key)
        again = await upload(api, tenant.admin, data)
        # then every row is unchanged and nothing but the job and its audit event was written
        assert (again["job"]["unchanged"], again["job"]["created"], again["job"]["updated"]) == (40, 0, 0)
        after = await counts(database, tenant)
        assert after == {**before, "audit_events": before["audit_events"] + 1,
                         "customer_import_jobs": before["customer_import_jobs"] + 1}

    async def test_a_changed_row_updates_its_customer_and_account_audited_from_to(self, api, session, database, tenant):
        # given a book loaded once, and a rate plan
        await make_rate_plan(session, tenant.client.id, "TX", code="TX-24", term_months=24)
        await session.commit()
        rows = rows_of(book(6))
        await upload(api, tenant.admin, file_of(rows))
        # when line 2's customer gets a new name and billing street, and its account a new status, plan and premise
        edited = changed(rows, 2, name="Jamie Renamed", billing_line1="77 New Billing Way", status="DROPPED",
                         rate_plan="TX-24", service_line1="88 Moved Rd", end_date="2026-01-31")
        done = await upload(api, tenant.admin, file_of(edited))
        # then that row alone is UPDATED, saying what changed
        assert (done["job"]["updated"], done["job"]["unchanged"], done["job"]["customersUpdated"]) == (1, 5, 1)
        shown = await results(api, tenant.admin, done)
        assert shown[0]["outcome"] == "UPDATED"
        assert f"name: {rows[0]['name']} -> Jamie Renamed" in shown[0]["changes"]
        assert "status: ACTIVE -> DROPPED" in shown[0]["changes"]
        assert "rate_plan_id: (none) -> TX-24" in shown[0]["changes"]
        # and the account and customer read as the file says
        ldc = rows[0]["ldc_account_number"]
        account = (await api.run(ACCOUNT, {"ldc": ldc}, user=tenant.agent))["utilityAccount"]
        assert (account["status"], account["ratePlan"], account["endDate"]) == (
            "DROPPED",
            {"code": "TX-24"},
            "2026-01-31",
        )
        assert account["premise"]["serviceAddress"]["line1"] == "88 Moved Rd"
        assert account["enrollments"][-1]["status"] == "DROPPED"
        assert account["customer"]["name"] == "Jamie Renamed"
        # and every change is audited from-to, the status change is in the history
        async with database.sessionmaker() as s:
            events = {e.action: e.changes for e in (await s.execute(select(AuditEvent).where(
                AuditEvent.client_id == tenant.client.id, AuditEvent.action.like("%import_update")))).scalars()}
            moved = (await s.execute(select(EnrollmentStatusChange).join(UtilityAccount, UtilityAccount.id ==
                     EnrollmentStatusChange.utility_account_id).where(UtilityAccount.ldc_account_number == ldc,
                     EnrollmentStatusChange.to_status == "DROPPED"))).scalars().all()
        assert events["customer.import_update"]["name"] == {"from": rows[0]["name"], "to": "Jamie Renamed"}
        assert events["customer.import_update"]["billing_line1"]["to"] == "77 New Billing Way"
        assert events["utility_account.import_update"]["status"] == {"from": "ACTIVE", "to": "DROPPED"}
        assert events["utility_account.import_update"]["rate_plan"] == {"from": None, "to": "TX-24"}
        assert len(moved) == 1
        assert moved[0].from_status.value == "ACTIVE"
        # and the search finds the new name and addresses, not the old name
        for search, hits in (({"name": "jamie renamed"}, 1), ({"address": "88 moved rd"}, 1),
                             ({"address": "77 new billing"}, 1)):
            found = await api.run(SEARCH, {"search": search}, user=tenant.agent)
            assert len(found["customers"]["edges"]) == hits, search
        async with database.sessionmaker() as s:
            tokens = set((await s.execute(select(CustomerNameToken.token).where(
                CustomerNameToken.client_id == tenant.client.id, CustomerNameToken.token == "renamed"))).scalars())
        assert tokens == {"renamed"}

    async def test_a_new_account_for_a_customer_loaded_before_joins_it(self, api, database, tenant):
        rows = rows_of(book(3))
        await upload(api, tenant.admin, file_of(rows[:1]))
        extra = {
            **rows[0],
            "ldc_account_number": number_for(rows[0]["utility"], 999_999),
            "service_line1": "5 Annex Rd",
        }
        done = await upload(api, tenant.admin, file_of([rows[0], extra]))
        assert (done["job"]["unchanged"], done["job"]["created"], done["job"]["customersCreated"]) == (1, 1, 0)
        found = await api.run(SEARCH, {"search": {"address": "5 annex"}}, user=tenant.agent)
        assert [e["node"]["number"] for e in found["customers"]["edges"]] == [rows[0]["customer_number"]]


class TestImportedCustomers:
    async def test_are_found_by_name_ldc_number_and_address_with_their_history(self, api, tenant):
        rows = rows_of(book(4))
        await upload(api, tenant.admin, file_of(rows))
        row = rows[2]
        for search in ({"name": row["name"].split()[0][:3] + " " + row["name"].split()[1]},
                       {"ldcAccountNumber": row["ldc_account_number"]}, {"address": row["service_line1"]},
                       {"text": row["customer_number"]}):
            found = await api.run(SEARCH, {"search": search}, user=tenant.agent)
            assert row["customer_number"] in [e["node"]["number"] for e in found["customers"]["edges"]], search
        account = (await api.run(ACCOUNT, {"ldc": row["ldc_account_number"]}, user=tenant.agent))["utilityAccount"]
        assert account["status"] == row["status"]
        assert account["startDate"] == row["start_date"]
        assert account["enrollments"] == [{"status": row["status"], "startDate": row["start_date"],
                                           "endDate": row["end_date"] or None}]
        customer = account["customer"]
        assert (customer["email"], customer["phone"], customer["billingAddress"]["zip"]) == \
            (row["email"], row["phone"], row["billing_zip"])


    async def test_each_is_counted_once_by_a_prefix_two_of_its_words_start_with(self, api, database, tenant):
        # given customers loaded new, and one renamed by loading the file again (each way writes its name tokens)
        names = ["Mar Martin", "Jo Jones Joyce", "Martina Marr-Mars", "Pat Doe"]
        rows = [{**row, "name": name} for row, name in zip(rows_of(book(4)), names, strict=True)]
        await upload(api, tenant.admin, file_of(rows))
        await upload(api, tenant.admin, file_of(changed(rows, 5, name="Marta Mars")))
        # then a prefix's count names each customer once, as its page lists them
        for typed, expected in (("mar", 3), ("mars", 2), ("jo", 1), ("j", 1), ("mart", 3)):
            found = (await api.run(COUNTED, {"search": {"name": typed}}, user=tenant.agent))["customers"]
            assert found["totalCount"] == expected, typed
        # and each token row holds the token before it in its customer's name and all its words, as the app writes
        # them (db.search_keys.name_token_columns)
        async with database.sessionmaker() as s:
            stored = sorted((await s.execute(select(Customer.name, CustomerNameToken.token,
                                                    CustomerNameToken.previous_token, CustomerNameToken.words)
                                             .join(Customer, Customer.id == CustomerNameToken.customer_id)
                                             .where(Customer.client_id == tenant.client.id))).tuples())
        assert stored == sorted((name, *columns.values()) for name in [*names[:3], "Marta Mars"]
                                for columns in name_token_columns(name))


class TestRolesKeysAndFiles:
    @pytest.mark.parametrize("role", list(Role))
    async def test_only_admins_import(self, api, database, tenant, role):
        done = await upload(api, tenant.user(role), book(2))
        if role is Role.ADMIN:
            assert done["userErrors"] == []
            assert done["job"]["created"] == 2
            assert done["job"]["createdBy"] == {"email": tenant.admin.email}
        else:
            assert [e["code"] for e in done["userErrors"]] == ["FORBIDDEN"]
            assert (await counts(database, tenant))["customer_import_jobs"] == 0

    async def test_the_key_replays_the_finished_job_and_refuses_another_file(self, api, database, tenant):
        first = await upload(api, tenant.admin, book(3), idempotencyKey="load-1")
        again = await upload(api, tenant.admin, book(3), idempotencyKey="load-1")
        assert again["replayed"] is True
        assert again["job"] == first["job"]
        other = await upload(api, tenant.admin, book(4), idempotencyKey="load-1")
        assert [(e["code"], e["field"]) for e in other["userErrors"]] == \
            [("IMPORT_IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])]
        assert (await counts(database, tenant))["utility_accounts"] == 3

    async def test_a_dry_run_says_what_would_happen_and_writes_nothing(self, api, database, tenant):
        rows = rows_of(book(5))
        done = await upload(api, tenant.admin, file_of(changed(rows, 4, utility="NOPE")), dryRun=True)
        assert done["job"]["dryRun"] is True
        assert (done["job"]["created"], done["job"]["refused"]) == (4, 1)
        written = await counts(database, tenant)
        assert (written["customers"], written["utility_accounts"], written["audit_events"]) == (0, 0, 0)

    @pytest.mark.parametrize(("data", "says"), [
        (b"customer_number,name,utility,nonsense\n1,A,ONCOR,x\n", "Unknown column 'nonsense'"),
        (b"customer_number,name,utility\n1,A,ONCOR\n", "no 'ldc_account_number' column"),
        (b"", "The file is empty"),
        ("customer_number,name,ldc_account_number,utility,service_line1,service_city,service_state,service_zip\n"
         "1,Caf\xe9".encode("latin-1"), "not readable as UTF-8"),
    ])
    async def test_a_file_that_is_not_an_import_file_is_a_user_error_and_starts_no_job(
        self, api, database, tenant, data, says
    ):
        done = await upload(api, tenant.admin, data)
        assert [e["code"] for e in done["userErrors"]] == ["IMPORT_FILE_INVALID"]
        assert says in done["userErrors"][0]["message"]
        assert (await counts(database, tenant))["customers"] == 0

    async def test_results_download_is_the_admins_of_the_client_only(self, api, tenant, other_tenant):
        done = await upload(api, tenant.admin, book(2))
        url = done["job"]["downloadUrl"]
        assert len(await results(api, tenant.admin, done)) == 2
        for user in (other_tenant.admin, tenant.lead):
            response = await api.client.get(url, headers={"authorization": f"Bearer {token_for(user)}"})
            assert response.status_code == 404

    async def test_a_file_sent_as_a_string_is_a_user_error(self, api, tenant):
        body = (await api.post("mutation($f: Upload!) { importCustomers(input: {file: $f}) { userErrors { code } } }",
                               {"f": "not a file"}, user=tenant.admin)).json()
        assert body.get("errors") or body["data"]["importCustomers"]["userErrors"][0]["code"] == "INVALID"

    async def test_a_refused_row_keeps_what_it_said_to_show_it(self, api, tenant):
        rows = rows_of(book(2))
        data = file_of(changed(rows, 2, customer_number="=HYPERLINK(1)", ldc_account_number="X" * 60))
        done = await upload(api, tenant.admin, data)
        shown = await results(api, tenant.admin, done)
        assert shown[0]["customer_number"] == "'=HYPERLINK(1)"
        assert shown[0]["reason"] == "BAD_LDC_NUMBER"
        assert shown[0]["ldc_account_number"] == "X" * 40
