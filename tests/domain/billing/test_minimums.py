"""MINIMUM_SPEND and MINIMUM_SPEND_REFUND lines: per plan and per pricing, arrears and
advance, proration (SEMANTICS §7.2 item 3)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.billing import LineType, PricingOwner, PricingType

from .builders import (
    ONE_PER_UNIT,
    D,
    account_plan,
    aggregation,
    bill,
    of_type,
    plan,
    pricing,
    summary,
    utc,
)

CALLS = aggregation("calls")
MARCH = date(2024, 3, 1)  # closes February (29 days), the account plan's period 1
APR16 = utc(2024, 4, 16)


def plan_minimum(amount, advance=False, *pricings):
    return plan(
        *(pricings or (pricing(CALLS, band_specs=ONE_PER_UNIT),)),
        minimum_spend=D(amount),
        minimum_spend_description="Plan minimum",
        minimum_spend_bill_in_advance=advance,
    )


def minimum_lines(result):
    return [
        (line.line_type.value, line.subtotal, line.service_period_start, line.service_period_end)
        for line in result.lines
        if line.line_type in (LineType.MINIMUM_SPEND, LineType.MINIMUM_SPEND_REFUND)
    ]


@pytest.mark.parametrize(
    ("usage", "top_up", "total"),
    [
        ("40", "60.00", "100.00"),
        ("99.99", "0.01", "100.00"),
        ("100", None, "100.00"),
        ("150", None, "150.00"),
        (None, "100.00", "100.00"),  # no usage: the whole minimum
    ],
)
def test_plan_minimum_in_arrears(usage, top_up, total):
    ap = account_plan(plan_minimum("100"))
    result = bill(ap, MARCH, {CALLS.id: None if usage is None else D(usage)})
    expected = [] if top_up is None else [("MINIMUM_SPEND", D(top_up), utc(2024, 2, 1), utc(2024, 3, 1))]
    assert minimum_lines(result) == expected
    assert result.total == D(total)
    if top_up:
        [line] = of_type(result, LineType.MINIMUM_SPEND)
        assert (line.description, line.pricing_id, line.plan_id) == ("Plan minimum", None, ap.plan.id)


def test_arrears_minimum_of_a_partial_period_is_prorated():
    ap = account_plan(plan_minimum("30"), APR16)  # 15 of April's 30 days: minimum 15
    result = bill(ap, date(2024, 5, 1), {CALLS.id: D(5)})
    assert minimum_lines(result) == [("MINIMUM_SPEND", D("10.00"), APR16, utc(2024, 5, 1))]


def test_zero_minimum_gives_no_line():
    ap = account_plan(plan_minimum("0", True), APR16)
    assert minimum_lines(bill(ap, date(2024, 5, 1), {})) == []


@pytest.mark.parametrize(
    ("usage", "refund"),
    [
        ("10", "-10.00"),  # below the prorated minimum of 15: refund the charges
        ("20", "-15.00"),  # above it: refund the whole minimum
        (None, None),  # nothing to refund
    ],
)
def test_advance_minimum_first_bill_carries_two_periods_and_a_refund(usage, refund):
    ap = account_plan(plan_minimum("30", True), APR16)
    result = bill(ap, date(2024, 5, 1), {CALLS.id: None if usage is None else D(usage)})
    expected = [
        ("MINIMUM_SPEND", D("15.00"), APR16, utc(2024, 5, 1)),
        ("MINIMUM_SPEND", D("30.00"), utc(2024, 5, 1), utc(2024, 6, 1)),
    ]
    if refund is not None:
        expected.append(("MINIMUM_SPEND_REFUND", D(refund), APR16, utc(2024, 5, 1)))
    assert minimum_lines(result) == expected


def test_advance_minimum_later_bill_nets_each_period_to_the_larger_of_minimum_and_charges():
    ap = account_plan(plan_minimum("30", True), APR16)
    may = bill(ap, date(2024, 6, 1), {CALLS.id: D(45)})
    assert minimum_lines(may) == [
        ("MINIMUM_SPEND", D("30.00"), utc(2024, 6, 1), utc(2024, 7, 1)),
        ("MINIMUM_SPEND_REFUND", D("-30.00"), utc(2024, 5, 1), utc(2024, 6, 1)),
    ]
    june = bill(ap, date(2024, 7, 1), {CALLS.id: D(12)})
    [june_refund] = of_type(june, LineType.MINIMUM_SPEND_REFUND)
    assert june_refund.subtotal == D("-12.00")
    # June: 30 in advance (on the June 1 bill) − 12 refund + 12 usage = max(30, 12).
    assert D(30) + june_refund.subtotal + D(12) == D(30)


def test_pricing_minimum_in_arrears_then_plan_minimum():
    priced = pricing(CALLS, band_specs=ONE_PER_UNIT, minimum_spend=D(50), minimum_spend_description="Calls minimum")
    ap = account_plan(plan_minimum("100", False, priced))
    result = bill(ap, MARCH, {CALLS.id: D(20)})
    lines = of_type(result, LineType.MINIMUM_SPEND)
    assert [(l.description, l.pricing_id, l.aggregation_id, l.subtotal) for l in lines] == [
        ("Calls minimum", priced.id, CALLS.id, D("30.00")),
        ("Plan minimum", None, None, D("80.00")),
    ]


def test_pricing_minimum_counts_only_that_pricings_charges():
    other = aggregation("other")
    priced = pricing(CALLS, band_specs=ONE_PER_UNIT, minimum_spend=D(50))
    ap = account_plan(plan(priced, pricing(other, band_specs=ONE_PER_UNIT)))
    result = bill(ap, MARCH, {CALLS.id: D(20), other.id: D(100)})
    assert [l.subtotal for l in of_type(result, LineType.MINIMUM_SPEND)] == [D("30.00")]


def test_pricing_minimum_is_prorated_by_the_days_its_pricing_is_in_effect():
    template = pricing(CALLS, band_specs=ONE_PER_UNIT, minimum_spend=D(30))
    override = pricing(CALLS, utc(2024, 4, 11), None, ONE_PER_UNIT, owner=PricingOwner.PLAN)
    ap = account_plan(plan(template, plan_pricings=[override]))
    # April 1–10: the template pricing is in effect 10 of 30 days: minimum 10.00, charged 4.
    result = bill(ap, date(2024, 5, 1), lambda w: D(4) if w.start == utc(2024, 4, 1) else D(100))
    assert minimum_lines(result) == [("MINIMUM_SPEND", D("6.00"), utc(2024, 4, 1), utc(2024, 4, 11))]


def test_pricing_minimum_in_advance():
    priced = pricing(CALLS, band_specs=ONE_PER_UNIT, minimum_spend=D(30), minimum_spend_bill_in_advance=True)
    ap = account_plan(plan(priced), APR16)
    result = bill(ap, date(2024, 5, 1), {CALLS.id: D(7)})
    assert summary(result) == [
        ("USAGE", D("7.00")),
        ("MINIMUM_SPEND", D("15.00")),
        ("MINIMUM_SPEND", D("30.00")),
        ("MINIMUM_SPEND_REFUND", D("-7.00")),
    ]
    assert {l.pricing_id for l in result.lines} == {priced.id}


def test_credit_pricings_have_no_minimum():
    credit = pricing(CALLS, band_specs=ONE_PER_UNIT, type=PricingType.PRODUCT_CREDIT, minimum_spend=D(50))
    ap = account_plan(plan(credit))
    assert of_type(bill(ap, MARCH, {CALLS.id: D(1)}), LineType.MINIMUM_SPEND) == []


def test_plan_minimum_ignores_credits_and_standing_charges():
    credit_target = aggregation("refunds")
    credit = pricing(credit_target, band_specs=ONE_PER_UNIT, type=PricingType.PRODUCT_CREDIT)
    the_plan = plan(pricing(CALLS, band_specs=ONE_PER_UNIT), credit, minimum_spend=D(100), standing_charge=D(50))
    result = bill(account_plan(the_plan), MARCH, {CALLS.id: D(60), credit_target.id: D(10)})
    assert [l.subtotal for l in of_type(result, LineType.MINIMUM_SPEND)] == [D("40.00")]


amounts = st.decimals(min_value=0, max_value=1000, places=2)


@given(minimum=amounts, charges=amounts)
def test_every_period_nets_to_the_larger_of_minimum_and_charges(minimum, charges):
    def net(advance: bool) -> D:
        ap = account_plan(plan_minimum(minimum, advance), utc(2024, 1, 1))
        period = bill(ap, MARCH, {CALLS.id: charges})  # closes February, period 1
        opening = bill(ap, date(2024, 2, 1), {CALLS.id: D(0)})  # billed February in advance
        total = sum((l.subtotal for l in period.lines if l.line_type is not LineType.MINIMUM_SPEND), D(0))
        if advance:
            minimum_lines_ = of_type(period, LineType.MINIMUM_SPEND)
            assert all(l.service_period_start == utc(2024, 3, 1) for l in minimum_lines_)
            total += sum(
                (
                    l.subtotal
                    for l in of_type(opening, LineType.MINIMUM_SPEND)
                    if l.service_period_start == utc(2024, 2, 1)
                ),
                D(0),
            )
        else:
            total += sum((l.subtotal for l in of_type(period, LineType.MINIMUM_SPEND)), D(0))
        return total

    assert net(False) == net(True) == max(minimum, charges)
