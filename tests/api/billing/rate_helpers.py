"""Documents and helpers of the dated-rates API tests."""

from tests.api.billing.helpers import gid

PRICE_FIELDS = "effectiveFrom energyRate monthlyFee { amount } superseded inForce enteredAt"
CREATE_PLAN = f"""mutation($input: CreateRatePlanInput!) {{ createRatePlan(input: $input) {{
  ratePlan {{ id code name kind termMonths market {{ code }} energyRate monthlyFee {{ amount }} prices {{
  {PRICE_FIELDS} }} }}
  price {{ {PRICE_FIELDS} }} userErrors {{ field code message }} }} }}"""
SET_PRICE = f"""mutation($input: SetRatePlanPriceInput!) {{ setRatePlanPrice(input: $input) {{
  ratePlan {{ id code energyRate monthlyFee {{ amount }} prices {{ {PRICE_FIELDS} }} }}
  price {{ {PRICE_FIELDS} }} userErrors {{ field code message }} }} }}"""
SET_DELIVERY = """mutation($input: SetDeliveryChargeInput!) { setDeliveryCharge(input: $input) {
  deliveryCharge { effectiveFrom perKwh monthlyCharge { amount } superseded inForce utility { code } }
  userErrors { field code message } } }"""
SET_TAX = """mutation($input: SetTaxRateInput!) { setTaxRate(input: $input) {
  taxRate { effectiveFrom ratePercent superseded inForce market { code } } userErrors { field code message } } }"""
DELIVERY_HISTORY = """query($utility: String) { deliveryCharges(utility: $utility) {
  effectiveFrom perKwh monthlyCharge { amount } superseded inForce utility { code } } }"""
TAX_HISTORY = """query($market: String) { taxRates(market: $market) { effectiveFrom ratePercent superseded inForce
  market { code } } }"""
PLANS = f"""query {{ ratePlans {{ code energyRate monthlyFee {{ amount }} prices {{ {PRICE_FIELDS} }} }} }}"""
PREVIEW = """query($id: ID!, $start: Date!, $end: Date!) { previewNextInvoice(utilityAccountId: $id, periodStart:
  $start,
  periodEnd: $end) { total { amount } lines { kind description amount { amount } } } }"""
RUN = """mutation($input: RunBillingInput!) { runBilling(input: $input) {
  invoices { total { amount } lines { kind description quantity amount { amount } } } skipped userErrors { field code
  message } } }"""


async def mutate(api, user, document: str, **input) -> dict:
    """The payload of a one-mutation document, as `user`."""
    data = await api.run(document, {"input": input}, user=user)
    return next(iter(data.values()))


def plan_input(**overrides) -> dict:
    return {"code": "GREEN-12", "name": "Green 12", "market": "TX", "termMonths": 12, "energyRate": "11.5",
            "monthlyFee": "4.95", "effectiveFrom": "2025-01-01", **overrides}


async def preview(api, user, account, start: str = "2025-01-01", end: str = "2025-01-31") -> dict:
    return (await api.run(PREVIEW, {"id": gid("UtilityAccount", account.id), "start": start, "end": end},
                          user=user))["previewNextInvoice"]
