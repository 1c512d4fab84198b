"""Shared documents and helpers of the settings and dunning-hold API tests."""

from db.models import Customer
from graph.core.relay import to_global_id

STATE = """
query($n: String!) { customer(number: $n) {
  email settings { autopay paperless dunningExcluded dunningHold { until reason active } }
  auditTrail(first: 20) { totalCount edges { node { action actor { email } changes { field from to } } } }
  communicationLog(first: 50, filter: {kinds: [SYSTEM]}) { totalCount edges { node {
    kind category subject body createdBy { email } } } }
} }
"""


def gid(customer: Customer) -> str:
    return to_global_id("Customer", customer.id)


async def state_of(api, user, customer: Customer) -> dict | None:
    """The customer's settings, audit trail and SYSTEM log entries, as `user` sees them (None: not found)."""
    return (await api.run(STATE, {"n": customer.number}, user=user))["customer"]


def changes(state: dict, index: int = 0) -> dict[str, tuple]:
    """One audit event's changes (newest first) as {field: (from, to)}."""
    node = state["auditTrail"]["edges"][index]["node"]
    return {c["field"]: (c["from"], c["to"]) for c in node["changes"]}


def entries(state: dict) -> list[dict]:
    return [e["node"] for e in state["communicationLog"]["edges"]]


def untouched(state: dict) -> bool:
    """Nothing audited and nothing logged."""
    return state["auditTrail"]["totalCount"] == 0 and state["communicationLog"]["totalCount"] == 0
