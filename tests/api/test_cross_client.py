"""Another client's IDs behave exactly like IDs that do not exist, everywhere, and write nothing.

Every test runs twice: with each document sent as text, and registered and named by its id (the fast path).
"""

import base64
import json
from datetime import date

import pytest
from sqlalchemy import select

from db.models import CommLogMemo
from graph.core.relay import to_global_id
from tests.api.persisted.helpers import DocumentIdApi
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer


@pytest.fixture(params=["text", "documentId"])
def api(request, api, database):
    return api if request.param == "text" else DocumentIdApi(api.client, database)


NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


@pytest.fixture
async def theirs(session, other_tenant):
    """One object of every tenant-owned Node type, in the other client."""
    customer = await make_customer(session, other_tenant, "Their Customer", is_master=True)
    account = await make_account(session, customer, ldc="THEIR-LDC")
    plan = await make_rate_plan(session, other_tenant.client.id, "TX")
    entry = await make_entry(session, customer, other_tenant.agent, memos=1)
    memo_id = (await session.execute(select(CommLogMemo.id).where(CommLogMemo.entry_id == entry.id))).scalar_one()
    await session.commit()
    return {
        "Customer": to_global_id("Customer", customer.id),
        "UtilityAccount": to_global_id("UtilityAccount", account.id),
        "RatePlan": to_global_id("RatePlan", plan.id),
        "User": to_global_id("User", other_tenant.agent.id),
        "CommLogEntry": to_global_id("CommLogEntry", entry.id),
        "CommLogMemo": to_global_id("CommLogMemo", memo_id),
        "_customer": customer, "_account": account,
    }


NODE_TYPES = ["Customer", "UtilityAccount", "RatePlan", "User", "CommLogEntry", "CommLogMemo"]


class TestOtherClientsIds:
    @pytest.mark.parametrize("type_name", NODE_TYPES)
    async def test_node_returns_null(self, api, tenant, theirs, type_name):
        data = await api.run(NODE, {"id": theirs[type_name]}, user=tenant.agent)
        assert data["node"] is None

    async def test_nodes_returns_null_in_place(self, api, session, tenant, theirs):
        mine = await make_customer(session, tenant, "My Customer")
        await session.commit()
        ids = [theirs["Customer"], to_global_id("Customer", mine.id), theirs["UtilityAccount"]]
        data = await api.run(NODES, {"ids": ids}, user=tenant.agent)
        assert data["nodes"] == [None, {"__typename": "Customer", "id": ids[1]}, None]

    async def test_lookups_by_number_are_null(self, api, tenant, theirs):
        query = ("query($n: String!, $l: String!) { customer(number: $n) { id } utilityAccount(ldcAccountNumber: $l) "
                 "{ id } }")
        data = await api.run(query, {"n": theirs["_customer"].number, "l": "THEIR-LDC"}, user=tenant.agent)
        assert data == {"customer": None, "utilityAccount": None}

    async def test_update_customer_is_not_found_and_writes_nothing(self, api, tenant, other_tenant, theirs):
        mutation = "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }"
        data = await api.run(mutation, {"i": {"id": theirs["Customer"], "name": "Hijacked"}}, user=tenant.admin)
        assert data["updateCustomer"]["userErrors"] == [{"code": "NOT_FOUND"}]
        check = await api.run(NODE.replace("__typename id", "... on Customer { name }"), {"id": theirs["Customer"]},
                              user=other_tenant.agent)
        assert check["node"] == {"name": "Their Customer"}

    async def test_assign_to_their_master_or_their_customer_is_not_found(self, api, session, tenant, theirs):
        mine = await make_customer(session, tenant, "Mine", is_master=True)
        await session.commit()
        mutation = ("mutation($i: AssignCustomersToMasterInput!) { assignCustomersToMaster(input: $i) { userErrors { "
                    "code field } } }")
        to_theirs = await api.run(
            mutation,
            {"i": {"masterId": theirs["Customer"], "customerIds": [to_global_id("Customer", mine.id)]}},
            user=tenant.admin,
        )
        assert to_theirs["assignCustomersToMaster"]["userErrors"] == [
            {"code": "NOT_FOUND", "field": ["input", "masterId"]}
        ]
        theirs_to_mine = await api.run(mutation, {"i": {"masterId": to_global_id("Customer", mine.id),
                                                        "customerIds": [theirs["Customer"]]}}, user=tenant.admin)
        assert theirs_to_mine["assignCustomersToMaster"]["userErrors"][0]["code"] == "NOT_FOUND"


class TestForgedIds:
    @pytest.mark.parametrize("forged", ["", "garbage", "Q3VzdG9tZXI6", "Tm9wZTox", to_global_id("Nope", 1),
                                        to_global_id("Customer", -1), "Q3VzdG9tZXI6eA=="])
    async def test_garbage_and_unknown_types_are_null_not_errors(self, api, tenant, forged):
        data = await api.run(NODE, {"id": forged}, user=tenant.agent)
        assert data["node"] is None

    async def test_an_id_relabelled_with_another_type_is_not_found(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Real")
        await make_account(session, customer)
        await session.commit()
        relabelled = to_global_id("UtilityAccount", customer.id + 10**6)
        data = await api.run(NODE, {"id": relabelled}, user=tenant.agent)
        assert data["node"] is None


def spellings(pk: int) -> list[str]:
    """IDs that decode to `pk` leniently but are not its canonical ID, and keys past BIGINT."""
    texts = [f"Customer:000{pk}", f"Customer:+{pk}", f"Customer: {pk}", f"Customer:{pk}\n", "Customer:" + "".join(
        chr(0x0660 + int(d)) for d in str(pk)), "Customer:9223372036854775808", "Customer:99999999999999999999"]
    real = to_global_id("Customer", pk)
    unpadded = [real.rstrip("=")] if real.endswith("=") else []  # an id of 15 bytes (Customer:122457) has no padding
    return [base64.b64encode(t.encode()).decode() for t in texts] + unpadded + [real + "\n"]


class TestNonCanonicalIds:
    async def test_node_and_nodes_do_not_resolve_other_spellings_of_a_real_id(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Canon Ical")
        await session.commit()
        ids = spellings(customer.id)
        for forged in ids:
            body = (await api.post(NODE, {"id": forged}, user=tenant.agent)).json()
            assert body == {"data": {"node": None}}, forged
        data = await api.run(NODES, {"ids": [*ids, to_global_id("Customer", customer.id)]}, user=tenant.agent)
        assert data["nodes"][:-1] == [None] * len(ids)
        assert data["nodes"][-1] is not None

    async def test_mutation_inputs_answer_not_found_for_them(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Canon Ical")
        await session.commit()
        pay = "mutation($i: PostPaymentInput!) { postPayment(input: $i) { payment { id } userErrors { code field } } }"
        update = "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code field } } }"
        for forged in spellings(customer.id):
            data = await api.run(pay, {"i": {"customerId": forged, "amount": "1.00", "method": "CHECK",
                                             "receivedOn": date.today().isoformat()}}, user=tenant.agent)
            assert data["postPayment"] == {"payment": None, "userErrors": [
                {"code": "NOT_FOUND", "field": ["input", "customerId"]}]}, forged
            data = await api.run(update, {"i": {"id": forged, "name": "Renamed"}}, user=tenant.admin)
            assert data["updateCustomer"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["input", "id"]}], forged

    @pytest.mark.parametrize("key", [2**63, -(2**63) - 1, 10**30])
    async def test_cursors_with_keys_past_bigint_are_invalid_cursors(self, api, tenant, key):
        cursor = base64.urlsafe_b64encode(json.dumps(["name", "pat doe", key]).encode()).decode()
        errors = await api.errors("query($c: String) { customers(after: $c) { totalCount } }", {"c": cursor},
                                  user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR"


class TestOtherClientsLog:
    async def test_memo_check_and_log_mutations_treat_their_ids_as_not_found(self, api, tenant, theirs):
        memo = "mutation($i: AddMemoInput!) { addMemo(input: $i) { userErrors { code } } }"
        data = await api.run(memo, {"i": {"entryId": theirs["CommLogEntry"], "text": "hi"}}, user=tenant.agent)
        assert data["addMemo"]["userErrors"] == [{"code": "NOT_FOUND"}]
        note = "mutation($i: AddNoteInput!) { addNote(input: $i) { userErrors { code } } }"
        data = await api.run(note, {"i": {"customerId": theirs["Customer"], "body": "x"}}, user=tenant.agent)
        assert data["addNote"]["userErrors"] == [{"code": "NOT_FOUND"}]
