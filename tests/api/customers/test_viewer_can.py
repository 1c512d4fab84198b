"""Customer.viewerCan: the common tasks bar offers a task exactly when its mutation would not refuse the role."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from strawberry.utils.str_converters import to_camel_case

from db.enums import Role
from db.models import InvoiceLine
from graph.core.relay import to_global_id
from graph.customers.capabilities import NOT_ON_ONE_CUSTOMER, TASKS
from resolvers.permissions import Action, can
from tests.api.accounts.test_enrollment import account as enrollment_account
from tests.api.billing.helpers import post
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.resolvers.commlog.letters.test_outbox import add_templates

FIELDS = " ".join(to_camel_case(name) for name in TASKS)
VIEWER_CAN = f"query($id: ID!) {{ node(id: $id) {{ ... on Customer {{ viewerCan {{ {FIELDS} }} }} }} }}"


@dataclass
class World:
    """A customer every task can act on: email, billing address, an account on a plan, an invoice, a credit."""

    customer: str
    account: str
    invoice: str
    line: str
    payment: str


@dataclass(frozen=True)
class Case:
    mutation: str
    input_type: str
    input: Callable[[World], dict]
    # the code the mutation refuses the role with
    refusal: str = "FORBIDDEN"

    def document(self) -> str:
        return (f"mutation($input: {self.input_type}!) {{ {self.mutation}(input: $input) "
                "{ userErrors { field code message } } }")


def _in_ten_days() -> str:
    return (datetime.now(UTC).date() + timedelta(days=10)).isoformat()


# One real mutation per task, with an input that succeeds for a role that may run it.
CASES: dict[str, Case] = {
    "add_note": Case("addNote", "AddNoteInput", lambda w: {
        "customerId": w.customer, "contactName": "Pat Doe", "isAccountHolder": True,
        "reason": "Customer asked why the last bill was higher than usual.",
        "resolution": "Explained the higher usage in January and the rate on the plan; customer understood."}),
    "send_letter": Case("sendLetter", "SendLetterInput", lambda w: {
        "customerId": w.customer, "templateCode": "WELCOME_KIT", "channel": "EMAIL"}),
    "update_customer": Case("updateCustomer", "UpdateCustomerInput", lambda w: {"id": w.customer, "language": "es"}),
    "update_contact_info": Case("updateContactInfo", "UpdateContactInfoInput", lambda w: {
        "customerId": w.customer, "email": "pat.new@mail.example", "requestedBy": {"name": "Pat Doe"}}),
    "manage_authorized_contacts": Case("addAuthorizedContact", "AddAuthorizedContactInput", lambda w: {
        "customerId": w.customer, "name": "Sam Doe", "relationship": "spouse"}),
    "create_ticket": Case("createTicket", "CreateTicketInput", lambda w: {
        "customerId": w.customer, "summary": "Call back", "description": "Customer wants a call back."}),
    "edit_premise": Case("editPremise", "EditPremiseInput", lambda w: {
        "utilityAccountId": w.account, "meterNumber": "M2"}),
    "create_market_transaction": Case("createMarketTransaction", "CreateMarketTransactionInput", lambda w: {
        "utilityAccountId": w.account, "type": "HISTORICAL_USAGE_REQUEST"}),
    "post_payment": Case("postPayment", "PostPaymentInput", lambda w: {
        "customerId": w.customer, "amount": "10.00", "method": "CHECK", "receivedOn": "2025-03-01"}),
    "refund_payment": Case("refundPayment", "RefundPaymentInput", lambda w: {
        "paymentId": w.payment, "amount": "1.00", "reason": "Overpaid"}),
    "reverse_payment": Case("reversePayment", "ReversePaymentInput", lambda w: {
        "paymentId": w.payment, "reason": "NSF"}),
    "reverse_charges": Case("reverseInvoiceCharges", "ReverseInvoiceChargesInput", lambda w: {
        "invoiceId": w.invoice, "lineIds": [w.line], "reason": "Estimated read"}),
    "create_adjustment": Case("createAdjustment", "CreateAdjustmentInput", lambda w: {
        "customerId": w.customer, "direction": "DEBIT", "amount": "1.00", "reasonCode": "X"}),
    # above the client's default threshold ($100.00); billing refuses it with its own code, not FORBIDDEN
    "approve_large_adjustment": Case("createAdjustment", "CreateAdjustmentInput", lambda w: {
        "customerId": w.customer, "direction": "CREDIT", "amount": "150.00", "reasonCode": "GOODWILL"},
        refusal="ADJUSTMENT_NEEDS_TEAM_LEAD"),
    "manage_special_charges": Case("createSpecialCharge", "CreateSpecialChargeInput", lambda w: {
        "customerId": w.customer, "description": "Late fee", "amount": "5.00", "reason": "Paid late"}),
    "email_billing_documents": Case("emailInvoice", "EmailInvoiceInput", lambda w: {"invoiceId": w.invoice}),
    "update_settings": Case("updateCustomerSettings", "UpdateCustomerSettingsInput", lambda w: {
        "customerId": w.customer, "autopay": True}),
    "set_dunning_hold": Case("placeDunningHold", "PlaceDunningHoldInput", lambda w: {
        "customerId": w.customer, "until": _in_ten_days(), "reason": "Hardship plan"}),
    "enroll_utility_account": Case("enrollUtilityAccount", "EnrollUtilityAccountInput", lambda w: {
        "customerId": w.customer, "account": enrollment_account()}),
}


@pytest.fixture
async def world(api, session, tenant) -> World:
    await add_templates(session, tenant.client.id)
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    customer = await make_customer(session, tenant, "Pat Doe")
    account = await make_account(session, customer, plan=plan)
    await session.commit()
    # posted before any invoice exists, so all of it stays as credit to refund or return
    payment = (await post(api, tenant.admin, customer, "300.00"))["payment"]
    invoice = await make_invoice(session, customer, 10_000, lines=2)
    lines = select(InvoiceLine.id).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.id)
    line_id = (await session.execute(lines)).scalars().first()
    await session.commit()
    return World(customer=to_global_id("Customer", customer.id), account=to_global_id("UtilityAccount", account.id),
                 invoice=to_global_id("Invoice", invoice.id), line=to_global_id("InvoiceLine", line_id),
                 payment=payment["id"])


class TestTheTable:
    def test_every_task_has_a_mutation_case(self):
        assert set(CASES) == set(TASKS)

    def test_every_action_on_one_customer_is_a_task_and_the_rest_are_named(self):
        tasks = [task.action for task in TASKS.values()]
        assert len(tasks) == len(set(tasks)), "one field per action"
        assert set(tasks).isdisjoint(NOT_ON_ONE_CUSTOMER)
        assert set(tasks) | NOT_ON_ONE_CUSTOMER == set(Action), "a new Action must be a task or named as excluded"


@pytest.mark.parametrize("role", list(Role))
async def test_viewer_can_follows_the_role_rules(api, session, tenant, role):
    customer = await make_customer(session, tenant)
    await session.commit()
    data = await api.run(VIEWER_CAN, {"id": to_global_id("Customer", customer.id)}, user=tenant.user(role))
    assert data["node"]["viewerCan"] == {to_camel_case(n): can(role, t.action) for n, t in TASKS.items()}


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("role", list(Role))
async def test_viewer_can_matches_the_mutation_outcome(api, tenant, world, role, task):
    # given what the bar offers this role
    user = tenant.user(role)
    offered = (await api.run(VIEWER_CAN, {"id": world.customer}, user=user))["node"]["viewerCan"][to_camel_case(task)]
    # when the role runs the task's mutation for real
    case = CASES[task]
    errors = (await api.run(case.document(), {"input": case.input(world)}, user=user))[case.mutation]["userErrors"]
    # then it is offered exactly when it is not refused, and an offered task went through
    refused = [e for e in errors if e["code"] == case.refusal]
    assert offered == (not refused), (role, task, errors)
    if offered:
        assert errors == [], (role, task, errors)
