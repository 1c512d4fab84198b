"""bulkAddNote (seed 000): one note to many accounts from a CSV upload or a typed list, over HTTP."""

import json
from dataclasses import dataclass
from datetime import date

import pytest

from db.enums import EnrollmentStatus as S
from db.models import Customer, Disposition, UtilityAccount
from resolvers.commlog.bulk_notes import commands as bulk_notes
from tests.conftest import token_for
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

BULK = """
mutation Bulk($input: BulkAddNoteInput!) {
  bulkAddNote(input: $input) {
    replayed clientMutationId
    userErrors { field code message }
    job {
      id dryRun numberType onlyStatuses source downloadUrl createdAt createdBy { email }
      note { kind category disposition critical subject body }
      counts { total added skippedStatus notFound duplicate invalid foundInactive foundDropAccepted }
      results(first: 100) { totalCount edges { node {
        line accountNumber outcome status detail customer { number } utilityAccount { ldcAccountNumber } } } }
    }
  }
}
"""
LOG = """
query($n: String!) { customer(number: $n) { communicationLog(first: 50, filter: {kinds: [NOTE, CALL, EMAIL, LETTER,
  SYSTEM]}) {
  totalCount edges { node { kind category disposition subject body critical createdBy { email } utilityAccount {
  ldcAccountNumber } } } } } }
"""
RESULTS = """
query($id: ID!, $outcome: BulkNoteOutcome, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) { ... on BulkNoteJob {
    results(outcome: $outcome, first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { line accountNumber
  outcome } }
    } } }
}
"""
JOBS = """
query($first: Int, $after: String) { bulkNoteJobs(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id dryRun source counts { total added } } } } }
"""
PREFLIGHT = {"apollo-require-preflight": "true"}


@dataclass
class Book:
    """A client's customers in each status the tests need, by role."""

    active: Customer
    inactive: Customer
    drop_accepted: Customer
    pending: Customer
    no_account: Customer
    mixed: Customer  # ACTIVE and INACTIVE accounts: its primary account is the ACTIVE one
    mixed_inactive: UtilityAccount
    foreign: Customer  # another client's

    def numbers(self, *names: str) -> list[str]:
        return [getattr(self, n).number for n in names]


@pytest.fixture
async def book(session, tenant, other_tenant) -> Book:
    customers = {}
    for name, status in (("active", S.ACTIVE), ("inactive", S.INACTIVE), ("drop_accepted", S.DROP_ACCEPTED),
                         ("pending", S.PENDING)):
        customers[name] = await make_customer(session, tenant, f"Bulk {name}")
        await make_account(session, customers[name], status=status, ldc=f"LDC-{name}-{tenant.client.id}")
    customers["no_account"] = await make_customer(session, tenant, "Bulk Nobody")
    mixed = await make_customer(session, tenant, "Bulk Mixed")
    await make_account(session, mixed, status=S.ACTIVE, start=date(2024, 1, 1))
    mixed_inactive = await make_account(session, mixed, status=S.INACTIVE, start=date(2025, 6, 1))
    foreign = await make_customer(session, other_tenant, "Bulk Foreign")
    await make_account(session, foreign, status=S.ACTIVE, ldc=f"LDC-foreign-{other_tenant.client.id}")
    await session.commit()
    return Book(**customers, mixed=mixed, mixed_inactive=mixed_inactive, foreign=foreign)


async def bulk(api, user, **input) -> dict:
    """bulkAddNote with a typed list (or none), as JSON."""
    return (await api.run(BULK, {"input": {"body": "Rate change letter sent.", **input}}, user=user))["bulkAddNote"]


async def upload(api, user, data: bytes, filename: str = "accounts.csv", headers: dict | None = None, **input) -> dict:
    """bulkAddNote with a CSV file, as a GraphQL multipart request."""
    response = await post_upload(api, user, data, filename, headers, **input)
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]["bulkAddNote"]


async def post_upload(api, user, data: bytes, filename: str = "accounts.csv", headers: dict | None = None, **input):
    operations = {"query": BULK, "variables": {"input": {"body": "Rate change letter sent.", **input, "file": None}}}
    return await api.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (filename, data, "text/csv")},
        headers={"authorization": f"Bearer {token_for(user)}", **(PREFLIGHT if headers is None else headers)},
    )


async def log_of(api, user, customer: Customer) -> list[dict]:
    data = await api.run(LOG, {"n": customer.number}, user=user)
    return [e["node"] for e in data["customer"]["communicationLog"]["edges"]]


def outcomes(payload: dict) -> list[tuple]:
    return [(r["node"]["line"], r["node"]["accountNumber"], r["node"]["outcome"])
            for r in payload["job"]["results"]["edges"]]


class TestUpload:
    async def test_csv_with_header_adds_the_note_to_every_listed_account(self, api, tenant, book):
        # given a CSV with a header row and two columns
        a, i = book.numbers("active", "inactive")
        data = f"Customer Name,Customer Number\nActive,{a}\nInactive,{i}\n".encode()
        # when a team lead uploads it
        payload = await upload(api, tenant.lead, data, subject="Rates", clientMutationId="m-1")
        # then both get the note, with the file named as the source
        job = payload["job"]
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "m-1"
        assert payload["replayed"] is False
        assert job["source"] == "upload: accounts.csv"
        assert job["dryRun"] is False
        assert job["createdBy"] == {"email": tenant.lead.email}
        assert job["counts"] == {"total": 2, "added": 2, "skippedStatus": 0, "notFound": 0, "duplicate": 0,
                                 "invalid": 0, "foundInactive": 1, "foundDropAccepted": 0}
        assert outcomes(payload) == [(2, a, "ADDED"), (3, i, "ADDED")]
        for customer in (book.active, book.inactive):
            [entry] = await log_of(api, tenant.lead, customer)
            assert entry == {"kind": "NOTE", "category": "Account", "disposition": None, "subject": "Rates",
                             "body": "Rate change letter sent.", "critical": False,
                             "createdBy": {"email": tenant.lead.email}, "utilityAccount": None}

    @pytest.mark.parametrize("layout", ["no header", "bom", "crlf", "quoted", "blank lines"])
    async def test_csv_variants_are_read_alike(self, api, tenant, book, layout):
        # given the same two numbers laid out differently
        a, p = book.numbers("active", "pending")
        data, lines = {
            "no header": (f"{a}\n{p}\n".encode(), [1, 2]),
            "bom": (f"\ufeffAccount Number\n{a}\n{p}".encode(), [2, 3]),
            "crlf": (f"Account\r\n{a}\r\n{p}\r\n".encode(), [2, 3]),
            "quoted": (f'"Account","Name"\n"{a}","Doe, Pat"\n" {p} ","Roe"\n'.encode(), [2, 3]),
            "blank lines": (f"\n{a}\n\n\n{p}\n\n".encode(), [2, 5]),
        }[layout]
        # when uploaded
        payload = await upload(api, tenant.lead, data)
        # then each is found on the line it was written
        assert outcomes(payload) == [(lines[0], a, "ADDED"), (lines[1], p, "ADDED")]

    async def test_malformed_csv_names_the_line_and_writes_nothing(self, api, tenant, book):
        # given a CSV whose third line opens a quote it never closes
        data = f"{book.active.number}\n{book.pending.number}\n\"{book.inactive.number}\n".encode()
        # when uploaded
        payload = await upload(api, tenant.lead, data)
        # then a userError names the line, on the file field, and nothing was written
        [error] = payload["userErrors"]
        assert payload["job"] is None
        assert error["code"] == "MALFORMED_ACCOUNT_LIST"
        assert error["field"] == ["input", "file"]
        assert error["message"].startswith("Line 3:")
        assert await log_of(api, tenant.lead, book.active) == []
        assert (await api.run(JOBS, user=tenant.lead))["bulkNoteJobs"]["totalCount"] == 0

    async def test_binary_file_is_a_user_error(self, api, tenant, book):
        payload = await upload(api, tenant.lead, b"PK\x03\x04\x00\x00\xff\xfe", filename="accounts.xlsx")
        assert payload["userErrors"][0]["code"] == "MALFORMED_ACCOUNT_LIST"

    async def test_upload_without_preflight_header_is_refused(self, api, tenant, book):
        response = await post_upload(api, tenant.lead, book.active.number.encode(), headers={})
        assert response.status_code == 400
        assert await log_of(api, tenant.lead, book.active) == []

    async def test_a_file_given_as_a_json_string_is_a_user_error(self, api, tenant, book):
        payload = await bulk(api, tenant.lead, file=book.active.number)
        assert payload["userErrors"][0]["field"] == ["input", "file"]
        assert payload["userErrors"][0]["code"] == "INVALID"

    async def test_file_and_typed_list_together_is_a_user_error(self, api, tenant, book):
        payload = await upload(api, tenant.lead, book.active.number.encode(), accounts=book.pending.number)
        assert [e["code"] for e in payload["userErrors"]] == ["BOTH_FILE_AND_LIST"]
        assert await log_of(api, tenant.lead, book.active) == []


class TestTypedList:
    async def test_commas_spaces_and_newlines_separate_numbers(self, api, tenant, book):
        a, i, d = book.numbers("active", "inactive", "drop_accepted")
        payload = await bulk(api, tenant.lead, accounts=f"{a}, {i}\n{d}")
        assert payload["job"]["source"] == "typed list"
        assert outcomes(payload) == [(1, a, "ADDED"), (2, i, "ADDED"), (3, d, "ADDED")]

    async def test_a_typed_list_with_a_control_character_is_refused_like_any_text_input(self, api, tenant, book):
        payload = await bulk(api, tenant.lead, accounts=f"12\x003 {book.active.number}")
        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_TEXT", ["input", "accounts"])]

    async def test_control_characters_in_an_uploaded_number_are_an_invalid_entry_not_a_fault(self, api, tenant, book):
        # a file is not typed text: each line is judged on its own, and a bad one is shown, not stored as it came
        payload = await upload(api, tenant.lead, f"12\x013\n{book.active.number}\n".encode())  # (NUL: not a CSV)
        assert [o for _, _, o in outcomes(payload)] == ["INVALID", "ADDED"]
        assert payload["job"]["results"]["edges"][0]["node"]["accountNumber"] == "12\ufffd3"

    async def test_too_many_accounts_is_a_user_error(self, api, tenant, book, monkeypatch):
        monkeypatch.setattr(bulk_notes, "MAX_ACCOUNTS", 3)
        typed = await bulk(api, tenant.lead, accounts="1 2 3 4")
        uploaded = await upload(api, tenant.lead, b"Account\n1\n2\n3\n4\n")
        for payload in (typed, uploaded):
            assert payload["job"] is None
            assert payload["userErrors"][0]["code"] == "TOO_MANY_ACCOUNTS"
        assert (await bulk(api, tenant.lead, accounts="1 2 3"))["userErrors"] == []

    async def test_no_accounts_is_a_user_error(self, api, tenant):
        for given in ({}, {"accounts": " ,\n "}):
            payload = await bulk(api, tenant.lead, **given)
            assert [e["code"] for e in payload["userErrors"]] == ["NO_ACCOUNTS"], given

    async def test_duplicates_unknown_foreign_and_invalid_numbers(self, api, tenant, other_tenant, book):
        # given a list with a repeat, an unknown number, another client's number and garbage
        a, p = book.numbers("active", "pending")
        typed = f"{a} {p} {a} 999999999 {book.foreign.number} 12#4 {a}"
        # when
        payload = await bulk(api, tenant.lead, accounts=typed)
        # then each entry has its outcome; the other client's number is simply not found
        job = payload["job"]
        assert outcomes(payload) == [
            (1, a, "ADDED"), (2, p, "ADDED"), (3, a, "DUPLICATE"), (4, "999999999", "NOT_FOUND"),
            (5, book.foreign.number, "NOT_FOUND"), (6, "12#4", "INVALID"), (7, a, "DUPLICATE"),
        ]
        details = [r["node"]["detail"] for r in job["results"]["edges"]]
        assert details[2] == "Already listed at line 1."
        assert "'#'" in details[5]
        assert details[3] == details[4] == "No customer with this number."
        assert job["results"]["edges"][4]["node"]["customer"] is None
        assert job["counts"] == {"total": 7, "added": 2, "skippedStatus": 0, "notFound": 2, "duplicate": 2,
                                 "invalid": 1, "foundInactive": 0, "foundDropAccepted": 0}
        assert len(await log_of(api, tenant.lead, book.active)) == 1
        assert await log_of(api, other_tenant.lead, book.foreign) == []


class TestStatusFilter:
    async def test_only_active_skips_the_others_and_counts_them(self, api, tenant, book):
        # given every kind of customer, and a filter on ACTIVE
        names = ("active", "inactive", "drop_accepted", "pending", "no_account", "mixed")
        # when
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers(*names)), onlyStatuses=["ACTIVE"])
        # then only ACTIVE customers (by primary account) get the note
        job = payload["job"]
        got = {r["node"]["accountNumber"]: (r["node"]["outcome"], r["node"]["status"])
               for r in job["results"]["edges"]}
        assert got == {
            book.active.number: ("ADDED", "ACTIVE"), book.inactive.number: ("SKIPPED_STATUS", "INACTIVE"),
            book.drop_accepted.number: ("SKIPPED_STATUS", "DROP_ACCEPTED"),
            book.pending.number: ("SKIPPED_STATUS", "PENDING"), book.no_account.number: ("SKIPPED_STATUS", None),
            book.mixed.number: ("ADDED", "ACTIVE"),
        }
        assert job["onlyStatuses"] == ["ACTIVE"]
        assert job["counts"]["added"] == 2
        assert job["counts"]["skippedStatus"] == 4
        assert (job["counts"]["foundInactive"], job["counts"]["foundDropAccepted"]) == (1, 1)
        assert await log_of(api, tenant.lead, book.inactive) == []
        assert len(await log_of(api, tenant.lead, book.mixed)) == 1

    async def test_without_a_filter_inactive_and_drop_accepted_get_it_and_are_counted(self, api, tenant, book):
        names = ("active", "inactive", "drop_accepted", "no_account")
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers(*names)))
        counts = payload["job"]["counts"]
        assert payload["job"]["onlyStatuses"] is None
        assert (counts["added"], counts["foundInactive"], counts["foundDropAccepted"]) == (4, 1, 1)
        assert len(await log_of(api, tenant.lead, book.drop_accepted)) == 1

    async def test_several_statuses(self, api, tenant, book):
        names = ("active", "inactive", "drop_accepted", "pending")
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers(*names)),
                             onlyStatuses=["DROP_ACCEPTED", "PENDING", "DROP_ACCEPTED"])
        assert [o for _, _, o in outcomes(payload)] == ["SKIPPED_STATUS", "SKIPPED_STATUS", "ADDED", "ADDED"]
        assert payload["job"]["onlyStatuses"] == ["PENDING", "DROP_ACCEPTED"]  # once each, in the enum's order


class TestLdcNumbers:
    async def test_entry_points_at_the_utility_account_and_its_own_status_counts(self, api, session, tenant, book):
        # given the INACTIVE account of a customer whose primary account is ACTIVE
        ldc = book.mixed_inactive.ldc_account_number
        active_ldc = f"LDC-active-{tenant.client.id}"
        # when listed by LDC number, only INACTIVE accounts wanted
        payload = await upload(api, tenant.lead, f"LDC Account\n{ldc}\n{active_ldc}\nLDC-nope\n".encode(),
                               numberType="LDC_ACCOUNT_NUMBER", onlyStatuses=["INACTIVE"])
        # then that account's own status decides, and the entry points at it
        edges = payload["job"]["results"]["edges"]
        assert payload["job"]["numberType"] == "LDC_ACCOUNT_NUMBER"
        assert [(e["node"]["outcome"], e["node"]["status"]) for e in edges] == [
            ("ADDED", "INACTIVE"), ("SKIPPED_STATUS", "ACTIVE"), ("NOT_FOUND", None)]
        assert edges[0]["node"]["customer"] == {"number": book.mixed.number}
        assert edges[0]["node"]["utilityAccount"] == {"ldcAccountNumber": ldc}
        assert edges[2]["node"]["detail"] == "No utility account with this LDC number."
        [entry] = await log_of(api, tenant.lead, book.mixed)
        assert entry["utilityAccount"] == {"ldcAccountNumber": ldc}
        assert await log_of(api, tenant.lead, book.active) == []

    async def test_another_clients_ldc_number_is_not_found(self, api, tenant, other_tenant, book):
        payload = await bulk(api, tenant.lead, accounts=f"LDC-foreign-{other_tenant.client.id}",
                             numberType="LDC_ACCOUNT_NUMBER")
        assert outcomes(payload)[0][2] == "NOT_FOUND"
        assert payload["job"]["results"]["edges"][0]["node"]["utilityAccount"] is None


class TestNote:
    async def test_client_defaults_fill_omitted_fields_and_card_numbers_are_masked(self, api, session, tenant, book):
        # given the client's bulk-note defaults
        client = await session.get(type(tenant.client), tenant.client.id)
        client.settings = {"bulk_note_defaults": {"kind": "SYSTEM", "category": "Billing", "disposition": "RATE",
                                                  "subject": "Default subject"}}
        session.add(Disposition(client_id=tenant.client.id, code="RATE", label="Rate"))
        await session.commit()
        # when a note names only its body, with a card number in it
        payload = await bulk(api, tenant.lead, accounts=book.active.number, body="Refund to card 4111 1111 1111 1111.")
        # then the defaults fill the rest and the card is masked, on the job and in the log
        note = payload["job"]["note"]
        assert note == {"kind": "SYSTEM", "category": "Billing", "disposition": "RATE", "critical": False,
                        "subject": "Default subject", "body": "Refund to card **** **** **** 1111."}
        [entry] = await log_of(api, tenant.lead, book.active)
        assert (entry["kind"], entry["category"], entry["body"]) == ("SYSTEM", "Billing", note["body"])

    async def test_given_fields_win_and_critical_shows_as_an_alert(self, api, tenant, book):
        payload = await bulk(api, tenant.lead, accounts=book.active.number, kind="NOTE", category="Dunning",
                             critical=True, body="Excluded from dunning until 2027.")
        assert payload["job"]["note"]["critical"] is True
        assert payload["job"]["note"]["category"] == "Dunning"
        alerts = await api.run('query($n: String!) { customer(number: $n) { alerts { kind message } } }',
                               {"n": book.active.number}, user=tenant.agent)
        notes = [a["message"] for a in alerts["customer"]["alerts"] if a["kind"] == "CRITICAL_NOTE"]
        assert notes == ["Excluded from dunning until 2027."]

    async def test_empty_body_and_unknown_disposition_are_user_errors(self, api, tenant, book):
        empty = await bulk(api, tenant.lead, accounts=book.active.number, body="   ")
        unknown = await bulk(api, tenant.lead, accounts=book.active.number, disposition="NOPE")
        assert empty["userErrors"][0]["code"] == "EMPTY_NOTE"
        assert empty["userErrors"][0]["field"] == ["input", "body"]
        assert unknown["userErrors"][0]["code"] == "UNKNOWN_DISPOSITION"
        assert await log_of(api, tenant.lead, book.active) == []


class TestDryRun:
    async def test_dry_run_keeps_the_results_and_writes_no_note(self, api, tenant, book):
        # when
        payload = await bulk(api, tenant.lead, accounts=" ".join(book.numbers("active", "inactive")),
                             onlyStatuses=["ACTIVE"], dryRun=True)
        # then the job and results are there, marked dry run, and no log has the note
        job = payload["job"]
        assert job["dryRun"] is True
        assert job["counts"]["added"] == 1
        assert job["counts"]["skippedStatus"] == 1
        assert [o for _, _, o in outcomes(payload)] == ["ADDED", "SKIPPED_STATUS"]
        assert await log_of(api, tenant.lead, book.active) == []
        again = await api.run(RESULTS, {"id": job["id"], "outcome": "ADDED"}, user=tenant.lead)
        assert again["node"]["results"]["totalCount"] == 1
        listed = (await api.run(JOBS, user=tenant.lead))["bulkNoteJobs"]["edges"]
        assert listed[0]["node"]["id"] == job["id"]
        assert listed[0]["node"]["dryRun"] is True


class TestIdempotency:
    async def test_replay_returns_the_first_job_and_writes_nothing_more(self, api, tenant, book):
        data = f"{book.active.number}\n{book.inactive.number}\n".encode()
        first = await upload(api, tenant.lead, data, idempotencyKey="k-123")
        second = await upload(api, tenant.lead, data, filename="renamed.csv", idempotencyKey="k-123")
        assert second["userErrors"] == []
        assert second["replayed"] is True
        assert second["job"]["id"] == first["job"]["id"]
        assert second["job"]["counts"] == first["job"]["counts"]
        assert len(await log_of(api, tenant.lead, book.active)) == 1
        assert (await api.run(JOBS, user=tenant.lead))["bulkNoteJobs"]["totalCount"] == 1

    async def test_same_key_with_another_request_is_a_user_error(self, api, tenant, book):
        data = f"{book.active.number}\n".encode()
        await upload(api, tenant.lead, data, idempotencyKey="k-9")
        for changed in ({"data": f"{book.pending.number}\n".encode()}, {"data": data, "body": "Another note."},
                        {"data": data, "onlyStatuses": ["ACTIVE"]}, {"data": data, "dryRun": True}):
            payload = await upload(api, tenant.lead, changed.pop("data"), idempotencyKey="k-9", **changed)
            assert payload["job"] is None, changed
            assert payload["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
            assert payload["userErrors"][0]["field"] == ["input", "idempotencyKey"]
        assert len(await log_of(api, tenant.lead, book.active)) == 1
        assert await log_of(api, tenant.lead, book.pending) == []

    async def test_keys_are_per_client(self, api, tenant, other_tenant, book):
        mine = await bulk(api, tenant.lead, accounts=book.active.number, idempotencyKey="shared")
        theirs = await bulk(api, other_tenant.lead, accounts=book.foreign.number, idempotencyKey="shared")
        assert theirs["replayed"] is False
        assert theirs["job"]["id"] != mine["job"]["id"]
        assert theirs["job"]["counts"]["added"] == 1


class TestPermissions:
    async def test_agent_is_forbidden_and_nothing_is_written(self, api, tenant, book):
        payload = await bulk(api, tenant.agent, accounts=book.active.number)
        assert payload["job"] is None
        assert payload["userErrors"][0]["code"] == "FORBIDDEN"
        assert await log_of(api, tenant.agent, book.active) == []
        [error] = await api.errors(JOBS, user=tenant.agent)
        assert error["extensions"]["code"] == "FORBIDDEN"

    async def test_agent_cannot_load_a_job_and_other_clients_see_nothing(self, api, tenant, other_tenant, book):
        job = (await bulk(api, tenant.admin, accounts=book.active.number))["job"]
        query = "query($id: ID!) { node(id: $id) { id } }"
        assert (await api.run(query, {"id": job["id"]}, user=tenant.lead))["node"] == {"id": job["id"]}
        assert (await api.run(query, {"id": job["id"]}, user=tenant.agent))["node"] is None
        assert (await api.run(query, {"id": job["id"]}, user=other_tenant.admin))["node"] is None
        assert (await api.run(JOBS, user=other_tenant.lead))["bulkNoteJobs"]["totalCount"] == 0


class TestResultsConnection:
    async def test_results_filter_by_outcome_and_page_both_ways(self, api, tenant, book):
        # given a job with 3 added, 2 not found, 1 duplicate
        a, i, d = book.numbers("active", "inactive", "drop_accepted")
        job = (await bulk(api, tenant.lead, accounts=f"{a} 1 {i} 2 {d} {a}"))["job"]
        # when paging the ADDED results two at a time
        page1 = (await api.run(RESULTS, {"id": job["id"], "outcome": "ADDED", "first": 2}, user=tenant.lead))["node"][
            "results"
        ]
        after = page1["pageInfo"]["endCursor"]
        page2 = (await api.run(RESULTS, {"id": job["id"], "outcome": "ADDED", "first": 2, "after": after},
                               user=tenant.lead))["node"]["results"]
        # then pages follow the list order, with the outcome's total
        assert [e["node"]["line"] for e in page1["edges"]] == [1, 3]
        assert page1["pageInfo"]["hasNextPage"] is True
        assert [e["node"]["line"] for e in page2["edges"]] == [5]
        assert page2["pageInfo"]["hasNextPage"] is False
        assert page1["totalCount"] == page2["totalCount"] == 3
        # and backwards from the end
        last = (await api.run(RESULTS, {"id": job["id"], "last": 2}, user=tenant.lead))["node"]["results"]
        assert [e["node"]["line"] for e in last["edges"]] == [5, 6]
        assert last["pageInfo"]["hasPreviousPage"] is True
        assert last["totalCount"] == 6
        missing = (await api.run(RESULTS, {"id": job["id"], "outcome": "NOT_FOUND"}, user=tenant.lead))["node"][
            "results"
        ]
        assert [e["node"]["accountNumber"] for e in missing["edges"]] == ["1", "2"]

    async def test_bad_cursor_is_a_client_error(self, api, tenant, book):
        job = (await bulk(api, tenant.lead, accounts=book.active.number))["job"]
        [error] = await api.errors(RESULTS, {"id": job["id"], "after": "bogus"}, user=tenant.lead)
        assert error["extensions"]["code"] == "INVALID_CURSOR"


class TestJobsListing:
    async def test_newest_first_and_paged(self, api, tenant, book):
        ids = [
            (await bulk(api, tenant.lead, accounts=book.active.number, body=f"Note {n}"))["job"]["id"] for n in range(3)
        ]
        first = (await api.run(JOBS, {"first": 2}, user=tenant.lead))["bulkNoteJobs"]
        rest = (await api.run(JOBS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, user=tenant.lead))[
            "bulkNoteJobs"
        ]
        assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == ids[::-1]
        assert first["totalCount"] == 3
        assert first["pageInfo"]["hasNextPage"] is True
        assert rest["pageInfo"]["hasNextPage"] is False


class TestSqlCount:
    async def test_statement_count_does_not_grow_with_the_accounts(self, api, session, tenant, other_tenant, count_sql):
        # given one client with 10 customers and another with 200
        numbers = {}
        for t, n in ((tenant, 10), (other_tenant, 200)):
            customers = [await make_customer(session, t, f"Count {k}") for k in range(n)]
            for c in customers[::3]:
                await make_account(session, c, status=S.INACTIVE)
            numbers[t.client.id] = [c.number for c in customers]
        await session.commit()

        async def statements(t) -> int:
            listed = "\n".join(numbers[t.client.id] + ["missing-1", "bad#", numbers[t.client.id][0]]).encode()
            with count_sql() as counter:
                payload = await upload(api, t.lead, listed, onlyStatuses=["ACTIVE", "INACTIVE"], idempotencyKey="c")
            assert payload["userErrors"] == []
            return counter.count

        # when each uploads its whole list
        ten, two_hundred = await statements(tenant), await statements(other_tenant)
        # then the same number of statements ran
        assert ten == two_hundred, (ten, two_hundred)
        assert ten <= 20, ten
