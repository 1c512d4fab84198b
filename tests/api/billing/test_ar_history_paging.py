"""AR history pages: keyset both ways, a date window, and the all-time running balance on every row."""

from datetime import date, timedelta
from decimal import Decimal

from db.enums import LedgerKind
from db.models import LedgerEntry
from graph.core.relay import to_global_id
from tests.factories.customers import make_customer

HISTORY = """
query($ids: [ID!]!, $first: Int, $after: String, $last: Int, $before: String, $start: Date, $end: Date) {
  nodes(ids: $ids) { ... on Customer { number
    arHistory(first: $first, after: $after, last: $last, before: $before, start: $start, end: $end) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { description effectiveOn amount { amount } balance { amount } } } } } } }
"""
DAY = date(2026, 1, 1)
# (days after DAY, cents): two entries share a day, so the entry order breaks the tie
ENTRIES = [(0, 10_000), (3, -2_500), (3, 1_234), (10, -7_000), (15, 555), (20, -1), (31, 9_999), (40, -4_321)]


async def _customer_with_ledger(session, tenant, name: str, entries=ENTRIES):
    customer = await make_customer(session, tenant, name)
    for n, (offset, cents) in enumerate(entries):
        session.add(LedgerEntry(client_id=tenant.client.id, customer_id=customer.id, kind=LedgerKind.ADJUSTMENT,
                                amount_cents=cents, description=f"{name} #{n}", effective_on=DAY + timedelta(offset)))
    await session.commit()
    return customer


def _expected(name: str, entries=ENTRIES, start: date | None = None, end: date | None = None) -> list[tuple]:
    """(description, day, amount, balance) in ledger order; the balance runs from the first entry ever."""
    rows, balance = [], 0
    for n, (offset, cents) in sorted(enumerate(entries), key=lambda item: (item[1][0], item[0])):
        balance += cents
        day = DAY + timedelta(offset)
        if (start is None or day >= start) and (end is None or day <= end):
            rows.append((f"{name} #{n}", day.isoformat(), Decimal(cents) / 100, Decimal(balance) / 100))
    return rows


def _rows(history: dict) -> list[tuple]:
    return [(e["node"]["description"], e["node"]["effectiveOn"], Decimal(e["node"]["amount"]["amount"]),
             Decimal(e["node"]["balance"]["amount"])) for e in history["edges"]]


async def _history(api, user, customers, **args) -> list[dict]:
    ids = [to_global_id("Customer", c.id) for c in customers]
    return [n["arHistory"] for n in (await api.run(HISTORY, {"ids": ids, **args}, user=user))["nodes"]]


class TestArHistoryPaging:
    async def test_the_whole_history_in_order_with_the_running_balance(self, api, session, tenant):
        customer = await _customer_with_ledger(session, tenant, "Whole History")
        [history] = await _history(api, tenant.agent, [customer], first=100)
        assert _rows(history) == _expected("Whole History")
        assert history["totalCount"] == len(ENTRIES)

    async def test_walking_forward_and_backward_gives_every_entry_once(self, api, session, tenant):
        customer = await _customer_with_ledger(session, tenant, "Walker")
        forward, after = [], None
        while True:
            [page] = await _history(api, tenant.agent, [customer], first=3, after=after)
            forward += _rows(page)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        backward, before = [], None
        while True:
            [page] = await _history(api, tenant.agent, [customer], last=3, before=before)
            backward = _rows(page) + backward
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            before = page["pageInfo"]["startCursor"]
        assert forward == backward == _expected("Walker")

    async def test_a_date_window_keeps_the_all_time_balance(self, api, session, tenant):
        customer = await _customer_with_ledger(session, tenant, "Windowed")
        start, end = DAY + timedelta(3), DAY + timedelta(20)
        [history] = await _history(api, tenant.agent, [customer], first=2, start=start.isoformat(),
                                   end=end.isoformat())
        expected = _expected("Windowed", start=start, end=end)
        assert _rows(history) == expected[:2]
        assert history["totalCount"] == len(expected) == 5
        [rest] = await _history(api, tenant.agent, [customer], first=10, after=history["pageInfo"]["endCursor"],
                                start=start.isoformat(), end=end.isoformat())
        assert _rows(rest) == expected[2:]

    async def test_customers_in_one_request_each_get_their_own_history(self, api, session, tenant):
        other_entries = [(1, 100), (2, 200), (2, -50)]
        one = await _customer_with_ledger(session, tenant, "First Of Two")
        two = await _customer_with_ledger(session, tenant, "Second Of Two", other_entries)
        first, second = await _history(api, tenant.agent, [one, two], first=4)
        assert _rows(first) == _expected("First Of Two")[:4]
        assert _rows(second) == _expected("Second Of Two", other_entries)
