"""Every SPA query answers byte for byte the same on every path (paths.py), over generated books (books.py).

Each view is read with its screens' variables, then page by page with the cursors it gave, to one past the
last page (an empty page), and with variables it refuses (errors compared as well as data).
"""

import base64

from hypothesis import given

from db.enums import CommLogKind, CustomerKind, EnrollmentStatus
from graph.core.relay import from_global_id, to_global_id
from tests.api.differential.books import SHAPES, AccountShape, BookShape, EntryShape, build, examples
from tests.api.differential.paths import same_everywhere
from tests.api.persisted.helpers import register_spa

# (document, where its connection is in `data`) for the views that page with first/after
PAGED = {
    "AccountsTab": ("node", "utilityAccounts"),
    "CommunicationLogTab": ("node", "communicationLog"),
    "Timeline": ("node", "timeline"),
    "CustomerSearch": ("customers",),
}
EXAMPLES = examples(6)


def views(book: dict) -> list[tuple[str, dict]]:
    """Each query with the variables its screens send, and some they should not."""
    own = {"id": book["id"]}
    unknown = {"id": to_global_id("Customer", 10**12)}
    decoded = from_global_id(book["id"])
    assert decoded is not None
    key = decoded[1]
    # the customer's key under another Node type, a type that is no Node, and another spelling of its id
    wrong = [{"id": to_global_id("UtilityAccount", key)}, {"id": to_global_id("Nothing", key)},
             {"id": base64.b64encode(f"Customer:0{key}".encode()).decode()}]
    return [
        ("Viewer", {}),
        ("CustomerProfile", own), ("CustomerProfile", unknown), ("CustomerProfile", {"id": "garbage"}),
        *(("CustomerProfile", variables) for variables in wrong), *(("ArTab", variables) for variables in wrong),
        *([("CustomerProfile", {"id": book["child"]}), ("Timeline", {"id": book["child"]})] if book["child"] else []),
        ("ArTab", own), ("ArTab", {**own, "invoices": 1, "payments": 1, "history": 1}),
        ("ArTab", {**own, "invoices": 0, "payments": 0, "history": 0}), ("ArTab", {**own, "invoices": -1}),
        ("AccountsTab", {**own, "first": 101}),
        ("CommunicationLogTab", {**own, "filter": {"critical": True}}),
        ("CommunicationLogTab", {**own, "after": "not-a-cursor"}),
        ("Timeline", {**own, "includeChildren": True}), ("Timeline", {**own, "filter": {"kinds": ["PAYMENT"]}}),
        ("CustomerSearch", {"search": {"name": book["name"]}, "orderBy": "NUMBER"}),
        ("CustomerSearch", {"search": {"name": book["name"], "status": "ACTIVE"}}),
        ("CustomerSearch", {"search": {"name": book["name"], "address": "1 Elm St"}}),
        ("CustomerSearch", {"search": {"text": book["name"]}, "first": 0}),
        ("CustomerSearch", {"search": {"name": "!"}}), ("CustomerSearch", {"after": "not-a-cursor"}),
    ]


def paged(book: dict) -> list[tuple[str, dict]]:
    own = {"id": book["id"]}
    return [("AccountsTab", own), ("CommunicationLogTab", own), ("Timeline", own),
            ("CustomerSearch", {"search": {"name": book["name"].split()[0] + " " + book["name"].split()[1]}})]


async def walk(client, user, name: str, variables: dict, first: int) -> int:
    """Read every page of `first` rows through the cursors, then the empty page after the last; pages read."""
    after, pages = None, 0
    while True:
        page = await same_everywhere(client, user, name, {**variables, "first": first, "after": after})
        connection = page["data"]
        for key in PAGED[name]:
            connection = connection[key]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    if connection["pageInfo"]["endCursor"]:
        await same_everywhere(client, user, name, {**variables, "first": first,
                                                   "after": connection["pageInfo"]["endCursor"]})
    return pages


class TestQueries:
    @EXAMPLES
    @given(shape=SHAPES)
    async def test_every_view_answers_the_same_on_every_path(self, api, session, tenant, database, shape):
        await register_spa(database)
        book = await build(session, api, tenant, shape)
        for name, variables in views(book):
            await same_everywhere(api.client, tenant.agent, name, variables)
        for name, variables in paged(book):
            await walk(api.client, tenant.agent, name, variables, first=4)
            await walk(api.client, tenant.agent, name, variables, first=100)

    async def test_the_walk_reads_past_a_page_and_books_hold_what_the_shape_says(self, api, session, tenant, database):
        await register_spa(database)
        account = AccountShape(nulls=True, status=EnrollmentStatus.ACTIVE, history=1, transactions=2, planned=False)
        entry = EntryShape(nulls=False, kind=CommLogKind.CALL, critical=True, memos=1)
        shape = BookShape(nulls=True, kind=CustomerKind.COMMERCIAL, master=True, children=11, accounts=(account,) * 12,
                          invoices=((500, 2),) * 13, payments=(), entries=(entry,) * 9, tickets=1)
        book = await build(session, api, tenant, shape)
        profile = await same_everywhere(api.client, tenant.agent, "CustomerProfile", {"id": book["id"]})
        assert profile["data"]["node"]["utilityAccounts"]["totalCount"] == len(shape.accounts)
        log = await walk(api.client, tenant.agent, "CommunicationLogTab", {"id": book["id"]}, first=4)
        assert log == 3  # 4 + 4 + 1 entries
