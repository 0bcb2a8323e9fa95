"""Counter lines at their edges (SEMANTICS §8.2–8.4): running totals in advance and in
arrears, adjustments on the first and last day, several in a period, a decrease to zero,
tiered and volume deltas, proration on and off, the §8.4 example and its variants, and
the rule 4 invariants as a property."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Context, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.billing import DEFAULT_STEPS, LineType, compose_bill
from app.domain.billing.counters import with_counter_step
from app.domain.billing.counters_values import CounterHistory, CounterPricingSnapshot, Counters, delta_price, price
from app.domain.billing.snapshots import PricingOwner

from .builders import BERLIN, D, account, account_plan, bands, midnight, org, plan, uid, utc

SEATS = uid("counter:seats")
ACME = uid("account:acme")
JUNE = utc(2024, 6, 1)
JULY = utc(2024, 7, 1)
EXAMPLE_BANDS = bands(("0", "10"), ("10", "8"))
RT = LineType.COUNTER_RUNNING_TOTAL_CHARGE
DEBIT = LineType.COUNTER_ADJUSTMENT_DEBIT
CREDIT = LineType.COUNTER_ADJUSTMENT_CREDIT
COUNTER_TYPES = (RT, DEBIT, CREDIT)


def counter_pricing(
    start: datetime = utc(2020, 1, 1),
    end: datetime | None = None,
    *,
    owner: PricingOwner = PricingOwner.TEMPLATE,
    band_specs=EXAMPLE_BANDS,
    **fields: object,
) -> CounterPricingSnapshot:
    return CounterPricingSnapshot(
        id=uid(f"counter-pricing:{owner.value}:{start.isoformat()}"),
        counter_id=SEATS,
        counter_code="seats",
        unit="seats",
        owner=owner,
        start=start,
        end=end,
        bands=band_specs,
        description="Seats",
        **fields,  # type: ignore[arg-type]
    )


def counters(the_plan, adjustments, *template: CounterPricingSnapshot, plan_pricings=()) -> Counters:
    return Counters(
        plan_pricings={the_plan.id: tuple(plan_pricings)},
        template_pricings={the_plan.template_id: template},
        histories={(ACME, SEATS): CounterHistory(tuple((d, v) for d, v in adjustments.items()))},
    )


def counter_bill(adjustments, bill_on, *pricings, start=JUNE, end=None, tz=None, plan_pricings=()):
    the_plan = plan()
    ap = account_plan(the_plan, start, end)
    inputs = counters(the_plan, adjustments, *pricings, plan_pricings=plan_pricings)
    the_org = org(tz) if tz is not None else org()
    steps = with_counter_step(DEFAULT_STEPS, inputs)
    return compose_bill(account(), (ap,), bill_on, the_plan.frequency, the_org, {}, steps=steps)


def lines(result):
    return [
        (line.line_type, line.subtotal, line.units, line.service_period_start, line.service_period_end)
        for line in result.lines
        if line.line_type in COUNTER_TYPES
    ]


EXAMPLE = {date(2024, 6, 1): 8, date(2024, 6, 16): 14, date(2024, 6, 25): 11}


def test_the_example_bill_is_209_20():
    result = counter_bill(EXAMPLE, date(2024, 7, 1), counter_pricing())
    assert lines(result) == [
        (RT, D("80.00"), D(8), JUNE, JULY),
        (RT, D("108.00"), D(11), JULY, utc(2024, 8, 1)),
        (DEBIT, D("26.00"), D(6), utc(2024, 6, 16), JULY),
        (CREDIT, D("-4.80"), D(3), utc(2024, 6, 25), JULY),
    ]
    assert result.total == D("209.20")
    line = result.lines[0]
    assert (line.counter_id, line.unit, line.description) == (SEATS, "seats", "Seats")


def test_the_example_debit_lists_the_bands_it_fills():
    result = counter_bill(EXAMPLE, date(2024, 7, 1), counter_pricing())
    debit = next(line for line in result.lines if line.line_type is DEBIT)
    assert [(b.lower_limit, b.band_units, b.band_subtotal) for b in debit.usage_per_pricing_band] == [
        (D(0), D(2), D(20)),
        (D(10), D(4), D(32)),
    ]
    credit = next(line for line in result.lines if line.line_type is CREDIT)
    assert [(b.lower_limit, b.band_units) for b in credit.usage_per_pricing_band] == [(D(10), D(-3))]


def test_the_example_in_arrears():
    pricing = counter_pricing(running_total_bill_in_advance=False)
    june = counter_bill(EXAMPLE, date(2024, 7, 1), pricing)
    july = counter_bill(EXAMPLE, date(2024, 8, 1), pricing)
    assert june.total == D("101.20")
    assert lines(july) == [(RT, D("108.00"), D(11), JULY, utc(2024, 8, 1))]


def test_the_example_without_proration():
    pricing = counter_pricing(
        running_total_bill_in_advance=False,
        pro_rate_running_total=False,
        pro_rate_adjustment_debit=False,
        pro_rate_adjustment_credit=False,
    )
    result = counter_bill(EXAMPLE, date(2024, 7, 1), pricing)
    assert [line[1] for line in lines(result)] == [D("80.00"), D("52.00"), D("-24.00")]
    assert result.total == D("108.00")


def test_the_example_under_volume_pricing():
    result = counter_bill(
        EXAMPLE, date(2024, 7, 1), counter_pricing(cumulative=False, running_total_bill_in_advance=False)
    )
    assert [line[1] for line in lines(result)] == [D("80.00"), D("16.00"), D("-4.80")]


def test_volume_increase_into_a_cheaper_band_is_a_credit():
    result = counter_bill(
        {date(2024, 6, 1): 10, date(2024, 6, 16): 11},
        date(2024, 7, 1),
        counter_pricing(cumulative=False, running_total_bill_in_advance=False, pro_rate_adjustment_credit=False),
    )
    assert lines(result)[1] == (CREDIT, D("-12.00"), D(1), utc(2024, 6, 16), JULY)


def test_volume_delta_lists_the_band_emptied_and_the_band_filled():
    delta = delta_price(EXAMPLE_BANDS, False, 10, 11)
    assert delta.amount == D(-12)
    assert [(b.lower_limit, b.band_units, b.band_subtotal) for b in delta.bands] == [
        (D(0), D(-10), D(-100)),
        (D(10), D(11), D(88)),
    ]


# (adjustments, expected counter lines on the arrears bill of June 2024 (30 days))
EDGES = {
    "first day is inside the running total": (
        {date(2024, 6, 1): 5},
        [(RT, "50.00", 5, JUNE, JULY)],
    ),
    "last day is a one-day adjustment": (
        {date(2024, 6, 1): 5, date(2024, 6, 30): 8},
        [(RT, "50.00", 5, JUNE, JULY), (DEBIT, "1.00", 3, utc(2024, 6, 30), JULY)],
    ),
    "decrease to zero credits the rest of the period": (
        {date(2024, 6, 1): 6, date(2024, 6, 11): 0},
        [(RT, "60.00", 6, JUNE, JULY), (CREDIT, "-40.00", 6, utc(2024, 6, 11), JULY)],
    ),
    "several in one period each priced from the one before": (
        {date(2024, 6, 1): 1, date(2024, 6, 7): 4, date(2024, 6, 19): 2, date(2024, 6, 25): 3},
        [
            (RT, "10.00", 1, JUNE, JULY),
            (DEBIT, "24.00", 3, utc(2024, 6, 7), JULY),
            (DEBIT, "2.00", 1, utc(2024, 6, 25), JULY),
            (CREDIT, "-8.00", 2, utc(2024, 6, 19), JULY),
        ],
    ),
    "a value from an earlier period carries the running total": (
        {date(2024, 1, 1): 2},
        [(RT, "20.00", 2, JUNE, JULY)],
    ),
    "no value before an adjustment gives no running total": (
        {date(2024, 6, 16): 3},
        [(DEBIT, "15.00", 3, utc(2024, 6, 16), JULY)],
    ),
    "a recorded zero is priced": (
        {date(2024, 6, 1): 0},
        [(RT, "0.00", 0, JUNE, JULY)],
    ),
    "no adjustment gives no line": ({}, []),
    "unchanged value gives no line": ({date(2024, 6, 1): 3, date(2024, 6, 10): 3}, [(RT, "30.00", 3, JUNE, JULY)]),
    "an adjustment after the period gives nothing now": (
        {date(2024, 6, 1): 3, date(2024, 7, 1): 9},
        [(RT, "30.00", 3, JUNE, JULY)],
    ),
}


@pytest.mark.parametrize(("adjustments", "expected"), list(EDGES.values()), ids=list(EDGES))
def test_edges_in_arrears(adjustments, expected):
    result = counter_bill(adjustments, date(2024, 7, 1), counter_pricing(running_total_bill_in_advance=False))
    assert lines(result) == sorted(
        [(t, D(a), D(u), s, e) for t, a, u, s, e in expected],
        key=lambda line: list(LineType).index(line[0]),
    )


def test_first_bill_in_advance_carries_its_partial_period_and_the_next():
    # Plan from 06-16: June's running total 5 × 10 × 15/30 = 25, July's 50 in full.
    result = counter_bill({date(2024, 6, 1): 5}, date(2024, 7, 1), counter_pricing(), start=utc(2024, 6, 16))
    assert lines(result) == [
        (RT, D("25.00"), D(5), utc(2024, 6, 16), JULY),
        (RT, D("50.00"), D(5), JULY, utc(2024, 8, 1)),
    ]


def test_later_bills_in_advance_carry_the_next_period_and_this_periods_adjustments():
    result = counter_bill({date(2024, 6, 1): 5, date(2024, 7, 17): 7}, date(2024, 8, 1), counter_pricing())
    # July has 31 days: +2 seats × 10 × 15/31; August's running total at 7 seats.
    assert lines(result) == [
        (RT, D("70.00"), D(7), utc(2024, 8, 1), utc(2024, 9, 1)),
        (DEBIT, D("9.68"), D(2), utc(2024, 7, 17), utc(2024, 8, 1)),
    ]


def test_running_total_prorated_by_the_plan_end_and_off():
    on = counter_bill(
        {date(2024, 6, 1): 3},
        date(2024, 7, 1),
        counter_pricing(running_total_bill_in_advance=False),
        end=utc(2024, 6, 11),
    )
    off = counter_bill(
        {date(2024, 6, 1): 3},
        date(2024, 7, 1),
        counter_pricing(running_total_bill_in_advance=False, pro_rate_running_total=False),
        end=utc(2024, 6, 11),
    )
    assert lines(on) == [(RT, D("10.00"), D(3), JUNE, utc(2024, 6, 11))]
    assert lines(off) == [(RT, D("30.00"), D(3), JUNE, utc(2024, 6, 11))]


def test_plan_pricing_overrides_the_template_and_a_change_splits_the_period():
    template = counter_pricing(running_total_bill_in_advance=False)
    own = counter_pricing(
        utc(2024, 6, 16), owner=PricingOwner.PLAN, band_specs=bands(("0", "4")), running_total_bill_in_advance=False
    )
    result = counter_bill({date(2024, 6, 1): 3}, date(2024, 7, 1), template, plan_pricings=(own,))
    # 3 × 10 × 15/30 under the template, then 3 × 4 × 15/30 under the plan's pricing.
    assert lines(result) == [
        (RT, D("15.00"), D(3), JUNE, utc(2024, 6, 16)),
        (RT, D("6.00"), D(3), utc(2024, 6, 16), JULY),
    ]


def test_an_adjustment_outside_the_pricing_sets_the_value_without_a_line():
    pricing = counter_pricing(utc(2024, 6, 10), running_total_bill_in_advance=False)
    result = counter_bill({date(2024, 6, 5): 4}, date(2024, 7, 1), pricing)
    assert lines(result) == [(RT, D("28.00"), D(4), utc(2024, 6, 10), JULY)]  # 40 × 21/30


def test_days_are_local_days_of_the_organization():
    pricing = counter_pricing(running_total_bill_in_advance=False)
    result = counter_bill(
        {date(2024, 6, 1): 1, date(2024, 6, 16): 2},
        date(2024, 7, 1),
        pricing,
        start=midnight(date(2024, 6, 1), BERLIN),
        tz=BERLIN,
    )
    debit = [line for line in lines(result) if line[0] is DEBIT]
    assert debit == [(DEBIT, D("5.00"), D(1), midnight(date(2024, 6, 16), BERLIN), midnight(date(2024, 7, 1), BERLIN))]


def test_counter_lines_count_toward_the_plan_minimum():
    the_plan = plan(minimum_spend=D(100))
    ap = account_plan(the_plan, JUNE)
    inputs = counters(the_plan, {date(2024, 6, 1): 8}, counter_pricing(running_total_bill_in_advance=False))
    steps = with_counter_step(DEFAULT_STEPS, inputs)
    result = compose_bill(account(), (ap,), date(2024, 7, 1), the_plan.frequency, org(), {}, steps=steps)
    minimum = [line.subtotal for line in result.lines if line.line_type is LineType.MINIMUM_SPEND]
    assert minimum == [D("20.00")]


def test_price_of_none_is_zero_and_of_zero_is_band_one_fixed_price():
    fixed = bands(("0", "1", "5"))
    assert price(fixed, True, None)[0] == 0
    assert price(fixed, True, 0)[0] == 5


# Rule 4 invariants over a 30-day June, A = P, values on distinct days.
values = st.integers(min_value=0, max_value=40)
days = st.lists(st.integers(min_value=2, max_value=30), unique=True, max_size=5)
tier_specs = st.sampled_from(
    [EXAMPLE_BANDS, bands(("0", "3", "2"), ("5", "2"), ("20", "1", "7")), bands(("0", "0", "9"), ("3", "0", "20"))]
)


def _history(first, later_days, later_values):
    adjustments = {date(2024, 6, 1): first}
    for day, value in zip(sorted(later_days), later_values):
        adjustments[date(2024, 6, day)] = value
    return adjustments


@settings(max_examples=60, deadline=None)
@given(values, days, st.lists(values, min_size=5, max_size=5), tier_specs, st.booleans())
def test_rule_4_invariants(first, later_days, later_values, band_specs, cumulative):
    adjustments = _history(first, later_days, later_values)
    flags = {"running_total_bill_in_advance": False, "cumulative": cumulative, "band_specs": band_specs}
    off = counter_pricing(
        pro_rate_running_total=False, pro_rate_adjustment_debit=False, pro_rate_adjustment_credit=False, **flags
    )
    exact_off = _exact(counter_bill(adjustments, date(2024, 7, 1), off))
    last = adjustments[max(adjustments)]
    assert exact_off == price(band_specs, cumulative, last)[0]
    exact_on = _exact(counter_bill(adjustments, date(2024, 7, 1), counter_pricing(**flags)))
    held = sorted(adjustments.items())
    bounds = [d for d, _ in held] + [date(2024, 7, 1)]
    with localcontext(Context(prec=80)):
        expected = sum(
            (
                price(band_specs, cumulative, v)[0] * (bounds[i + 1] - bounds[i]).days / Decimal(30)
                for i, (_, v) in enumerate(held)
            ),
            Decimal(0),
        )
        assert abs(exact_on - expected) < Decimal("1e-40")


def _exact(result) -> Decimal:
    with localcontext(Context(prec=80)):
        return sum((line.exact_subtotal for line in result.lines if line.line_type in COUNTER_TYPES), Decimal(0))


def test_one_day_less_than_a_period_is_prorated():
    # A one-day plan inside June: 1/30 of the running total.
    result = counter_bill(
        {date(2024, 6, 1): 3},
        date(2024, 7, 1),
        counter_pricing(running_total_bill_in_advance=False),
        start=utc(2024, 6, 30),
    )
    assert lines(result) == [(RT, D("1.00"), D(3), utc(2024, 6, 30), JULY)]


def test_a_childs_adjustments_never_bill_on_the_parent():
    # Rule 7: only the bill's own account's adjustments are read, whatever else is loaded.
    the_plan = plan()
    ap = account_plan(the_plan, JUNE)
    child = uid("account:child")
    inputs = Counters(
        template_pricings={the_plan.template_id: (counter_pricing(running_total_bill_in_advance=False),)},
        histories={(child, SEATS): CounterHistory(((date(2024, 6, 1), 9),))},
    )
    steps = with_counter_step(DEFAULT_STEPS, inputs)
    result = compose_bill(account(), (ap,), date(2024, 7, 1), the_plan.frequency, org(), {}, steps=steps)
    assert lines(result) == []


def test_counter_lines_are_converted_and_rounded_like_other_lines():
    # 7 seats × 10 GBP × 11/30 = 25.666… GBP → 25.67; × 1.3 = 33.3666… USD → 33.37.
    the_plan = plan(currency="GBP")
    ap = account_plan(the_plan, utc(2024, 6, 20))
    inputs = counters(the_plan, {date(2024, 6, 1): 7}, counter_pricing(running_total_bill_in_advance=False))
    steps = with_counter_step(DEFAULT_STEPS, inputs)
    the_org = org(conversions={("GBP", "USD"): D("1.3")})
    result = compose_bill(account(), (ap,), date(2024, 7, 1), the_plan.frequency, the_org, {}, steps=steps)
    (line,) = result.lines
    assert (line.currency, line.subtotal, line.converted_subtotal) == ("GBP", D("25.67"), D("33.37"))
    assert result.total == D("33.37")


@pytest.mark.parametrize(
    ("types", "drawn"),
    [
        (frozenset({LineType.COUNTER_RUNNING_TOTAL_CHARGE}), D("-50.00")),
        (frozenset({LineType.COUNTER_ADJUSTMENT_DEBIT}), D("-15.00")),  # 3 × 10 × 15/30
        (frozenset({LineType.USAGE}), None),
        (frozenset(), D("-65.00")),
    ],
    ids=["running totals", "debits", "usage only", "every type"],
)
def test_commitments_draw_the_counter_types_they_name(types, drawn):
    # June: 5 seats from 06-01 (50.00 running total), 8 from 06-16 (debit 15.00).
    from app.domain.billing.commitments import CommitmentSnapshot, commitment_steps

    the_plan = plan()
    ap = account_plan(the_plan, JUNE)
    inputs = counters(
        the_plan, {date(2024, 6, 1): 5, date(2024, 6, 16): 8}, counter_pricing(running_total_bill_in_advance=False)
    )
    commitment = CommitmentSnapshot(
        id=uid("commitment"),
        account_id=ACME,
        currency="USD",
        amount=D(1000),
        start=date(2024, 1, 1),
        end=date(2025, 1, 1),
        line_item_types=types,
    )
    steps = with_counter_step(DEFAULT_STEPS, inputs) + commitment_steps((commitment,), fees=False)
    result = compose_bill(account(), (ap,), date(2024, 7, 1), the_plan.frequency, org(), {}, steps=steps)
    consumed = [line.subtotal for line in result.lines if line.line_type is LineType.COMMITMENT_CONSUMED]
    assert consumed == ([] if drawn is None else [drawn])
