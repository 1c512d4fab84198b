"""On every path, another client's ids answer exactly as ids that exist nowhere, and writes to them write nothing."""

import itertools

from hypothesis import given

from graph.core.relay import to_global_id
from tests.api.differential.books import SHAPES, build, examples
from tests.api.differential.paths import PATHS, run, views
from tests.api.persisted.helpers import register_spa

EXAMPLES = examples(3)
UNKNOWN = to_global_id("Customer", 10**12)


def requests(customer_id: str) -> list[tuple[str, dict]]:
    """The SPA's documents that take a customer's id, with that id."""
    return [
        ("CustomerProfile", {"id": customer_id}), ("ArTab", {"id": customer_id}),
        ("AccountsTab", {"id": customer_id}), ("CommunicationLogTab", {"id": customer_id}),
        ("Timeline", {"id": customer_id, "includeChildren": True}),
        ("AddNote", {"input": {"customerId": customer_id, "subject": "Sneaky", "body": "x"}}),
        ("PostPayment", {"input": {"customerId": customer_id, "amount": "1.00", "method": "CHECK",
                                   "receivedOn": "2025-02-10"}}),
        ("UpdateContactInfo", {"input": {"customerId": customer_id, "phone": "+12155550100",
                                         "requestedBy": {"name": "Differential"}}}),
        ("CreateTicket", {"input": {"summary": "Sneaky", "description": "x", "customerId": customer_id}}),
    ]


class TestCrossClient:
    @EXAMPLES
    @given(shape=SHAPES)
    async def test_their_ids_answer_as_unknown_ids_on_every_path(self, api, session, tenant, other_tenant,
                                                                 database, shape):
        await register_spa(database)
        theirs = await build(session, api, other_tenant, shape)
        before = await views(api.client, other_tenant.agent, theirs)
        ids = [theirs["id"], *([theirs["child"]] if theirs["child"] else [])]
        for path, customer_id in itertools.product(PATHS, ids):
            for (name, variables), (_, unknown) in zip(requests(customer_id), requests(UNKNOWN), strict=True):
                assert await run(api.client, tenant.agent, path, name, variables) == \
                    await run(api.client, tenant.agent, path, name, unknown), (path, name)
        for path in PATHS:  # their customer found by its name answers as a name no customer has
            assert await run(api.client, tenant.agent, path, "CustomerSearch", {"search": {"name": theirs["name"]}}) \
                == await run(api.client, tenant.agent, path, "CustomerSearch", {"search": {"name": "Zyxq Nobody"}})
        assert await views(api.client, other_tenant.agent, theirs) == before
