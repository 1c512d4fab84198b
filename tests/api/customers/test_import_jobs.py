"""customerImportJobs and CustomerImportJob.results over HTTP: the client's jobs for its admins, newest first,
and each job's per-row results in file order, by outcome, paged, the same rows as the CSV download."""

import pytest

from db.enums import Role
from tests.api.customers.import_helpers import book, file_of, results, rows_of, upload

JOBS = """
query($first: Int, $after: String) { customerImportJobs(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id dryRun total } } } }
"""
RESULTS = """
query($id: ID!, $outcome: ImportRowOutcome, $first: Int, $after: String) { node(id: $id) {
  ... on CustomerImportJob { results(outcome: $outcome, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { line customerNumber ldcAccountNumber outcome reason detail changes
                   customer { number } utilityAccount { ldcAccountNumber } } } } } } }
"""
NESTED = """
{ customerImportJobs(first: 10) { edges { node { id results(first: 3) { edges { node {
  line outcome customer { number name } utilityAccount { ldcAccountNumber status } } } } } } } }
"""


def broken(data: bytes, line: int, **change) -> bytes:
    """The file with the row at `line` (the header is line 1) changed."""
    rows = rows_of(data)
    rows[line - 2] = {**rows[line - 2], **change}
    return file_of(rows)


class TestTheList:
    async def test_admins_see_their_clients_jobs_newest_first(self, api, tenant, other_tenant):
        # given three jobs of one client, a dry run among them, and one of another client
        jobs = [(await upload(api, tenant.admin, book(n), dryRun=n == 3))["job"] for n in (2, 3, 4)]
        await upload(api, other_tenant.admin, book(2))
        # when its admin lists them two at a time
        first = (await api.run(JOBS, {"first": 2}, user=tenant.admin))["customerImportJobs"]
        rest = (await api.run(JOBS, {"first": 2, "after": first["pageInfo"]["endCursor"]},
                              user=tenant.admin))["customerImportJobs"]
        # then they come newest first, all three and only those
        listed = [e["node"] for e in first["edges"] + rest["edges"]]
        assert [(j["id"], j["dryRun"], j["total"]) for j in listed] == \
            [(j["id"], j["dryRun"], j["total"]) for j in reversed(jobs)]
        assert first["totalCount"] == 3
        assert first["pageInfo"]["hasNextPage"]
        assert not rest["pageInfo"]["hasNextPage"]

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
    async def test_other_roles_are_forbidden(self, api, tenant, role):
        await upload(api, tenant.admin, book(2))
        errors = await api.errors(JOBS, user=tenant.user(role))
        assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]


class TestResults:
    async def test_are_the_rows_of_the_download_in_file_order(self, api, tenant):
        # given a file whose line 4 is refused, imported
        done = await upload(api, tenant.admin, broken(book(6), 4, utility="NOPE"))
        # when its results are read through the API
        data = await api.run(RESULTS, {"id": done["job"]["id"], "first": 100}, user=tenant.admin)
        shown = [e["node"] for e in data["node"]["results"]["edges"]]
        # then they are the download's rows, with the customer and account each created
        downloaded = await results(api, tenant.admin, done)
        assert [(str(r["line"]), r["customerNumber"], r["ldcAccountNumber"], r["outcome"], r["reason"] or "",
                 r["detail"] or "") for r in shown] == \
            [(r["line"], r["customer_number"], r["ldc_account_number"], r["outcome"], r["reason"], r["detail"])
             for r in downloaded]
        assert [r["outcome"] for r in shown] == ["CREATED", "CREATED", "REFUSED", "CREATED", "CREATED", "CREATED"]
        assert shown[2]["customer"] is None
        assert shown[2]["utilityAccount"] is None
        created = [r for r in shown if r["outcome"] == "CREATED"]
        assert all(r["customer"]["number"] == r["customerNumber"] for r in created)
        assert all(r["utilityAccount"]["ldcAccountNumber"] == r["ldcAccountNumber"] for r in created)

    async def test_page_by_outcome_and_count_from_the_jobs_counters(self, api, tenant):
        # given a book loaded, then loaded again with two rows changed and one refused
        first = await upload(api, tenant.admin, book(6))
        again = broken(broken(broken(book(6), 2, name="Renamed One"), 5, service_city="Elsewhere"), 6, utility="NOPE")
        done = (await upload(api, tenant.admin, again))["job"]
        assert (done["updated"], done["unchanged"], done["refused"]) == (2, 3, 1)
        # when each outcome is read a row at a time
        for outcome, count in (("UPDATED", 2), ("UNCHANGED", 3), ("REFUSED", 1), ("CREATED", 0)):
            lines, after = [], None
            while True:
                page = (await api.run(RESULTS, {"id": done["id"], "outcome": outcome, "first": 1, "after": after},
                                      user=tenant.admin))["node"]["results"]
                assert page["totalCount"] == count
                lines += [e["node"] for e in page["edges"]]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            # then each page holds the next row of that outcome
            assert len(lines) == count
            assert all(r["outcome"] == outcome for r in lines)
            assert [r["line"] for r in lines] == sorted(r["line"] for r in lines)
        updated = (await api.run(RESULTS, {"id": done["id"], "outcome": "UPDATED"}, user=tenant.admin))["node"][
            "results"
        ]
        assert ["Renamed One" in e["node"]["changes"] for e in updated["edges"]] == [True, False]
        assert first["job"]["id"] != done["id"]

    async def test_another_clients_admin_and_other_roles_see_no_job(self, api, tenant, other_tenant):
        done = await upload(api, tenant.admin, book(2))
        for user in (other_tenant.admin, tenant.lead):
            assert (await api.run(RESULTS, {"id": done["job"]["id"]}, user=user))["node"] is None

    async def test_statements_do_not_grow_with_the_jobs(self, api, tenant, count_sql):
        async def statements() -> int:
            # warm: the signed-in user is cached for 10 s, and uploads on a slow machine can outlast that
            await api.run(NESTED, user=tenant.admin)
            with count_sql() as counter:
                data = await api.run(NESTED, user=tenant.admin)
            assert all(len(e["node"]["results"]["edges"]) == 3 for e in data["customerImportJobs"]["edges"])
            return counter.count

        # given two jobs, then six: their results and those rows' customers and accounts are read per kind
        for serial in range(2):
            await upload(api, tenant.admin, book(4, first_customer=serial * 10))
        two = await statements()
        for serial in range(2, 6):
            await upload(api, tenant.admin, book(4, first_customer=serial * 10))
        six = await statements()
        assert six == two, (two, six)
