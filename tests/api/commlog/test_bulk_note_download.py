"""GET /files/bulk-note-jobs/{id}.csv: a job's results as CSV, for its own client only."""

import csv
import io

from db.enums import EnrollmentStatus
from graph.core import job_files
from tests.conftest import token_for
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

BULK = """
mutation($input: BulkAddNoteInput!) { bulkAddNote(input: $input) { job { id downloadUrl } userErrors { code } } }
"""


async def run_job(api, user, accounts: str, **input) -> dict:
    payload = (await api.run(BULK, {"input": {"body": "Autopay settings changed.", "accounts": accounts, **input}},
                             user=user))["bulkAddNote"]
    assert payload["userErrors"] == []
    return payload["job"]


async def download(api, user, url: str):
    return await api.client.get(url, headers={"authorization": f"Bearer {token_for(user)}"})


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


class TestBulkNoteDownload:
    async def test_owner_gets_every_result_as_csv(self, api, session, tenant):
        # given a job with an added, a skipped, a missing, a duplicate and an invalid entry
        active = await make_customer(session, tenant, "Csv Active")
        await make_account(session, active, status=EnrollmentStatus.ACTIVE)
        dropped = await make_customer(session, tenant, "Csv Dropped")
        await make_account(session, dropped, status=EnrollmentStatus.DROPPED)
        await session.commit()
        job = await run_job(api, tenant.lead, f"{active.number} {dropped.number} 404404 {active.number} =cmd|x",
                            onlyStatuses=["ACTIVE"])
        # when the lead downloads it
        response = await download(api, tenant.lead, job["downloadUrl"])
        # then every result is a row, in list order, with the customer's number where found
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        assert rows_of(response.text) == [
            ["line", "account_number", "outcome", "status", "detail", "customer_number"],
            ["1", active.number, "ADDED", "ACTIVE", "", active.number],
            ["2", dropped.number, "SKIPPED_STATUS", "DROPPED", "", dropped.number],
            ["3", "404404", "NOT_FOUND", "", "No customer with this number.", ""],
            ["4", active.number, "DUPLICATE", "", "Already listed at line 1.", ""],
            # a cell a spreadsheet would run as a formula is defused
            ["5", "'=cmd|x", "INVALID", "", "The number contains '='.", ""],
        ]

    async def test_large_job_streams_in_pages(self, api, session, tenant, monkeypatch):
        # given more results than one page holds
        monkeypatch.setattr(job_files, "PAGE_ROWS", 3)
        customer = await make_customer(session, tenant, "Csv Many")
        await session.commit()
        job = await run_job(api, tenant.lead, " ".join([customer.number] + [str(n) for n in range(1, 10)]))
        # when downloaded
        rows = rows_of((await download(api, tenant.lead, job["downloadUrl"])).text)
        # then nothing is lost or repeated at page boundaries
        assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 11)]

    async def test_other_clients_and_agents_get_404(self, api, session, tenant, other_tenant):
        customer = await make_customer(session, tenant, "Csv Private")
        await session.commit()
        job = await run_job(api, tenant.admin, customer.number)
        for user in (other_tenant.admin, tenant.agent):
            response = await download(api, user, job["downloadUrl"])
            assert response.status_code == 404, user.email
            assert customer.number not in response.text

    async def test_unknown_job_is_404_and_no_token_is_401(self, api, tenant):
        assert (await download(api, tenant.lead, "/files/bulk-note-jobs/999999999.csv")).status_code == 404
        assert (await api.client.get("/files/bulk-note-jobs/1.csv")).status_code == 401
