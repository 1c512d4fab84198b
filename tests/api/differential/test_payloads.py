"""Mutation payloads through compiled plans (graph/compiled/payloads.py): the SPA's mutations on twin books answer
as the executor answers (the reference's text; twins.py maps the fresh ids), with the payload completed by the plan;
refusals, userErrors, invalid variables and another client's ids answer byte for byte; each effect runs once
whichever way the payload is answered; a payload the plan gives way on is completed by the executor that ran the
mutation, not by running it again."""

import inspect
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from unittest.mock import patch

import orjson
import pytest
from graphql.execution import Executor
from sqlalchemy import func, select

from db import models
from db.enums import CustomerKind
from graph.compiled import payloads
from graph.compiled.plan import plan_document
from graph.compiled.selections import GiveWay
from graph.core.relay import to_global_id
from graph.logs import fields_of
from graph.tickets import types as ticket_types
from resolvers.billing import payments as billing_payments
from tests.api.differential.books import BookShape, build
from tests.api.differential.paths import PATHS, REFERENCE, run
from tests.api.differential.test_mutations import writes
from tests.api.differential.twins import Twins
from tests.api.persisted.helpers import SPA, auth, checker, register, register_spa
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

PLANNED = ("compiled", "text-known", "text-compiled")  # paths on apps with plans on (the default)
MUTATIONS = sorted(name for name in SPA if SPA[name]["body"].lstrip().startswith("mutation"))
# what the executor resolves of each SPA mutation's payload (resolvers on the plan's objects); the rest is the plan's
FALLS_BACK_ON = {
    "AddMemo": ("addMemo.memo.createdBy", "addMemo.entry.memos"),
    "AddNote": ("addNote.entry.createdBy",),
    "CreateTicket": ("createTicket.ticket.customer",),
    "EnrollUtilityAccount": (),
    "PostPayment": (),
    "ReversePayment": (),
    "UpdateContactInfo": (),
}
BOOK = BookShape(False, CustomerKind.RESIDENTIAL, False, 0, (), ((12_000, 2), (30_000, 1), (7_500, 3)), (),
                 (), 0)


@contextmanager
def outcomes() -> Iterator[list[str]]:
    """What became of each payload a plan started to complete: "plan", or the reason it gave way."""
    seen: list[str] = []
    complete = payloads.PayloadPlan.complete

    async def spied(self: payloads.PayloadPlan, *args: Any) -> Any:
        try:
            done = await complete(self, *args)
        except Exception as error:
            seen.append(f"{type(error).__name__}: {error}")
            raise
        seen.append("plan")
        return done

    with patch.object(payloads.PayloadPlan, "complete", spied):
        yield seen




EFFECTS = (models.Payment, models.CommLogEntry, models.CommLogMemo, models.Ticket, models.UtilityAccount,
           models.SpecialCharge, models.PaymentAllocation)


async def effects(database: Any) -> dict[str, int]:
    """The rows of each table a mutation writes, read on a session of its own (what is committed)."""
    async with database.sessionmaker() as session:
        return {model.__name__: int((await session.execute(select(func.count()).select_from(model))).scalar_one())
                for model in EFFECTS}


async def writes_made(database: Any, client: Any, tenant: Any, path: str, book: Any,
                      amount: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The SPA's writes on `path` (their answers) and the rows of each table they made (`effects` before and after)."""
    before = await effects(database)
    answers = await writes(client, tenant, path, book, amount)
    after = await effects(database)
    return answers, {k: after[k] - before[k] for k in after}


@pytest.mark.parametrize("name", MUTATIONS)
def test_every_spa_mutation_has_a_plan_for_its_payload(name: str) -> None:
    document = checker().prepare(SPA[name]["body"], trusted=True)
    planned = plan_document(checker().schema, document.document, document.operations, f"test-{name}")[name]
    assert isinstance(planned.plan, payloads.MutationPlan), planned.fallbacks
    assert planned.plan.fallbacks == FALLS_BACK_ON[name]
    root = next(iter(planned.plan.payloads))
    assert {f"{root}.userErrors.code", f"{root}.clientMutationId"} <= set(planned.plan.compiled_fields)
    assert not set(planned.plan.compiled_fields) & set(planned.plan.fallbacks)


@pytest.mark.parametrize(("text", "why"), [
    ("mutation { __typename }", "a mutation without a payload"),
    ("mutation($i: PostPaymentInput!) { postPayment(input: $i) { payment @include(if: true) { id } } }",
     "postPayment: a directive"),
])
def test_what_gets_no_payload_plan(text: str, why: str) -> None:
    document = checker().prepare(text, trusted=True)
    planned = plan_document(checker().schema, document.document, document.operations, "test")[None]
    assert (planned.plan, planned.fallbacks) == (None, (why,))


def test_the_executor_internals_the_payload_plan_uses_keep_their_shape() -> None:
    assert list(inspect.signature(Executor.complete_value).parameters) == [
        "self", "return_type", "field_details_list", "info", "path", "result", "position_context"]
    assert issubclass(payloads.PayloadExecutor, Executor)


@contextmanager
def both_completions() -> Iterator[list[tuple[bytes, bytes]]]:
    """For each payload a plan completes: its bytes, and the bytes of the executor's own completion of the same value
    (the same effects: the executor reads through its loaders, cleared when the mutation committed)."""
    pairs: list[tuple[bytes, bytes]] = []
    planned = payloads.PayloadExecutor._planned

    async def both(self: payloads.PayloadExecutor, payload: Any, return_type: Any, field_details_list: Any,
                   info: Any, path: Any, result: Any, position_context: Any) -> Any:
        mine = await planned(self, payload, return_type, field_details_list, info, path, result, position_context)
        theirs = super(payloads.PayloadExecutor, self).complete_value(return_type, field_details_list, info, path,
                                                                      result, position_context)
        theirs = await theirs if inspect.isawaitable(theirs) else theirs
        assert not self.collected_errors.errors, self.collected_errors.errors
        pairs.append((orjson.dumps(mine), orjson.dumps(theirs)))
        return mine

    with patch.object(payloads.PayloadExecutor, "_planned", both):
        yield pairs


class TestTwinWrites:
    @pytest.mark.parametrize("path", PLANNED)
    async def test_each_planned_payload_is_the_executors_completion_of_the_same_value(self, api, session, tenant,
                                                                                       database, path) -> None:
        """Byte for byte, instants included: the plan's payload and the executor's, of one write's payload."""
        await register_spa(database)
        book = await build(session, api, tenant, BOOK, name="Payload Bytes")
        with both_completions() as pairs, outcomes() as seen:
            answers = await writes(api.client, tenant, path, book, "250.00")
        assert all("errors" not in answer for answer in answers), answers
        assert seen == ["plan"] * 7, seen
        assert len(pairs) == 7
        for mine, theirs in pairs:
            assert mine == theirs


    async def test_the_spa_writes_answer_as_the_executor_with_the_payloads_planned(self, api, session, tenant,
                                                                                   database) -> None:
        await register_spa(database)
        answers = {}
        for path in PATHS:
            book = await build(session, api, tenant, BOOK, name="Payload Twin")
            with outcomes() as seen:
                answers[path], made = await writes_made(database, api.client, tenant, path, book, "250.00")
            # each write ran once: one memo, one payment (2 allocations, taken back by its reversal: 2 more), one
            # account (entries and tickets: test_the_note_and_entry_counts_are_the_same_on_every_path)
            assert (made["Payment"], made["PaymentAllocation"], made["CommLogMemo"], made["UtilityAccount"]) == \
                (1, 4, 1, 1), (path, made)
            assert seen == (["plan"] * 7 if path in PLANNED else []), (path, seen)
        reference = answers.pop(REFERENCE)
        assert all("errors" not in answer for answer in reference), reference
        allocations = reference[2]["data"]["postPayment"]["payment"]["allocations"]
        assert [(a["amount"]["amount"], a["invoice"]["status"]) for a in allocations] == \
            [("120.00", "PAID"), ("130.00", "PARTIALLY_PAID")], allocations
        for path, answer in answers.items():
            Twins().assert_same(reference, answer, path)

    async def test_the_note_and_entry_counts_are_the_same_on_every_path(self, api, session, tenant,
                                                                       database) -> None:
        await register_spa(database)
        made = {}
        for path in PATHS:
            book = await build(session, api, tenant, BOOK, name="Payload Count")
            _, made[path] = await writes_made(database, api.client, tenant, path, book, "10.00")
        assert all(made[path] == made[REFERENCE] for path in PATHS), made


@pytest.fixture
async def customer(session, tenant) -> dict[str, Any]:
    """A customer with three open invoices."""
    made = await make_customer(session, tenant, "Payload Quill")
    for month, cents in enumerate((12_000, 30_000, 7_500)):
        await make_invoice(session, made, cents, lines=2, due_on=date(2025, month + 1, 1))
    await session.commit()
    return {"id": to_global_id("Customer", made.id)}


def payment(customer_id: str, amount: str = "150.00", **more: Any) -> dict[str, Any]:
    return {"input": {"customerId": customer_id, "amount": amount, "method": "CHECK", "receivedOn": "2025-03-01",
                      **more}}


class TestByteForByte:
    async def test_a_replayed_payment_answers_the_executors_bytes(self, api, session, tenant, database,
                                                                  customer) -> None:
        """The same payment on both paths (an idempotency key's replay): the plan's payload is the executor's."""
        await register_spa(database)
        variables = payment(customer["id"], idempotencyKey="payload-replay", clientMutationId="m1")
        with outcomes() as seen:
            first = await run(api.client, tenant.agent, "compiled", "PostPayment", variables)
            before = await effects(database)
            answers = {path: await run(api.client, tenant.agent, path, "PostPayment", variables) for path in PATHS}
        assert await effects(database) == before  # replays write nothing
        assert seen == ["plan"] * (1 + len(PLANNED)), seen  # the first post, then each planned path's replay
        body = json.loads(first[2])["data"]["postPayment"]
        assert (body["replayed"], len(body["payment"]["allocations"])) == (False, 2)
        assert json.loads(answers[REFERENCE][2])["data"]["postPayment"]["replayed"] is True
        assert all(answer == answers[REFERENCE] for answer in answers.values()), answers

    @pytest.mark.parametrize("inline_keys", [payloads.INLINE_KEYS, 0], ids=["on the loop's thread", "hopping"])
    async def test_the_payloads_objects_by_id_read_the_same_on_either_thread(self, api, tenant, database, customer,
                                                                           monkeypatch, inline_keys) -> None:
        await register_spa(database)
        monkeypatch.setattr(payloads, "INLINE_KEYS", inline_keys)
        variables = payment(customer["id"], idempotencyKey="payload-thread")
        await run(api.client, tenant.agent, REFERENCE, "PostPayment", variables)  # posts it
        with outcomes() as seen:
            planned = await run(api.client, tenant.agent, "compiled", "PostPayment", variables)
        assert seen == ["plan"]
        assert planned == await run(api.client, tenant.agent, REFERENCE, "PostPayment", variables)

    @pytest.mark.parametrize("variables", [
        payment("customer", amount="-5.00"),  # userErrors: the payload's plain values
        payment("customer", amount="1.001"),
        payment(to_global_id("Customer", 10**12)),
        payment("not an id"),
        {"input": {"customerId": "customer", "amount": "5.00", "method": "BARTER", "receivedOn": "2025-03-01"}},
        {"input": {"customerId": "customer"}},  # invalid variables: refused before anything runs
        {},
    ], ids=["negative", "sub-cent", "unknown", "garbage", "bad enum", "missing", "no input"])
    async def test_refusals_answer_the_executors_bytes_and_write_nothing(self, api, session, tenant, database,
                                                                         customer, variables) -> None:
        await register_spa(database)
        text = json.dumps(variables).replace('"customer"', json.dumps(customer["id"]))
        variables = json.loads(text)
        before = await effects(database)
        with outcomes() as seen:
            answers = {path: await run(api.client, tenant.agent, path, "PostPayment", variables) for path in PATHS}
        assert await effects(database) == before
        assert all(answer == answers[REFERENCE] for answer in answers.values()), answers
        body = json.loads(answers[REFERENCE][2])
        assert "errors" in body or body["data"]["postPayment"]["userErrors"], body
        assert seen == (["plan"] * len(PLANNED) if "errors" not in body else []), seen

    async def test_another_clients_customer_answers_as_an_unknown_one(self, api, session, tenant, other_tenant,
                                                                      database) -> None:
        await register_spa(database)
        theirs = await make_customer(session, other_tenant, "Their Payload")
        await make_invoice(session, theirs, 5_000)
        await session.commit()
        before = await effects(database)
        for name, variables in [
            ("PostPayment", payment(to_global_id("Customer", theirs.id))),
            ("AddNote", {"input": {"customerId": to_global_id("Customer", theirs.id), "body": "Sneaky"}}),
            ("CreateTicket", {"input": {"summary": "Sneaky", "description": "x",
                                        "customerId": to_global_id("Customer", theirs.id)}}),
        ]:
            unknown = json.loads(json.dumps(variables).replace(to_global_id("Customer", theirs.id),
                                                               to_global_id("Customer", 10**12)))
            for path in PATHS:
                assert await run(api.client, tenant.agent, path, name, variables) == \
                    await run(api.client, tenant.agent, REFERENCE, name, unknown), (path, name)
        assert await effects(database) == before

    async def test_a_document_that_fails_validation_is_refused_the_same_and_runs_nothing(
            self, api, compiled_client, database, tenant, customer) -> None:
        text = "mutation($input: PostPaymentInput!) { postPayment(input: $input) { payment { id nope } } }"
        before = await effects(database)
        headers = auth(tenant.agent)
        body = {"query": text, "variables": payment(customer["id"])}
        reference = await api.client.post("/graphql", json=body, headers=headers)
        compiled = await compiled_client.post("/graphql", json=body, headers=headers)
        assert (compiled.status_code, compiled.content) == (reference.status_code, reference.content)
        assert reference.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert await effects(database) == before


class TestGivingWay:
    async def test_a_payload_the_plan_gives_way_on_is_the_executors_and_the_effect_runs_once(
            self, api, session, tenant, database, customer, monkeypatch) -> None:
        await register_spa(database)

        async def missing(*args: Any) -> None:
            raise GiveWay("the row is gone")

        variables = payment(customer["id"], idempotencyKey="payload-gives-way")
        first = await run(api.client, tenant.agent, REFERENCE, "PostPayment", variables)  # posts it
        before = await effects(database)
        monkeypatch.setattr(payloads.KeyedLevel, "read", missing)
        with outcomes() as seen:
            replayed = {path: await run(api.client, tenant.agent, path, "PostPayment", variables) for path in PATHS}
        assert seen == ["GiveWay: the row is gone"] * len(PLANNED), seen
        assert all(answer == replayed[REFERENCE] for answer in replayed.values()), replayed
        assert await effects(database) == before
        assert json.loads(first[2])["data"]["postPayment"]["payment"] == \
            json.loads(replayed[REFERENCE][2])["data"]["postPayment"]["payment"]

    @pytest.mark.parametrize("path", PLANNED)
    async def test_a_new_payment_whose_payload_gives_way_is_posted_once(self, api, session, tenant, database,
                                                                       customer, monkeypatch, path) -> None:
        await register_spa(database)

        async def broken(*args: Any) -> None:
            raise RuntimeError("the plan's read failed")

        monkeypatch.setattr(payloads.KeyedLevel, "read", broken)
        before = await effects(database)
        with outcomes() as seen:
            answer = json.loads((await run(api.client, tenant.agent, path, "PostPayment",
                                           payment(customer["id"])))[2])
        after = await effects(database)
        assert (after["Payment"] - before["Payment"], after["PaymentAllocation"] - before["PaymentAllocation"]) == \
            (1, 2)
        assert seen == ["RuntimeError: the plan's read failed"]
        paid = answer["data"]["postPayment"]["payment"]
        assert (paid["amount"]["amount"], [a["amount"]["amount"] for a in paid["allocations"]]) == \
            ("150.00", ["120.00", "30.00"])

    async def test_an_error_in_a_field_the_executor_resolves_is_the_executors(self, api, session, tenant, database,
                                                                             customer, monkeypatch) -> None:
        """A resolver the payload plan falls back on fails: the executor completes the payload and words the error;
        the ticket is made once per request."""
        await register_spa(database)

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("customers are unreadable")

        monkeypatch.setattr(ticket_types, "node_or_none", broken)  # what Ticket.customer and assignee read
        variables = {"input": {"summary": "Broken", "description": "x", "customerId": customer["id"]}}
        before = await effects(database)
        with outcomes() as seen:
            answers = {path: json.loads((await run(api.client, tenant.agent, path, "CreateTicket", variables))[2])
                       for path in PATHS}
        assert (await effects(database))["Ticket"] - before["Ticket"] == len(PATHS)
        assert [reason.split(":")[0] for reason in seen] == ["GiveWay"] * len(PLANNED), seen
        reference = answers.pop(REFERENCE)
        assert reference["data"]["createTicket"]["ticket"]["customer"] is None, reference
        assert [error["path"] for error in reference["errors"]] == [["createTicket", "ticket", "customer"]]
        for path, answer in answers.items():
            Twins().assert_same(reference, answer, path)


TWO_PAYMENTS = """mutation Two($a: PostPaymentInput!, $b: PostPaymentInput!) {
  a: postPayment(input: $a) { payment { id unappliedAmount { amount } } userErrors { code } }
  b: postPayment(input: $b) { payment { id unappliedAmount { amount } } userErrors { code } } }"""


class TestTheRequestLine:
    """Its `plan` says what the mutation's plan answered: "compiled" when it completed every payload that reached it,
    "partial" when it gave way on some, none when it completed none (as a query whose plan gives way)."""

    @pytest.mark.parametrize(("gives_way_on", "plan"), [((), "compiled"), ((1,), "partial"), ((2,), "partial"),
                                                         ((1, 2), None)])
    async def test_it_says_which_payloads_the_plan_answered(self, compiled_client, database, tenant, customer,
                                                            caplog, monkeypatch, gives_way_on, plan) -> None:
        [document_id] = await register(database, TWO_PAYMENTS)
        read = payloads.KeyedLevel.read
        reads: list[int] = []

        async def sometimes(self: payloads.KeyedLevel, *args: Any) -> None:
            reads.append(len(reads) + 1)
            if reads[-1] in gives_way_on:
                raise GiveWay("the row is gone")
            await read(self, *args)

        monkeypatch.setattr(payloads.KeyedLevel, "read", sometimes)
        variables = {"a": payment(customer["id"], "10.00")["input"], "b": payment(customer["id"], "25.00")["input"]}
        with caplog.at_level(logging.INFO, logger="csrgraph.access"), outcomes() as seen:
            response = await compiled_client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                                  headers=auth(tenant.agent))
        body = response.json()
        assert [body["data"][key]["payment"]["unappliedAmount"]["amount"] for key in "ab"] == ["0.00", "0.00"], body
        assert seen == ["GiveWay: the row is gone" if n in gives_way_on else "plan" for n in (1, 2)]
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert (line["operation"], line.get("plan")) == ("Two", plan)

    @pytest.mark.parametrize(("variables", "breaks", "plan"), [
        (payment("customer"), False, "compiled"),
        (payment(to_global_id("Customer", 10**12)), False, "compiled"),  # userErrors: the plan completes the payload
        (payment("customer"), True, None),  # the resolver's error: no payload reaches the plan
        ({"input": {"customerId": "customer"}}, False, None),  # invalid variables: the executor runs it, not the plan
    ], ids=["posted", "user errors", "resolver error", "invalid variables"])
    async def test_a_payload_that_never_reaches_the_plan_says_no_plan(self, api, database, tenant, customer, caplog,
                                                                     monkeypatch, variables, breaks, plan) -> None:
        await register_spa(database)
        if breaks:
            async def broken(*args: Any) -> None:
                raise RuntimeError("the ledger is unreadable")

            monkeypatch.setattr(billing_payments, "post_payment", broken)
        variables = json.loads(json.dumps(variables).replace('"customer"', json.dumps(customer["id"])))
        with caplog.at_level(logging.INFO, logger="csrgraph.access"), outcomes() as seen:
            _, _, content = await run(api.client, tenant.agent, "compiled", "PostPayment", variables)
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert (line["operation"], line.get("plan")) == ("PostPayment", plan), content
        assert seen == (["plan"] if plan else []), seen
        assert ("errors" in json.loads(content)) == (plan is None), content


class TestStatements:
    async def test_the_spa_payment_payload_reads_three_statements_whatever_it_paid(self, api, session, tenant,
                                                                                  other_tenant, database,
                                                                                  count_sql) -> None:
        """The payment by id, its allocations, their invoices: one statement each, for one invoice paid or six (the
        posting's own statements do not grow either: tests/api/billing/test_payment_statements.py)."""
        await register_spa(database)
        payers = []
        for owner, invoices in ((tenant, 1), (tenant, 1), (other_tenant, 6)):
            made = await make_customer(session, owner, "Statement Payer")
            for n in range(invoices):
                await make_invoice(session, made, 1_000 + n, due_on=date(2025, 1, n + 1))
            payers.append((owner, to_global_id("Customer", made.id)))
        await session.commit()
        counted = []
        for owner, customer_id in payers:  # the first warms up: the document, the agent's sign-in
            with count_sql() as counter, outcomes() as seen:
                body = json.loads((await run(api.client, owner.agent, "compiled", "PostPayment",
                                             payment(customer_id, amount="100.00")))[2])
            assert seen == ["plan"]
            assert body["data"]["postPayment"]["userErrors"] == [], body
            ran = [" ".join(s.split()) for s in counter.statements if not s.lstrip().startswith("SELECT users.")]
            last_write = max(n for n, s in enumerate(ran) if s.split()[0] in ("INSERT", "UPDATE", "WITH"))
            reads = [s.split(" FROM ")[1].split()[0] for s in ran[last_write + 1:]]  # after the effects: the payload
            counted.append((len(ran), reads, len(body["data"]["postPayment"]["payment"]["allocations"])))
        assert counted[1][:2] == counted[2][:2], counted
        assert counted[2][1] == ["payments", "payment_allocations", "invoices"], counted
        assert [allocations for _, _, allocations in counted] == [1, 1, 6]
