"""allocate_fifo, allocate_spec and earlier credit first: cases, then properties (hypothesis)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers.rules.allocation import (
    Allocation,
    AllocationError,
    AllocationErrorCode,
    Applied,
    Credit,
    OpenInvoice,
    allocate_fifo,
    allocate_spec,
    apply_credit_first,
    fifo_order,
    paid_down,
    paid_in_order,
)

D = date(2025, 1, 1)


def inv(id: int, cents: int, due_days: int = 0, number: str | None = None, issued_days: int = 0) -> OpenInvoice:
    return OpenInvoice(id, D + timedelta(days=due_days), D + timedelta(days=issued_days), number or f"N{id:03d}", cents)


class TestFifo:
    def test_partial_invoice(self):
        result = allocate_fifo(1_500, [inv(1, 1_000), inv(2, 1_000, 1)])
        assert result.allocations == (Allocation(1, 1_000), Allocation(2, 500))
        assert result.unapplied_cents == 0

    def test_exact_cover(self):
        assert allocate_fifo(2_000, [inv(1, 1_000), inv(2, 1_000, 1)]).unapplied_cents == 0

    def test_overpayment_left_as_credit(self):
        assert allocate_fifo(2_500, [inv(1, 1_000)]).unapplied_cents == 1_500

    def test_due_date_ties_broken_by_issue_date_then_number(self):
        invoices = [inv(1, 100, 0, "B"), inv(2, 100, 0, "A"), inv(3, 100, 0, "C", issued_days=-5)]
        assert [i.id for i in fifo_order(invoices)] == [3, 2, 1]

    def test_no_invoices_all_credit(self):
        assert allocate_fifo(100, []).unapplied_cents == 100


class TestSpec:
    def test_named_invoices_only(self):
        result = allocate_spec(1_000, [Allocation(2, 300)], [inv(1, 500), inv(2, 500)])
        assert result.allocations == (Allocation(2, 300),)
        assert result.unapplied_cents == 700

    @pytest.mark.parametrize("requested, code", [
        ([Allocation(1, 501)], AllocationErrorCode.ALLOCATION_EXCEEDS_OPEN_AMOUNT),
        ([Allocation(1, 500), Allocation(2, 501)], AllocationErrorCode.ALLOCATIONS_EXCEED_PAYMENT),
        ([Allocation(9, 1)], AllocationErrorCode.INVOICE_NOT_OPEN),
        ([Allocation(1, 0)], AllocationErrorCode.NON_POSITIVE_ALLOCATION),
        ([Allocation(1, 1), Allocation(1, 1)], AllocationErrorCode.DUPLICATE_ALLOCATION),
    ])
    def test_refused(self, requested, code):
        with pytest.raises(AllocationError) as caught:
            allocate_spec(1_000, requested, [inv(1, 500), inv(2, 600)])
        assert caught.value.code is code


invoices_st = st.lists(st.builds(inv, st.integers(1, 10_000), st.integers(0, 10**7), st.integers(-400, 400),
                                 st.none(), st.integers(-400, 0)), max_size=30, unique_by=lambda i: i.id)


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(1, 10**8), invoices=invoices_st)
def test_fifo_never_exceeds_payment_or_open_amounts(amount, invoices):
    result = allocate_fifo(amount, invoices)
    open_by_id = {i.id: i.open_cents for i in invoices}
    assert sum(a.cents for a in result.allocations) + result.unapplied_cents == amount
    assert all(0 < a.cents <= open_by_id[a.invoice_id] for a in result.allocations)
    assert result.unapplied_cents >= 0
    if result.unapplied_cents > 0:  # credit remains only when every invoice is paid in full
        assert sum(a.cents for a in result.allocations) == sum(open_by_id.values())


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(1, 10**8), invoices=invoices_st, seed=st.randoms())
def test_fifo_is_deterministic_whatever_the_input_order(amount, invoices, seed):
    shuffled = list(invoices)
    seed.shuffle(shuffled)
    assert allocate_fifo(amount, invoices) == allocate_fifo(amount, shuffled)


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(1, 10**7), invoices=invoices_st, data=st.data())
def test_spec_accepts_only_bounded_allocations(amount, invoices, data):
    chosen = data.draw(st.lists(st.sampled_from(invoices), unique_by=lambda i: i.id) if invoices else st.just([]))
    requested = [Allocation(i.id, data.draw(st.integers(1, max(1, i.open_cents + 5)))) for i in chosen]
    try:
        result = allocate_spec(amount, requested, invoices)
    except AllocationError:
        return
    open_by_id = {i.id: i.open_cents for i in invoices}
    assert all(a.cents <= open_by_id[a.invoice_id] for a in result.allocations)
    assert sum(a.cents for a in result.allocations) + result.unapplied_cents == amount
    assert result.unapplied_cents >= 0


class TestCreditFirst:
    def test_each_credit_pays_fifo_in_turn_and_what_is_left_stays_open(self):
        applied, still_open = apply_credit_first([Credit(10, 1_200), Credit(11, 300)],
                                                 [inv(2, 1_000, 1), inv(1, 1_000), inv(3, 1_000, 2)])
        assert applied == (Applied(10, (Allocation(1, 1_000), Allocation(2, 200))), Applied(11, (Allocation(2, 300),)))
        assert [(i.id, i.open_cents) for i in still_open] == [(2, 500), (3, 1_000)]

    def test_a_credit_with_nothing_left_to_pay_pays_nothing(self):
        applied, still_open = apply_credit_first([Credit(10, 5_000), Credit(11, 300)], [inv(1, 1_000)])
        assert applied == (Applied(10, (Allocation(1, 1_000),)),)
        assert still_open == []

    def test_no_credit_leaves_the_invoices_as_they_are(self):
        invoices = [inv(1, 1_000), inv(2, 500, 1)]
        assert apply_credit_first([], invoices) == ((), invoices)

    def test_paid_down_drops_what_is_paid_in_full(self):
        left = paid_down([inv(1, 1_000), inv(2, 500), inv(3, 700)], [Allocation(1, 400), Allocation(2, 500)])
        assert [(i.id, i.open_cents) for i in left] == [(1, 600), (3, 700)]


@settings(max_examples=200, deadline=None)
@given(credits=st.lists(st.integers(1, 10**6), max_size=5), amount=st.integers(1, 10**7), invoices=invoices_st)
def test_credit_first_then_the_payment_is_fifo_of_everything_in_turn(credits, amount, invoices):
    """Credits and then the payment pay exactly what one FIFO payment of their sum would, in the same order."""
    applied, still_open = apply_credit_first([Credit(n, c) for n, c in enumerate(credits)], invoices)
    last = allocate_fifo(amount, still_open)
    paid: dict[int, int] = {}
    for allocation in [a for item in applied for a in item.allocations] + list(last.allocations):
        paid[allocation.invoice_id] = paid.get(allocation.invoice_id, 0) + allocation.cents
    together = allocate_fifo(sum(credits) + amount, invoices)
    assert paid == {a.invoice_id: a.cents for a in together.allocations}
    spent = {item.payment_id: sum(a.cents for a in item.allocations) for item in applied}
    assert all(spent[n] <= c for n, c in enumerate(credits) if n in spent)
    by_credit: dict[int, int] = {}
    for allocation in (a for item in applied for a in item.allocations):
        by_credit[allocation.invoice_id] = by_credit.get(allocation.invoice_id, 0) + allocation.cents
    assert {i.id: i.open_cents for i in still_open} == {  # less what credit paid; those it paid in full are gone
        i.id: i.open_cents - by_credit.get(i.id, 0) for i in invoices if i.open_cents != by_credit.get(i.id, -1)}


@settings(max_examples=200, deadline=None)
@given(credits=st.lists(st.integers(1, 10**6), max_size=5), amount=st.integers(1, 10**7), invoices=invoices_st)
def test_what_each_pays_in_turn_needs_only_the_total_owed(credits, amount, invoices):
    """paid_in_order over the invoices' sum gives what credit first and then the payment each allocate."""
    applied, still_open = apply_credit_first([Credit(n, c) for n, c in enumerate(credits)], invoices)
    spent = {item.payment_id: sum(a.cents for a in item.allocations) for item in applied}
    expected = [spent.get(n, 0) for n in range(len(credits))]
    expected.append(sum(a.cents for a in allocate_fifo(amount, still_open).allocations))
    assert paid_in_order(sum(i.open_cents for i in invoices), [*credits, amount]) == expected


@pytest.mark.parametrize("owed, amounts, paid", [
    (0, [500], [0]),
    (1_000, [300, 500, 900], [300, 500, 200]),
    (1_000, [1_000, 1], [1_000, 0]),
    (250, [], []),
])
def test_paid_in_order(owed, amounts, paid):
    assert paid_in_order(owed, amounts) == paid
