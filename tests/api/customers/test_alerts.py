"""Customer.alerts (seed 001): each kind through the API, what gives none, order, tenancy, constant SQL."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from db.enums import (
    AllocationMode,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
    TicketStatus,
)
from db.enums import EnrollmentStatus as S
from db.models import Customer, Payment
from graph.core.relay import to_global_id
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket

ALERTS = """
query($id: ID!) { node(id: $id) { ... on Customer {
  alerts { kind severity message subject { __typename ... on Node { id } } }
} } }
"""
MANY = """
query($first: Int!) { customers(first: $first, search: {name: "alerted"}) { edges { node {
  name alerts { kind severity message subject {
    __typename
    ... on CommLogEntry { subject createdBy { email } }
    ... on Invoice { number }
    ... on UtilityAccount { ldcAccountNumber }
    ... on Payment { status }
    ... on Ticket { summary }
    ... on Customer { number }
  } }
} } } }
"""


def today() -> date:
    return datetime.now(UTC).date()


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


async def alerts_of(api, user, customer) -> list[dict]:
    return (await api.run(ALERTS, {"id": gid("Customer", customer.id)}, user=user))["node"]["alerts"]


async def make_returned_payment(session, customer, returned_at: datetime, cents: int = 4_000) -> Payment:
    payment = Payment(client_id=customer.client_id, customer_id=customer.id, amount_cents=cents,
                      method=PaymentMethod.CHECK, received_on=returned_at.date() - timedelta(days=5),
                      mode=AllocationMode.FIFO, scope=PaymentScope.CUSTOMER, unapplied_cents=0,
                      status=PaymentStatus.RETURNED, returned_reason="NSF", returned_at=returned_at)
    session.add(payment)
    await session.flush()
    return payment


@dataclass
class Everything:
    """A customer with one reason for every alert kind, and the objects they should point at."""

    customer: Customer
    ids: dict[str, str]


async def alerted_customer(session, tenant, name: str = "Alerted Customer") -> Everything:
    day = today()
    customer = await make_customer(session, tenant, name)
    note = await make_entry(session, customer, tenant.agent, subject="Customer only speaks Spanish.", critical=True)
    await make_entry(session, customer, tenant.agent, subject="Ordinary call")
    oldest = await make_invoice(session, customer, 10_000, due_on=day - timedelta(days=40), number=f"OLD-{customer.id}")
    await make_invoice(session, customer, 5_050, due_on=day - timedelta(days=10))
    await make_invoice(session, customer, 7_000, due_on=day + timedelta(days=10))  # not due yet
    dropping = await make_account(session, customer, status=S.PENDING_DROP, end=day + timedelta(days=20),
                                  ldc=f"PD-{customer.id}")
    dropped = await make_account(session, customer, status=S.DROP_ACCEPTED, end=day + timedelta(days=5),
                                 ldc=f"DA-{customer.id}")
    renewing = await make_account(session, customer, end=day + timedelta(days=30), ldc=f"RN-{customer.id}")
    moving = await make_account(session, customer, end=day + timedelta(days=400), ldc=f"MV-{customer.id}")
    moving.pending_transfer = True
    await make_account(session, customer, end=day + timedelta(days=400))  # nothing to say
    customer.dunning_hold_until, customer.dunning_hold_reason = day + timedelta(days=14), "Hardship plan"
    ticket = await make_ticket(session, tenant.client.id, customer=customer, summary="Call back about the bill")
    returned = await make_returned_payment(session, customer, datetime.now(UTC) - timedelta(days=10))
    await session.commit()
    ids = {"note": gid("CommLogEntry", note.id), "invoice": gid("Invoice", oldest.id),
           "dropping": gid("UtilityAccount", dropping.id), "dropped": gid("UtilityAccount", dropped.id),
           "renewing": gid("UtilityAccount", renewing.id), "moving": gid("UtilityAccount", moving.id),
           "customer": gid("Customer", customer.id), "ticket": gid("Ticket", ticket.id),
           "payment": gid("Payment", returned.id)}
    return Everything(customer, ids)


class TestEachKind:
    async def test_every_kind_with_its_message_and_subject_in_order(self, api, session, tenant):
        # given a customer with a reason for every alert kind
        world = await alerted_customer(session, tenant)
        day, ids, pk = today(), world.ids, world.customer.id
        # when an agent opens it
        alerts = await alerts_of(api, tenant.agent, world.customer)
        # then each kind shows once, pointing at its object, by severity then standing conditions then newest
        seen = [(a["severity"], a["kind"], a["subject"]["__typename"], a["subject"]["id"]) for a in alerts]
        assert seen == [
            ("CRITICAL", "CRITICAL_NOTE", "CommLogEntry", ids["note"]),
            ("WARNING", "PENDING_DROP", "UtilityAccount", ids["dropping"]),
            ("WARNING", "DROP_ACCEPTED", "UtilityAccount", ids["dropped"]),
            ("WARNING", "DUNNING_HOLD", "Customer", ids["customer"]),
            ("WARNING", "RETURNED_PAYMENT", "Payment", ids["payment"]),
            ("WARNING", "PAST_DUE", "Invoice", ids["invoice"]),
            ("INFO", "RENEWAL_DUE", "UtilityAccount", ids["renewing"]),
            ("INFO", "PENDING_TRANSFER", "UtilityAccount", ids["moving"]),
            ("INFO", "OPEN_TICKET", "Ticket", ids["ticket"]),
        ]
        messages = {a["kind"]: a["message"] for a in alerts}
        assert messages["CRITICAL_NOTE"] == "Customer only speaks Spanish."
        assert messages["PAST_DUE"] == (f"Past due: $150.50, oldest unpaid invoice OLD-{pk} was due "
                                        f"{day - timedelta(days=40)}.")
        assert messages["PENDING_DROP"] == (f"Drop pending on LDC account PD-{pk}; service ends "
                                            f"{day + timedelta(days=20)}.")
        assert messages["DROP_ACCEPTED"] == (f"Drop accepted on LDC account DA-{pk}; service ends "
                                             f"{day + timedelta(days=5)}.")
        assert messages["DUNNING_HOLD"] == f"On dunning hold until {day + timedelta(days=14)}: Hardship plan."
        assert messages["RENEWAL_DUE"] == (f"Renewal due on LDC account RN-{pk}: its contract ends "
                                           f"{day + timedelta(days=30)} (in 30 days).")
        assert messages["PENDING_TRANSFER"] == f"Transfer pending on LDC account MV-{pk}."
        assert messages["OPEN_TICKET"].endswith("open: Call back about the bill")
        assert messages["RETURNED_PAYMENT"].startswith("Payment of $40.00 received ")

    async def test_past_due_amount_is_the_customers_past_due(self, api, session, tenant):
        world = await alerted_customer(session, tenant)
        query = "query($id: ID!) { node(id: $id) { ... on Customer { pastDue { amount } alerts { kind message } } } }"
        data = (await api.run(query, {"id": world.ids["customer"]}, user=tenant.agent))["node"]
        [message] = [a["message"] for a in data["alerts"] if a["kind"] == "PAST_DUE"]
        assert data["pastDue"] == {"amount": "150.50"}
        assert message.startswith("Past due: $150.50,")


class TestWhatGivesNone:
    async def test_expired_hold_closed_ticket_old_return_and_paid_up_account_give_no_alert(self, api, session, tenant):
        # given
        day = today()
        customer = await make_customer(session, tenant, "Quiet Customer")
        customer.dunning_hold_until, customer.dunning_hold_reason = day - timedelta(days=1), "Was on a plan"
        await make_ticket(session, tenant.client.id, customer=customer, status=TicketStatus.CLOSED)
        await make_returned_payment(session, customer, datetime.now(UTC) - timedelta(days=91))
        await make_invoice(session, customer, 1_000, due_on=day)  # due today: not yet past due
        await make_account(session, customer, end=day + timedelta(days=61))
        await make_account(session, customer, status=S.DROPPED, end=day + timedelta(days=3))
        await session.commit()
        # when / then
        assert await alerts_of(api, tenant.agent, customer) == []

    async def test_hold_through_today_still_alerts(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Held Customer")
        customer.dunning_hold_until, customer.dunning_hold_reason = today(), "Last day"
        await session.commit()
        assert [a["kind"] for a in await alerts_of(api, tenant.agent, customer)] == ["DUNNING_HOLD"]


class TestTenancy:
    async def test_another_clients_data_never_appears(self, api, session, tenant, other_tenant):
        # given another client's customer with every alert, and one of ours with a ticket of theirs on it
        theirs = await alerted_customer(session, other_tenant, "Alerted Theirs")
        ours = await make_customer(session, tenant, "Our Customer")
        await make_ticket(session, other_tenant.client.id, customer=ours, summary="Foreign ticket")
        await session.commit()
        # then ours shows nothing of theirs, and theirs is not found for us
        assert await alerts_of(api, tenant.agent, ours) == []
        assert (await api.run(ALERTS, {"id": theirs.ids["customer"]}, user=tenant.admin))["node"] is None
        assert len(await alerts_of(api, other_tenant.agent, theirs.customer)) == 9


# the same customers' alerts without their subjects
MANY_WITHOUT_SUBJECTS = """
query($first: Int!) { customers(first: $first, search: {name: "alerted"}) { edges { node {
  name alerts { kind severity message }
} } } }
"""


# The search's statements: on SQLite a first candidate count decides how it reads (docs/search.md)
SEARCH_STATEMENTS = {"sqlite": 2, "postgresql": 1}


class TestQueryCount:
    # after the search: aging, the alert sources (one UNION ALL of every source), and where the subjects are shown
    # one statement per kind of subject (notes, invoices, accounts, payments, tickets; the customer is at hand) and
    # the note authors
    @pytest.mark.parametrize(("document", "expected"), [(MANY_WITHOUT_SUBJECTS, 2), (MANY, 8)])
    async def test_statements_are_the_same_for_one_customer_and_for_twenty(self, api, database, session, tenant,
                                                                          other_tenant, count_sql, document,
                                                                          expected):
        # given one client with 1 alerted customer and another with 20
        await alerted_customer(session, tenant, "Alerted 0")
        for n in range(20):
            await alerted_customer(session, other_tenant, f"Alerted {n:02d}")

        async def statements(user, first: int) -> int:
            await api.run(document, {"first": first}, user=user)  # fill the app's per-process caches first
            with count_sql() as counter:
                data = await api.run(document, {"first": first}, user=user)
            edges = data["customers"]["edges"]
            assert len(edges) == first
            assert all(len(e["node"]["alerts"]) == 9 for e in edges)
            return counter.count

        # when
        one, twenty = await statements(tenant.agent, 1), await statements(other_tenant.agent, 20)
        # then the same
        assert one == twenty, (one, twenty)
        assert twenty == SEARCH_STATEMENTS[database.backend] + expected, twenty


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
async def test_every_role_sees_the_alerts(api, session, tenant, role):
    world = await alerted_customer(session, tenant)
    assert len(await alerts_of(api, getattr(tenant, role), world.customer)) == 9
