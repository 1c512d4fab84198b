"""Every Date the API takes, at the ends of the calendar (0001-01-01, 9999-12-31): an answer or a clear
error, never an internal one (date arithmetic past the calendar's ends used to surface as "Unexpected error.").

The table names every Date argument and input field of the schema, so a new one cannot be left out.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type

from db.enums import EnrollmentStatus
from graph.core.relay import to_global_id
from graph.schema import make_schema
from tests.api.accounts.helpers import create, respond
from tests.api.accounts.test_enrollment import number_for
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer

EXTREMES = ["0001-01-01", "9999-12-31"]


@dataclass(frozen=True)
class Case:
    """A document with a Date variable $d and the other variables it needs, from the world's ids."""

    covers: tuple[str, ...]  # "Type.field.argument" or "InputType.field"
    document: str
    variables: dict


CASES = [
    Case(("Query.arAging.asOf",), "query($d: Date) { arAging(asOf: $d) { total { amount } } }", {}),
    Case(
        ("Query.previewNextInvoice.periodStart", "Query.previewNextInvoice.periodEnd"),
        "query($a: ID!, $d: Date!) { previewNextInvoice(utilityAccountId: $a, periodStart: $d, periodEnd: $d) "
        "{ total { amount } } }",
        {"a": "account"},
    ),
    Case(
        ("Customer.arHistory.start", "Customer.arHistory.end", "Customer.aging.asOf"),
        "query($c: ID!, $d: Date) { node(id: $c) { ... on Customer { arHistory(first: 5, start: $d, end: $d) "
        "{ totalCount } aging(asOf: $d) { total { amount } } } } }",
        {"c": "customer"},
    ),
    Case(
        ("UtilityAccount.consumption.from", "UtilityAccount.consumption.to"),
        "query($a: ID!, $d: Date) { node(id: $a) { ... on UtilityAccount { consumption(from: $d, to: $d) "
        "{ __typename } } } }",
        {"a": "account"},
    ),
    Case(
        ("NoteInput.followUpDue",),
        'query($c: ID!, $d: Date) { checkNote(input: {customerId: $c, followUpDue: $d, reason: "Called"}) '
        "{ __typename } }",
        {"c": "customer"},
    ),
    Case(
        ("AddNoteInput.followUpDue",),
        'mutation($c: ID!, $d: Date) { addNote(input: {customerId: $c, followUpDue: $d, contactName: "Pat Doe", '
        'isAccountHolder: true, reason: "Customer asked about the bill.", resolution: "Explained the bill; '
        'will call back.", followUp: "Call back"}) { userErrors { code } } }',
        {"c": "customer"},
    ),
    Case(
        ("CreateMarketTransactionInput.effectiveDate",),
        "mutation($a: ID!, $d: Date) { createMarketTransaction(input: {utilityAccountId: $a, type: DROP, "
        "effectiveDate: $d}) { userErrors { code } } }",
        {"a": "account"},
    ),
    Case(
        ("RecordMarketResponseInput.effectiveDate",),
        'mutation($l: String!, $d: Date) { recordMarketResponse(input: {ldcAccountNumber: $l, reference: "R-X", '
        "outcome: INBOUND, type: DROP, effectiveDate: $d}) { userErrors { code } } }",
        {"l": "ldc"},
    ),
    Case(
        ("PostPaymentInput.receivedOn",),
        'mutation($c: ID!, $d: Date!) { postPayment(input: {customerId: $c, amount: "5.00", method: CHECK, '
        "receivedOn: $d}) { userErrors { code } } }",
        {"c": "customer"},
    ),
    Case(
        ("RunBillingInput.periodStart", "RunBillingInput.periodEnd", "RunBillingInput.issuedOn"),
        "mutation($a: ID!, $d: Date!) { runBilling(input: {utilityAccountId: $a, periodStart: $d, periodEnd: $d, "
        "issuedOn: $d}) { userErrors { code } } }",
        {"a": "account"},
    ),
    Case(
        ("EmailArHistoryInput.start", "EmailArHistoryInput.end"),
        "mutation($c: ID!, $d: Date) { emailArHistory(input: {customerId: $c, start: $d, end: $d}) "
        "{ userErrors { code } } }",
        {"c": "customer"},
    ),
    Case(
        ("PlaceDunningHoldInput.until",),
        'mutation($c: ID!, $d: Date!) { placeDunningHold(input: {customerId: $c, until: $d, reason: "Hardship"}) '
        "{ userErrors { code } } }",
        {"c": "customer"},
    ),
    Case(
        ("EnrollmentAccountInput.requestedStartDate",),
        "mutation($c: ID!, $d: Date!, $l: String!) { enrollUtilityAccount(input: {customerId: $c, account: "
        '{ldcAccountNumber: $l, utility: "ONCOR", requestedStartDate: $d, serviceAddress: {line1: "1 Main St", '
        'city: "Dallas", state: "TX", zip: "75201"}}}) { userErrors { code } } }',
        {"c": "customer", "l": "new_ldc"},
    ),
    Case(
        ("CreateRatePlanInput.effectiveFrom",),
        'mutation($d: Date!) { createRatePlan(input: {code: "EXT-1", name: "Ends", market: "TX", termMonths: 12, '
        'energyRate: "11.5", monthlyFee: "0", effectiveFrom: $d}) { userErrors { code } } }',
        {},
    ),
    Case(
        ("SetRatePlanPriceInput.effectiveFrom",),
        'mutation($p: ID!, $d: Date!) { setRatePlanPrice(input: {ratePlanId: $p, energyRate: "11.5", '
        'monthlyFee: "0", effectiveFrom: $d}) { userErrors { code } } }',
        {"p": "plan"},
    ),
    Case(
        ("SetDeliveryChargeInput.effectiveFrom",),
        'mutation($d: Date!) { setDeliveryCharge(input: {utility: "ONCOR", perKwh: "3.1", monthlyCharge: "3.45", '
        "effectiveFrom: $d}) { userErrors { code } } }",
        {},
    ),
    Case(
        ("SetTaxRateInput.effectiveFrom",),
        'mutation($d: Date!) { setTaxRate(input: {market: "TX", ratePercent: "6.25", effectiveFrom: $d}) '
        "{ userErrors { code } } }",
        {},
    ),
    Case(
        ("BulkPlaceDunningHoldInput.until",),
        'mutation($n: String!, $d: Date!) { bulkPlaceDunningHold(input: {until: $d, reason: "Storm", '
        "accounts: $n}) { userErrors { code } } }",
        {"n": "number"},
    ),
]


def _date_positions() -> set[str]:
    schema = make_schema()._schema
    found = set()
    for name, kind in schema.type_map.items():
        if isinstance(kind, GraphQLInputObjectType):
            found |= {f"{name}.{f}" for f, field in kind.fields.items() if get_named_type(field.type).name == "Date"}
        elif isinstance(kind, GraphQLObjectType) and not name.startswith("__"):
            found |= {f"{name}.{f}.{a}" for f, field in kind.fields.items() for a, arg in field.args.items()
                      if get_named_type(arg.type).name == "Date"}
    return found


def test_the_table_covers_every_date_the_schema_takes():
    assert {c for case in CASES for c in case.covers} == _date_positions()


@pytest.fixture
async def world(session, tenant) -> dict:
    customer = await make_customer(session, tenant)
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    account = await make_account(session, customer, plan=plan)
    await session.commit()
    return {"customer": to_global_id("Customer", customer.id), "account": to_global_id("UtilityAccount", account.id),
            "ldc": account.ldc_account_number, "number": customer.number, "new_ldc": number_for("ONCOR"),
            "plan": to_global_id("RatePlan", plan.id)}


@pytest.mark.parametrize("day", EXTREMES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.covers[0])
async def test_calendar_ends_never_fail_inside(api, tenant, world, case, day):
    variables = {"d": day, **{k: world[v] for k, v in case.variables.items()}}
    response = await api.post(case.document, variables, user=tenant.admin)
    body = response.json()
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    assert response.status_code == 200, body
    assert "INTERNAL_SERVER_ERROR" not in codes, body


@pytest.mark.parametrize("day", EXTREMES)
async def test_an_enrollment_accepted_at_the_calendar_ends_is_refused(api, session, tenant, day):
    """Its contract would end past 9999-12-31 (an internal error before): an effective date is within ten years."""
    plan = await make_rate_plan(session, tenant.client.id, "TX", term_months=12)
    account = await make_account(session, await make_customer(session, tenant), status=EnrollmentStatus.DROPPED,
                                 plan=plan, start=date(2023, 1, 1), end=date(2023, 12, 31))
    await session.commit()
    request = (await create(api, tenant.agent, account, "ENROLLMENT"))["marketTransaction"]
    answer = await respond(api, tenant.admin, account.ldc_account_number, f"ENR-{day}", "ACCEPT",
                           respondsTo=request["reference"], effectiveDate=day)
    assert [(e["code"], e["field"]) for e in answer["userErrors"]] == [
        ("EFFECTIVE_DATE_OUT_OF_RANGE", ["input", "effectiveDate"])
    ]
    refused = await create(api, tenant.agent, account, "MOVE_IN", effectiveDate=day)
    assert [e["code"] for e in refused["userErrors"]] == ["EFFECTIVE_DATE_OUT_OF_RANGE"]
