"""USAGE lines: band maths on a bill, null vs zero, defaults, units, splits, overrides,
segments, compound aggregations, tiersSpanPlan (SEMANTICS §3.3–3.4, §4.4, §7.2 item 1)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import BillFailure, LineType, PricingOwner, UsageWindow, segment_pairs
from app.domain.units import UnitRounding
from tests.case_ids import case_id

from .builders import (
    ONE_PER_UNIT,
    STAIRS,
    TWO_TIERS,
    D,
    account_plan,
    aggregation,
    bands,
    bill,
    compound,
    of_type,
    plan,
    pricing,
    utc,
)

FEB = date(2024, 2, 1)  # closes January 2024, the account plan's first period
CALLS = aggregation("calls")


def usage_lines(result):
    return of_type(result, LineType.USAGE)


@pytest.mark.parametrize(
    ("band_specs", "cumulative", "units", "expected"),
    [
        (TWO_TIERS, True, "700", "95.00"),  # 500 × 0.15 + 200 × 0.10
        (TWO_TIERS, False, "700", "70.00"),  # 700 × 0.10
        (TWO_TIERS, True, "500", "75.00"),  # 500 is still band 1
        (TWO_TIERS, False, "500", "75.00"),
        (TWO_TIERS, True, "501", "75.10"),
        (TWO_TIERS, False, "501", "50.10"),
        (TWO_TIERS, True, "0", "0.00"),
        (STAIRS, False, "0", "12.00"),  # stairstep: $12 up to 4 units
        (STAIRS, False, "4", "12.00"),
        (STAIRS, False, "4.5", "25.00"),
        (STAIRS, False, "6", "25.00"),
        (STAIRS, False, "7", "50.00"),
        (STAIRS, True, "7", "87.00"),  # tiered: every band entered pays its fixed price
    ],
    ids=case_id,
)
def test_band_maths_on_a_usage_line(band_specs, cumulative, units, expected):
    the_plan = plan(pricing(CALLS, band_specs=band_specs, cumulative=cumulative))
    result = bill(account_plan(the_plan), FEB, {CALLS.id: D(units)})
    [line] = usage_lines(result)
    assert line.subtotal == D(expected)
    assert line.quantity == D(units) and line.units == D(units)
    assert result.total == D(expected)


def test_usage_line_fields_and_breakdown():
    priced = pricing(CALLS, description="API calls")
    ap = account_plan(plan(priced))
    [line] = usage_lines(bill(ap, FEB, {CALLS.id: D(700)}))
    assert (line.pricing_id, line.aggregation_id, line.compound_aggregation_id) == (priced.id, CALLS.id, None)
    assert (line.plan_id, line.product_id, line.account_plan_id) == (ap.plan.id, ap.plan.product_id, ap.id)
    assert (line.description, line.unit, line.segment) == ("API calls", "calls", None)
    assert (line.service_period_start, line.service_period_end) == (utc(2024, 1, 1), utc(2024, 2, 1))
    assert [(b.band_units, b.band_subtotal) for b in line.usage_per_pricing_band] == [
        (D(500), D("75.00")),
        (D(200), D("20.00")),
    ]
    # 95 / 700 to 50 significant digits: never rounded to the currency
    assert line.average_unit_price == D("0.13571428571428571428571428571428571428571428571429")
    assert line.exact_subtotal == D("95.00")


def test_description_falls_back_to_the_target_name():
    [line] = usage_lines(bill(account_plan(plan(pricing(CALLS))), FEB, {CALLS.id: D(1)}))
    assert line.description == "calls name"


def test_null_usage_gives_no_line_but_zero_usage_is_priced():
    fixed = bands(("0", "0.15", "5"), ("500", "0.10"))
    ap = account_plan(plan(pricing(CALLS, band_specs=fixed)))
    assert usage_lines(bill(ap, FEB, {CALLS.id: None})) == []
    assert usage_lines(bill(ap, FEB, {})) == []  # a window missing from the map is no usage
    [line] = usage_lines(bill(ap, FEB, {CALLS.id: D(0)}))
    assert (line.quantity, line.units, line.subtotal, line.average_unit_price) == (0, 0, D("5.00"), 0)


@pytest.mark.parametrize(
    ("raw", "default", "quantity", "subtotal"),
    [
        (None, "10", "10", "1.50"),  # no usage: the default is billed
        (None, "0", "0", "0.00"),
        ("20", "10", "20", "3.00"),  # usage wins over the default
        (None, None, None, None),
    ],
    ids=case_id,
)
def test_default_value(raw, default, quantity, subtotal):
    target = aggregation("calls", default_value=None if default is None else D(default))
    result = bill(account_plan(plan(pricing(target))), FEB, {target.id: None if raw is None else D(raw)})
    lines = usage_lines(result)
    if quantity is None:
        assert lines == []
    else:
        assert [(l.quantity, l.subtotal) for l in lines] == [(D(quantity), D(subtotal))]


@pytest.mark.parametrize(
    ("rounding", "quantity", "units"),
    [
        (UnitRounding.UP, "1500", "2"),
        (UnitRounding.UP, "1000", "1"),
        (UnitRounding.UP, "1", "1"),
        (UnitRounding.DOWN, "1999", "1"),
        (UnitRounding.NEAREST, "1500", "2"),
        (UnitRounding.NEAREST, "1499", "1"),
        (UnitRounding.NONE, "1500", "1.5"),
    ],
    ids=case_id,
)
def test_quantity_per_unit_and_rounding(rounding, quantity, units):
    target = aggregation("bytes", quantity_per_unit=D(1000), rounding=rounding, unit="KB")
    ap = account_plan(plan(pricing(target, band_specs=bands(("0", "2")))))
    [line] = usage_lines(bill(ap, FEB, {target.id: D(quantity)}))
    assert (line.quantity, line.units, line.unit) == (D(quantity), D(units), "KB")
    assert line.subtotal == D(units) * 2
    assert line.usage_per_pricing_band[0].band_quantity == D(units) * 1000


def window_value(values):
    """Usage by window start: {start instant: value}."""
    return lambda window: values.get(window.start)


def test_a_pricing_starting_mid_period_splits_the_period():
    old = pricing(CALLS, utc(2020, 1, 1), utc(2024, 1, 16), bands(("0", "1")))
    new = pricing(CALLS, utc(2024, 1, 16), None, bands(("0", "2")))
    ap = account_plan(plan(old, new))
    usage = window_value({utc(2024, 1, 1): D(10), utc(2024, 1, 16): D(10)})
    lines = usage_lines(bill(ap, FEB, usage))
    assert [(l.pricing_id, l.service_period_start, l.service_period_end, l.subtotal) for l in lines] == [
        (old.id, utc(2024, 1, 1), utc(2024, 1, 16), D("10.00")),
        (new.id, utc(2024, 1, 16), utc(2024, 2, 1), D("20.00")),
    ]


def test_a_pricing_starting_mid_period_alone_prices_only_its_part():
    ap = account_plan(plan(pricing(CALLS, utc(2024, 1, 20, 12), None, ONE_PER_UNIT)))
    [line] = usage_lines(bill(ap, FEB, {CALLS.id: D(3)}))
    assert (line.service_period_start, line.service_period_end) == (utc(2024, 1, 20, 12), utc(2024, 2, 1))


def test_plan_pricing_overrides_template_pricing_while_it_is_active():
    template = pricing(CALLS, band_specs=bands(("0", "1")))
    override = pricing(CALLS, utc(2024, 1, 11), utc(2024, 1, 21), bands(("0", "3")), owner=PricingOwner.PLAN)
    ap = account_plan(plan(template, plan_pricings=[override]))
    usage = window_value({utc(2024, 1, 1): D(1), utc(2024, 1, 11): D(2), utc(2024, 1, 21): D(4)})
    lines = usage_lines(bill(ap, FEB, usage))
    assert [(l.pricing_id, l.service_period_start, l.subtotal) for l in lines] == [
        (template.id, utc(2024, 1, 1), D("1.00")),
        (override.id, utc(2024, 1, 11), D("6.00")),
        (template.id, utc(2024, 1, 21), D("4.00")),
    ]


def test_plan_pricing_for_another_segment_does_not_override():
    target = aggregation("calls", segmented_fields=("region",), segments=({"region": "eu"}, {"region": "us"}))
    template = pricing(target, segment={"region": "eu"}, band_specs=ONE_PER_UNIT)
    other = pricing(target, segment={"region": "us"}, band_specs=bands(("0", "2")), owner=PricingOwner.PLAN)
    ap = account_plan(plan(template, plan_pricings=[other]))
    eu, us = segment_pairs({"region": "eu"}), segment_pairs({"region": "us"})
    lines = usage_lines(bill(ap, FEB, {(target.id, eu): D(5), (target.id, us): D(7)}))
    assert [(l.segment, l.pricing_id, l.subtotal) for l in lines] == [
        ({"region": "eu"}, template.id, D("5.00")),
        ({"region": "us"}, other.id, D("14.00")),
    ]


def test_each_segment_is_priced_by_its_own_pricing():
    target = aggregation(
        "calls",
        segmented_fields=("region", "tier"),
        segments=({"region": "eu", "tier": "*"}, {"region": "*", "tier": "*"}),
    )
    specific = pricing(target, segment={"tier": "*", "region": "eu"}, band_specs=ONE_PER_UNIT)
    catch_all = pricing(target, segment={"region": "*", "tier": "*"}, band_specs=bands(("0", "0.5")))
    ap = account_plan(plan(specific, catch_all))
    values = {
        (target.id, (("region", "eu"), ("tier", "*"))): D(10),
        (target.id, (("region", "*"), ("tier", "*"))): D(4),
    }
    lines = usage_lines(bill(ap, FEB, values))
    assert [(l.segment, l.subtotal) for l in lines] == [
        ({"region": "*", "tier": "*"}, D("2.00")),
        ({"region": "eu", "tier": "*"}, D("10.00")),
    ]


A = aggregation("a", default_value=None)
B = aggregation("b")
B_DEFAULT = aggregation("b", default_value=D(120))


@pytest.mark.parametrize(
    ("calculation", "references", "evaluate_nulls", "values", "quantity"),
    [
        ("aggregation.a + aggregation.b / 60", (A, B), False, {A.id: D(10), B.id: D(120)}, "12"),
        ("aggregation.a + aggregation.b / 60", (A, B), False, {A.id: D(10), B.id: None}, None),
        ("aggregation.a + aggregation.b / 60", (A, B), True, {A.id: D(10), B.id: None}, None),  # null + 10
        ("aggregation.a + isnull(aggregation.b, 0)", (A, B), True, {A.id: D(10), B.id: None}, "10"),
        ("aggregation.a + isnull(aggregation.b, 0)", (A, B), False, {A.id: D(10), B.id: None}, None),
        ("aggregation.a + aggregation.b / 60", (A, B_DEFAULT), False, {A.id: D(10)}, "12"),  # default
        ("aggregation.a / aggregation.b", (A, B), False, {A.id: D(10), B.id: D(0)}, None),  # ÷0 → null
        ("aggregation.a - aggregation.b", (A, B), False, {A.id: D(5), B.id: D(5)}, "0"),
    ],
    ids=case_id,
)
def test_compound_aggregation(calculation, references, evaluate_nulls, values, quantity):
    target = compound("minutes", calculation, references, evaluate_null_aggregations=evaluate_nulls, unit="min")
    ap = account_plan(plan(pricing(target, band_specs=ONE_PER_UNIT)))
    lines = usage_lines(bill(ap, FEB, values))
    if quantity is None:
        assert lines == []
        return
    [line] = lines
    assert (line.quantity, line.subtotal, line.unit) == (D(quantity), D(quantity), "min")
    assert (line.compound_aggregation_id, line.aggregation_id) == (target.id, None)


def test_compound_uses_raw_values_then_its_own_quantity_per_unit_and_rounding():
    seconds = aggregation("seconds", quantity_per_unit=D(60), rounding=UnitRounding.UP)
    target = compound("hours", "aggregation.seconds / 60", [seconds], quantity_per_unit=D(60), rounding=UnitRounding.UP)
    ap = account_plan(plan(pricing(target, band_specs=ONE_PER_UNIT)))
    [line] = usage_lines(bill(ap, FEB, {seconds.id: D(7260)}))  # 121 minutes
    assert (line.quantity, line.units, line.subtotal) == (D(121), D(3), D("3.00"))


def test_compound_calculation_that_does_not_compile_fails_the_bill():
    target = compound("broken", "aggregation.a +", [A])
    ap = account_plan(plan(pricing(target, band_specs=ONE_PER_UNIT)))
    with pytest.raises(BillFailure, match="broken"):
        bill(ap, FEB, {A.id: D(1)})


@pytest.mark.parametrize(
    ("cumulative", "previous", "units", "expected"),
    [
        (True, "0", "200", "30.00"),
        (True, "400", "200", "25.00"),  # 100 × 0.15 + 100 × 0.10
        (True, "500", "200", "20.00"),
        (False, "400", "200", "20.00"),  # volume at the band of 600
        (False, "200", "200", "30.00"),  # volume at the band of 400
    ],
    ids=case_id,
)
def test_tiers_span_plan_uses_previous_units(cumulative, previous, units, expected):
    priced = pricing(CALLS, tiers_span_plan=True, cumulative=cumulative)
    ap = account_plan(plan(priced))
    result = bill(ap, FEB, {CALLS.id: D(units)}, previous_units={(ap.id, CALLS.id, None): D(previous)})
    assert [l.subtotal for l in usage_lines(result)] == [D(expected)]


def test_previous_units_are_ignored_without_tiers_span_plan():
    ap = account_plan(plan(pricing(CALLS)))
    result = bill(ap, FEB, {CALLS.id: D(200)}, previous_units={(ap.id, CALLS.id, None): D(1000)})
    assert [l.subtotal for l in usage_lines(result)] == [D("30.00")]


def test_tiers_span_plan_continues_across_the_parts_of_a_split_period():
    first = pricing(CALLS, utc(2020, 1, 1), utc(2024, 1, 16), tiers_span_plan=True)
    second = pricing(CALLS, utc(2024, 1, 16), None, tiers_span_plan=True)
    ap = account_plan(plan(first, second))
    usage = window_value({utc(2024, 1, 1): D(300), utc(2024, 1, 16): D(300)})
    lines = usage_lines(bill(ap, FEB, usage))
    assert [l.subtotal for l in lines] == [D("45.00"), D("40.00")]  # 300 @ .15; 200 @ .15 + 100 @ .10


def test_window_identity_for_set_based_fetching():
    ap = account_plan(plan(pricing(CALLS)))
    window = UsageWindow(CALLS.id, None, utc(2024, 1, 1), utc(2024, 2, 1))
    [line] = usage_lines(bill(ap, FEB, lambda w: D(7) if w == window else None))
    assert line.quantity == 7
