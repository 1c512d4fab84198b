"""The billing calculator: energy, delivery, fee, taxes per line with half-up rounding, special charges, status;
and proration when a rate changes within the period."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import InvoiceLineKind, InvoiceStatus
from resolvers.rules.billing import (
    DeliveryCharge,
    NoPriceInForce,
    PendingCharge,
    PlanPrice,
    Pricing,
    energy_cents,
    invoice_status,
    price_period,
    pricing_runs,
    split_rounded,
    tax_cents,
)
from resolvers.rules.money import round_half_up
from resolvers.rules.rates import Entry, Run, in_force

PRICING = Pricing(energy_rate_millicents=11_500, monthly_fee_cents=495, delivery_millicents_per_kwh=3_100,
                  delivery_fixed_cents=345, tax_rate_ppm=62_500)
JAN_1, JAN_14, JAN_15, JAN_31 = date(2025, 1, 1), date(2025, 1, 14), date(2025, 1, 15), date(2025, 1, 31)


def whole(pricing: Pricing) -> list[Run[Pricing]]:
    """January at one pricing: the period without a rate change."""
    return [Run(JAN_1, JAN_31, pricing)]


def test_energy_rounds_half_up_once():
    assert energy_cents(1_234_567, 11_500) == 14_198  # 141.975205
    assert energy_cents(1_000, 500) == 1  # 0.5 cent rounds up
    assert energy_cents(999, 500) == 0  # 0.4995 cent rounds down


def test_tax_is_per_line_half_up():
    assert tax_cents(14_198, 62_500) == 887  # 8.87375
    assert tax_cents(8, 62_500) == 1  # 0.5 -> 1: per-line rounding, the state rule
    lines = price_period(0, whole(Pricing(0, 8, 0, 8, 62_500)))
    assert [line.cents for line in lines if line.kind is InvoiceLineKind.TAX] == [
        1,
        1,
    ]  # 2 cents, where tax on the 16-cent total would be 1


def test_price_period_lines():
    lines = price_period(1_234_567, whole(PRICING), [PendingCharge(7, "Meter test", 2_500)])
    assert [(line.kind, line.cents) for line in lines] == [
        (InvoiceLineKind.ENERGY, 14_198), (InvoiceLineKind.DELIVERY, 4_172), (InvoiceLineKind.FEE, 495),
        (InvoiceLineKind.TAX, 887), (InvoiceLineKind.TAX, 261), (InvoiceLineKind.TAX, 31),
        (InvoiceLineKind.SPECIAL_CHARGE, 2_500)]
    assert lines[-1].special_charge_id == 7


def test_invoice_status():
    assert invoice_status(1_000, 1_000, False) is InvoiceStatus.OPEN
    assert invoice_status(1_000, 400, False) is InvoiceStatus.PARTIALLY_PAID
    assert invoice_status(1_000, 0, False) is InvoiceStatus.PAID
    assert invoice_status(0, 0, True) is InvoiceStatus.REVERSED


# ---- proration ------------------------------------------------------------------------------------------------

def lines_of(wh: int, priced: list[Run[Pricing]]) -> list[tuple[InvoiceLineKind, str, int, int | None]]:
    return [(line.kind, line.description, line.cents, line.quantity_milli) for line in price_period(wh, priced)]


E, D, F, T = InvoiceLineKind.ENERGY, InvoiceLineKind.DELIVERY, InvoiceLineKind.FEE, InvoiceLineKind.TAX
R1, R2 = " 2025-01-01 to 2025-01-14", " 2025-01-15 to 2025-01-31"


@pytest.mark.parametrize(
    "second, expected",
    [
        # the energy rate goes from 11.5 to 12 cents on Jan 15: 14 and 17 of 31 days of 1,234.567 kWh.
        # Energy exact 6,411.78 + 8,124.25 = 14,536.03 cents: 6,412, then 14,536 - 6,412 = 8,124.
        # Delivery exact 1,884.20 + 2,287.96 = 4,172.16: 1,884 and 2,288; fee 495 split 223.55 + 271.45: 224 and 271.
        (
            Pricing(12_000, 495, 3_100, 345, 62_500),
            [
                (E, "Energy charge" + R1, 6_412, 557_546),
                (E, "Energy charge" + R2, 8_124, 677_021),
                (D, "Utility delivery charge" + R1, 1_884, 557_546),
                (D, "Utility delivery charge" + R2, 2_288, 677_021),
                (F, "Monthly service fee" + R1, 224, None),
                (F, "Monthly service fee" + R2, 271, None),
                (T, "Sales tax on energy charge" + R1.lower(), 401, None),
                (T, "Sales tax on energy charge" + R2, 508, None),
                (T, "Sales tax on utility delivery charge" + R1, 118, None),
                (T, "Sales tax on utility delivery charge" + R2, 143, None),
                (T, "Sales tax on monthly service fee" + R1, 14, None),
                (T, "Sales tax on monthly service fee" + R2, 17, None),
            ],
        ),
        # only the tax changes (6.25% to 8%): the charges split as before (their sums unchanged), each taxed at its rate
        (
            Pricing(11_500, 0, 0, 0, 80_000),
            [
                (E, "Energy charge" + R1, 6_412, 557_546),
                (E, "Energy charge" + R2, 7_786, 677_021),
                (D, "Utility delivery charge" + R1, 0, 557_546),
                (D, "Utility delivery charge" + R2, 0, 677_021),
                (T, "Sales tax on energy charge" + R1, 401, None),
                (T, "Sales tax on energy charge" + R2, 623, None),
            ],
        ),
    ],
)
def test_a_change_on_jan_15_prorates_by_days(second, expected):
    first = Pricing(11_500, second.monthly_fee_cents, second.delivery_millicents_per_kwh,
                    second.delivery_fixed_cents, 62_500)
    assert lines_of(1_234_567, [Run(JAN_1, JAN_14, first), Run(JAN_15, JAN_31, second)]) == expected


@pytest.mark.parametrize("numerators, denominator, parts", [
    ([1, 1, 1], 3, [0, 1, 0]),  # thirds of a cent: 0.33 -> 0, 0.67 -> 1, 1.00 -> 1: one cent in all
    ([100, 100, 100], 3, [33, 34, 33]),  # a dollar in three: 33.33, 66.67, 100
    ([5, 5], 10, [1, 0]),  # halves round up once: 0.5 -> 1, 1.0 -> 1
    ([-5, -5], 10, [-1, 0]),
    ([7], 1, [7]),
])
def test_split_rounded_adds_up_to_the_total_rounded_once(numerators, denominator, parts):
    assert split_rounded(numerators, denominator) == parts


def test_pricing_runs_take_each_rate_from_its_own_timeline():
    plan = [Entry(date(2024, 1, 1), 1, PlanPrice(11_500, 495)), Entry(JAN_15, 4, PlanPrice(12_000, 495))]
    delivery = [Entry(date(2024, 6, 1), 2, DeliveryCharge(3_100, 345))]
    tax = [Entry(date(2025, 1, 20), 3, 62_500)]  # no tax before the 20th
    assert pricing_runs(JAN_1, JAN_31, plan, delivery, tax) == [
        Run(JAN_1, JAN_14, Pricing(11_500, 495, 3_100, 345, 0)),
        Run(JAN_15, date(2025, 1, 19), Pricing(12_000, 495, 3_100, 345, 0)),
        Run(date(2025, 1, 20), JAN_31, Pricing(12_000, 495, 3_100, 345, 62_500)),
    ]


def test_a_day_without_a_plan_price_cannot_be_billed():
    with pytest.raises(NoPriceInForce) as raised:
        pricing_runs(JAN_1, JAN_31, [Entry(date(2025, 1, 10), 1, PlanPrice(11_500, 0))], [], [])
    assert raised.value.day == JAN_1


def test_an_entry_with_the_same_rates_does_not_split_the_bill():
    plan = [Entry(date(2024, 1, 1), 1, PlanPrice(11_500, 495)), Entry(JAN_15, 2, PlanPrice(11_500, 495))]
    assert pricing_runs(JAN_1, JAN_31, plan, [], []) == [Run(JAN_1, JAN_31, Pricing(11_500, 495, 0, 0, 0))]


starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))
offsets = st.integers(-40, 70)
plan_prices = st.builds(PlanPrice, st.integers(0, 30_000), st.sampled_from([0, 495, 995, 1]))
deliveries = st.builds(DeliveryCharge, st.integers(0, 12_000), st.integers(0, 2_000))
taxes = st.sampled_from([0, 40_000, 62_500, 80_000])


def timeline(values):
    return st.lists(st.tuples(offsets, values), max_size=4)


@given(starts, st.integers(0, 61), st.integers(0, 50_000_000), plan_prices, timeline(plan_prices),
       timeline(deliveries), timeline(taxes))
def test_prorated_parts_sum_to_every_day_billed_once_at_its_rate(start, length, wh, opening, plan, delivery, tax):
    end = start + timedelta(days=length)
    on = lambda items: [Entry(start + timedelta(days=o), n, v) for n, (o, v) in enumerate(items, 1)]  # noqa: E731
    plan_entries = [Entry(start - timedelta(days=1), 0, opening), *on(plan)]  # priced from before the period
    priced = pricing_runs(start, end, plan_entries, on(delivery), on(tax))
    # each day of the period is in exactly one run, and that run's pricing is the rates in force that day
    every_day = [r.start + timedelta(days=i) for r in priced for i in range(r.days)]
    assert every_day == [start + timedelta(days=i) for i in range(length + 1)]
    for run in priced:
        for i in range(run.days):
            assert run.value == _pricing_on(run.start + timedelta(days=i), plan_entries, on(delivery), on(tax))
    # a charge's lines add up to the day-by-day exact total rounded once, and each is within a cent of its share
    lines, n = price_period(wh, priced), length + 1
    daily = [_pricing_on(start + timedelta(days=i), plan_entries, on(delivery), on(tax)) for i in range(n)]
    energy = [line for line in lines if line.kind is InvoiceLineKind.ENERGY]
    assert sum(line.cents for line in energy) == round_half_up(
        sum(wh * p.energy_rate_millicents for p in daily), n * 10**6
    )
    assert sum(line.quantity_milli for line in energy) == wh
    delivered = sum(wh * p.delivery_millicents_per_kwh + p.delivery_fixed_cents * 10**6 for p in daily)
    assert sum(line.cents for line in lines if line.kind is InvoiceLineKind.DELIVERY) == round_half_up(
        delivered, n * 10**6
    )
    assert sum(line.cents for line in lines if line.kind is InvoiceLineKind.FEE) == round_half_up(
        sum(p.monthly_fee_cents for p in daily), n)
    for line, run in zip(energy, priced, strict=False):
        assert abs(line.cents * n * 10**6 - wh * run.value.energy_rate_millicents * run.days) <= n * 10**6


@given(st.integers(0, 50_000_000), st.builds(Pricing, st.integers(0, 30_000), st.integers(0, 2_000),
                                             st.integers(0, 12_000), st.integers(0, 2_000), taxes))
def test_one_run_bills_as_before_rates_had_dates(wh, pricing):
    lines = price_period(wh, whole(pricing))
    assert lines[0].cents == energy_cents(wh, pricing.energy_rate_millicents)
    assert lines[1].cents == energy_cents(wh, pricing.delivery_millicents_per_kwh) + pricing.delivery_fixed_cents
    assert [line.description for line in lines][:2] == ["Energy charge", "Utility delivery charge"]


def _pricing_on(day, plan, delivery, tax) -> Pricing:
    price, charge, rate = in_force(plan, day), in_force(delivery, day), in_force(tax, day)
    charge_value = charge.value if charge else DeliveryCharge(0, 0)
    return Pricing(price.value.energy_rate_millicents, price.value.monthly_fee_cents, charge_value.per_kwh_millicents,
                   charge_value.fixed_cents, rate.value if rate else 0)
