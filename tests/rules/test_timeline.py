"""The timeline's pure rules: one total order across sources, per-source cursor bounds, one-line summaries."""

import itertools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from db.enums import (
    AdjustmentDirection,
    CommLogKind,
    EnrollmentStatus,
    MarketDirection,
    MarketTransactionStatus,
    MarketTransactionType,
    PaymentMethod,
)
from resolvers.rules.timeline import (
    KINDS_BY_RANK,
    RANKS,
    ActivityKind,
    SourceBound,
    TimelineKey,
    is_valid_key,
    kinds_wanted,
    source_bound,
)
from resolvers.rules.timeline_summaries import MAX_TEXT, clipped, dollars, summarize

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
K = ActivityKind
Row = SimpleNamespace  # any object with the model's attribute names


def qualifies(bound: SourceBound, at: datetime, pk: int, cursor: TimelineKey) -> bool:
    """What the SQL condition built from `bound` keeps of a row (at, pk)."""
    if bound.on_id:
        return (at, pk) < (cursor.occurred_at, cursor.id) if bound.older else (at, pk) > (cursor.occurred_at, cursor.id)
    if bound.older:
        return at <= cursor.occurred_at if bound.inclusive else at < cursor.occurred_at
    return at >= cursor.occurred_at if bound.inclusive else at > cursor.occurred_at


class TestOrder:
    def test_every_kind_has_its_own_rank(self):
        assert sorted(RANKS.values()) == list(range(1, len(ActivityKind) + 1))
        assert all(KINDS_BY_RANK[RANKS[kind]] is kind for kind in ActivityKind)

    def test_causes_rank_below_their_effects(self):
        # newest first puts the higher rank first at one instant: allocations above their payment
        assert RANKS[ActivityKind.PAYMENT] < RANKS[ActivityKind.ALLOCATION]
        assert RANKS[ActivityKind.AUDIT] < RANKS[ActivityKind.COMM_LOG]

    def test_kinds_wanted_keeps_rank_order(self):
        assert kinds_wanted(None) == list(ActivityKind)
        assert kinds_wanted(frozenset({ActivityKind.TICKET, ActivityKind.INVOICE})) == [ActivityKind.INVOICE,
                                                                                          ActivityKind.TICKET]
        assert kinds_wanted(frozenset()) == []


class TestSourceBound:
    @pytest.mark.parametrize("older", [True, False])
    def test_per_source_bounds_equal_the_three_part_comparison(self, older):
        # given rows of every source at instants around the cursor's, with ids around its id
        instants = [T0 - timedelta(seconds=1), T0, T0 + timedelta(seconds=1)]
        for cursor_rank, rank in itertools.product(RANKS.values(), repeat=2):
            cursor = TimelineKey(T0, cursor_rank, 10)
            bound = source_bound(rank, cursor_rank, older=older)
            for at, pk in itertools.product(instants, (9, 10, 11)):
                # then the source's condition keeps exactly the rows on the wanted side of the cursor
                key = (at, rank, pk)
                wanted = key < tuple(cursor) if older else key > tuple(cursor)
                assert qualifies(bound, at, pk, cursor) == wanted, (cursor, key, bound)

    def test_the_cursors_own_source_compares_ids(self):
        assert source_bound(3, 3, older=True) == SourceBound(older=True, inclusive=False, on_id=True)

    def test_a_lower_ranked_source_keeps_the_cursors_instant_when_paging_older(self):
        assert source_bound(2, 5, older=True).inclusive is True
        assert source_bound(7, 5, older=True).inclusive is False
        assert source_bound(7, 5, older=False).inclusive is True


class TestValidKey:
    @pytest.mark.parametrize("key, valid", [
        ((T0, 1, 5), True),
        ((T0.replace(tzinfo=None), 1, 5), False),  # an instant without offset
        ((T0, 0, 5), False),  # no such source
        ((T0, len(ActivityKind) + 1, 5), False),
        ((T0, 1, 0), False),  # never a row id
    ])
    def test_is_valid_key(self, key, valid):
        assert is_valid_key(key) is valid


class TestSummaries:
    @pytest.mark.parametrize("cents, text", [
        (12_030, "$120.30"), (123_456, "$1,234.56"), (-500, "-$5.00"), (7, "$0.07"),
    ])
    def test_dollars(self, cents, text):
        assert dollars(cents) == text

    def test_clipped_keeps_one_line_of_at_most_max_text(self):
        assert clipped("  first line \nsecond") == "first line"
        assert len(clipped("x" * 500)) == MAX_TEXT
        assert clipped("x" * 500).endswith("…")
        assert clipped(None) == ""

    @pytest.mark.parametrize("kind, row, invoice, text", [
        (K.PAYMENT, Row(amount_cents=12_000, method=PaymentMethod.ACH), None, "Payment $120.00 (ACH) received"),
        (K.PAYMENT_RETURNED, Row(amount_cents=5_000, method=PaymentMethod.MONEY_ORDER, returned_reason="NSF"), None,
         "Payment $50.00 (MONEY ORDER) returned: NSF"),
        (K.INVOICE, Row(number="INV-123", total_cents=8_810), None, "Invoice INV-123 issued, $88.10"),
        (K.ALLOCATION, Row(amount_cents=4_000), "INV-1", "$40.00 of a payment applied to invoice INV-1"),
        (K.ALLOCATION, Row(amount_cents=-4_000), "INV-1", "$40.00 of a payment taken back from invoice INV-1"),
        (K.ADJUSTMENT, Row(direction=AdjustmentDirection.CREDIT, amount_cents=1_000, reason_code="GOODWILL"), None,
         "Credit adjustment $10.00 (GOODWILL)"),
        (K.REVERSAL, Row(description="Reversal: Energy", amount_cents=-500), "INV-9",
         "Reversal: Energy on invoice INV-9, $5.00 credited"),
        (K.REFUND, Row(amount_cents=2_000, reason="Overpaid"), None, "Refund $20.00 paid: Overpaid"),
        (K.MARKET_TRANSACTION, Row(type=MarketTransactionType.DROP, direction=MarketDirection.INBOUND, reference="R1",
                                   status=MarketTransactionStatus.RECEIVED), None,
         "Drop received from the utility (R1), received"),
        (K.STATUS_CHANGE, Row(from_status=EnrollmentStatus.ACTIVE, to_status=EnrollmentStatus.PENDING_DROP,
                              reason=None), None, "Enrollment status changed from active to pending drop"),
        (K.TICKET, Row(summary="Contact information update - Jane Doe"), None,
         "Ticket opened: Contact information update - Jane Doe"),
        (K.AUDIT, Row(action="customer.update", changes={"phone": {}, "email": {}}), None,
         "Changed email, phone (customer.update)"),
        (K.AUDIT, Row(action="customer.hold", changes={}), None, "Recorded customer.hold"),
        (K.COMM_LOG, Row(kind=CommLogKind.NOTE, critical=True, subject="Speaks Spanish only", body=None, reason=None),
         None, "Critical note: Speaks Spanish only"),
        (K.COMM_LOG, Row(kind=CommLogKind.CALL, critical=False, subject=None, body="Asked about the bill\nmore",
                         reason=None), None, "Call: Asked about the bill"),
    ])
    def test_summary_of_each_kind(self, kind, row, invoice, text):
        assert summarize(kind, row, invoice) == text

    def test_every_kind_has_a_summary(self):
        from resolvers.rules.timeline_summaries import SUMMARIES

        assert set(SUMMARIES) == set(ActivityKind)
