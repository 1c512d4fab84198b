"""Every Node type round-trips through `node` and `nodes` for its owner, and is not found for anyone else."""

import base64
from datetime import date

import pytest

from graph.core.relay import to_global_id
from tests.api.customers.import_helpers import book, upload
from tests.factories.accounts import make_account, make_rate_plan, make_transaction, make_usage
from tests.factories.billing import make_invoice
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer
from tests.factories.tickets import make_contact, make_ticket
from tests.resolvers.commlog.letters.test_outbox import add_templates

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
NODE_TYPES = '{ __type(name: "Node") { possibleTypes { name } } }'

# Where the owner finds one object of each Node type, as a client would: ids from the views themselves.
FIND = """
query($n: String!) {
  viewer { user { id } client { id } }
  letterTemplates { id }
  bulkNoteJobs(first: 1) { edges { node { id } } }
  customerImportJobs(first: 1) { edges { node { id } } }
  customer(number: $n) {
    id
    auditTrail(first: 1) { edges { node { id } } }
    communicationLog(first: 20) { edges { node { id memos { id } } } }
    invoices(first: 1) { edges { node { id lines { id } } } }
    payments(first: 1) { edges { node { id } } }
    adjustments(first: 1) { edges { node { id } } }
    specialCharges(first: 1) { edges { node { id } } }
    documents(first: 1) { edges { node { id notifications { id } } } }
    tickets(first: 1) { edges { node { id } } }
    authorizedContacts { id }
    utilityAccounts(first: 1) { edges { node {
      id utility { id market { id } } ratePlan { id }
      marketTransactions(first: 1) { edges { node { id } } }
      consumption(from: "2025-01-01", to: "2025-03-31") { period { id } }
    } } }
  }
}
"""
SEND_LETTER = "mutation($i: SendLetterInput!) { sendLetter(input: $i) { userErrors { code } } }"
UPDATE = "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }"
PAY = "mutation($i: PostPaymentInput!) { postPayment(input: $i) { userErrors { code } } }"
ADJUST = "mutation($i: CreateAdjustmentInput!) { createAdjustment(input: $i) { userErrors { code } } }"
CHARGE = "mutation($i: CreateSpecialChargeInput!) { createSpecialCharge(input: $i) { userErrors { code } } }"
BULK = "mutation($i: BulkAddNoteInput!) { bulkAddNote(input: $i) { userErrors { code } } }"


async def mutate(api, user, document: str, **input) -> None:
    data = await api.run(document, {"i": input}, user=user)
    assert next(iter(data.values()))["userErrors"] == [], data


@pytest.fixture
async def owned(api, session, tenant) -> dict[str, str]:
    """One real object of every kind, made by factories and by the API, and its ID as the owner reads it."""
    await add_templates(session, tenant.client.id)
    customer = await make_customer(session, tenant, "Nadia Node")
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    account = await make_account(session, customer, plan=plan)
    await make_transaction(session, account)
    await make_usage(session, account, 3, first=date(2025, 1, 1))
    await make_entry(session, customer, tenant.agent, memos=1)
    await make_invoice(session, customer)
    await make_contact(session, customer)
    await make_ticket(session, tenant.client.id, customer=customer)
    await session.commit()
    customer_id = to_global_id("Customer", customer.id)
    await mutate(api, tenant.agent, SEND_LETTER, customerId=customer_id, templateCode="CONTRACT", channel="MAIL")
    await mutate(api, tenant.admin, UPDATE, id=customer_id, name="Nadia Node-Smith")
    await mutate(api, tenant.agent, PAY, customerId=customer_id, amount="10.00", method="CHECK",
                 receivedOn=date.today().isoformat())
    await mutate(
        api, tenant.agent, ADJUST, customerId=customer_id, direction="CREDIT", amount="1.00", reasonCode="GOODWILL"
    )
    await mutate(
        api, tenant.agent, CHARGE, customerId=customer_id, description="Meter test", amount="5.00", reason="Asked"
    )
    await mutate(api, tenant.lead, BULK, body="Rates change next month.", accounts=customer.number)
    assert (await upload(api, tenant.admin, book(2)))["userErrors"] == []
    return found_ids(await api.run(FIND, {"n": customer.number}, user=tenant.admin))


def found_ids(data: dict) -> dict[str, str]:
    """Each Node object's id in the answer, by its type name (one per type)."""
    ids: dict[str, str] = {}

    def walk(value):
        if isinstance(value, dict):
            if "id" in value:
                type_name = base64.b64decode(value["id"]).decode().partition(":")[0]
                ids.setdefault(type_name, value["id"])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(data)
    return ids


class TestEveryNodeType:
    async def test_each_type_in_the_schema_refetches_through_node_and_nodes(self, api, tenant, owned):
        # (as an admin: bulk note jobs are team leads' and admins' to see, customer import jobs admins')
        # given every type the schema says implements Node
        types = (await api.run(NODE_TYPES, user=tenant.agent))["__type"]["possibleTypes"]
        # then the fixture reached a real object of each (a new Node type must be added to FIND)
        assert sorted(owned) == sorted(t["name"] for t in types)
        # when each is fetched alone and all together
        for type_name, global_id in owned.items():
            data = await api.run(NODE, {"id": global_id}, user=tenant.admin)
            assert data["node"] == {"__typename": type_name, "id": global_id}, type_name
        ids = list(owned.values())
        data = await api.run(NODES, {"ids": ids}, user=tenant.admin)
        # then each comes back as itself, in order
        assert data["nodes"] == [{"__typename": t, "id": i} for t, i in owned.items()]

    async def test_another_client_finds_none_of_them(self, api, other_tenant, owned):
        # shared reference data (markets, utilities) is everyone's; everything else belongs to one client
        private = {t: i for t, i in owned.items() if t not in ("Market", "Utility")}
        data = await api.run(NODES, {"ids": list(private.values())}, user=other_tenant.admin)
        assert data["nodes"] == [None] * len(private)
        for global_id in private.values():
            assert (await api.run(NODE, {"id": global_id}, user=other_tenant.admin))["node"] is None
