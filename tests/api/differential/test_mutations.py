"""The SPA's mutations answer the same on every path: refusals byte for byte (and write nothing), and writes
on twin books (twins.py), whose views read the same afterwards."""

import json

from hypothesis import given
from hypothesis import strategies as st

from graph.core.relay import to_global_id
from tests.api.accounts.test_enrollment import account as enrollment_account
from tests.api.differential.books import SHAPES, build, examples
from tests.api.differential.paths import PATHS, REFERENCE, run, same_everywhere, views
from tests.api.differential.twins import Twins
from tests.api.persisted.helpers import register_spa

EXAMPLES = examples(4)
AMOUNTS = st.integers(1, 2_000_000).map(lambda cents: f"{cents // 100}.{cents % 100:02d}")


def refusals(book: dict) -> list[tuple[str, dict]]:
    unknown = to_global_id("Customer", 10**12)
    return [
        ("AddNote", {"input": {"customerId": unknown, "body": "x"}}),
        ("AddNote", {"input": {"customerId": book["id"], "body": ""}}),
        ("AddMemo", {"input": {"entryId": to_global_id("CommLogEntry", 10**12), "text": "hi"}}),
        ("PostPayment", {"input": {"customerId": book["id"], "amount": "-5.00", "method": "CHECK",
                                   "receivedOn": "2025-02-10"}}),
        ("PostPayment", {"input": {"customerId": book["id"], "amount": "1.001", "method": "CHECK",
                                   "receivedOn": "2025-02-10"}}),
        ("ReversePayment", {"input": {"paymentId": to_global_id("Payment", 10**12), "reason": "NSF"}}),
        ("UpdateContactInfo", {"input": {"customerId": book["id"], "email": "not an email",
                                         "requestedBy": {"name": "Kim"}}}),
        ("CreateTicket", {"input": {"summary": "", "description": "x"}}),
        ("EnrollUtilityAccount", {"input": {"customerId": book["id"], "account": enrollment_account()}}),  # a role
    ]


async def writes(client, tenant, path: str, book: dict, amount: str) -> list[dict]:
    """The SPA's writes, each on the answer of the one before, through `path`; their answers."""
    async def send(name, variables, user=tenant.agent):
        answers.append(json.loads((await run(client, user, path, name, variables))[2]))
        return answers[-1].get("data") or {}

    answers: list[dict] = []
    note = await send("AddNote", {"input": {"customerId": book["id"], "subject": "Twin", "body": "Hello",
                                            "clientMutationId": "n"}})
    entry = (note.get("addNote") or {}).get("entry") or {}
    await send("AddMemo", {"input": {"entryId": entry.get("id", "none"), "text": "Called back"}})
    paid = await send("PostPayment", {"input": {"customerId": book["id"], "amount": amount, "method": "CHECK",
                                                "receivedOn": "2025-03-01"}})
    payment = (paid.get("postPayment") or {}).get("payment") or {}
    await send("ReversePayment", {"input": {"paymentId": payment.get("id", "none"), "reason": "NSF"}}, tenant.lead)
    await send("CreateTicket", {"input": {"summary": "Meter", "description": "Check it", "customerId": book["id"]}})
    await send("UpdateContactInfo", {"input": {"customerId": book["id"], "phone": "+12155550199",
                                               "requestedBy": {"name": "Kim"}}})
    await send("EnrollUtilityAccount", {"input": {"customerId": book["child"] or book["id"],
                                                  "account": enrollment_account()}}, tenant.lead)
    return answers


class TestMutations:
    @EXAMPLES
    @given(shape=SHAPES)
    async def test_refusals_answer_the_same_on_every_path_and_write_nothing(self, api, session, tenant, database,
                                                                             shape):
        await register_spa(database)
        book = await build(session, api, tenant, shape)
        before = await views(api.client, tenant.agent, book)
        for name, variables in refusals(book):
            body = await same_everywhere(api.client, tenant.agent, name, variables)
            assert "errors" in body or body["data"][next(iter(body["data"]))]["userErrors"], (name, body)
        assert await views(api.client, tenant.agent, book) == before

    @EXAMPLES
    @given(shape=SHAPES, amount=AMOUNTS)
    async def test_writes_on_twin_books_answer_and_read_the_same_on_every_path(self, api, session, tenant, database,
                                                                                shape, amount):
        await register_spa(database)
        answers = {}
        for path in PATHS:
            book = await build(session, api, tenant, shape, name="Twin Book")
            answers[path] = (await writes(api.client, tenant, path, book, amount),
                             await views(api.client, tenant.agent, book))
        reference = answers.pop(REFERENCE)
        assert all("errors" not in answer for answer in reference[0][:6]), reference[0]
        for path, answer in answers.items():  # each path's fresh values correspond to the reference's on their own
            Twins().assert_same(reference, answer, path)
