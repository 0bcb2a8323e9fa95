"""Laws of bill composition, checked on generated bills (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.bands import PricingBand, band_charge
from app.domain.billing import (
    CurrencyInfo,
    LineType,
    PricingType,
    line_rank,
)
from app.domain.money import CurrencyRounding
from app.domain.units import UnitRounding, to_units

from .builders import (
    D,
    account,
    account_plan,
    aggregation,
    bill,
    org,
    plan,
    pricing,
    utc,
)

BILL_DATE = date(2024, 4, 1)
CODES = ("USD", "GBP", "EUR", "JPY")

prices = st.decimals(min_value=0, max_value=50, places=3)
money = st.decimals(min_value=0, max_value=500, places=2)
quantities = st.none() | st.decimals(min_value=0, max_value=5000, places=3)


@st.composite
def band_sets(draw):
    limits = sorted(draw(st.sets(st.integers(min_value=1, max_value=1000), max_size=3)))
    return tuple(
        PricingBand(D(limit), draw(prices), draw(st.sampled_from([D(0), D(5), D("0.5")]))) for limit in [0, *limits]
    )


@st.composite
def currency_tables(draw):
    return {
        code: CurrencyInfo(code, draw(st.integers(0, 4)), draw(st.sampled_from(list(CurrencyRounding))))
        for code in CODES
    }


@st.composite
def account_plans(draw, index):
    targets = [
        aggregation(
            f"m{index}_{k}",
            quantity_per_unit=draw(st.sampled_from([D(1), D("0.5"), D(3)])),
            rounding=draw(st.sampled_from(list(UnitRounding))),
        )
        for k in range(draw(st.integers(1, 3)))
    ]
    pricings = [
        pricing(
            target,
            utc(2024, 3, draw(st.integers(1, 31))) if draw(st.booleans()) else utc(2020, 1, 1),
            band_specs=draw(band_sets()),
            cumulative=draw(st.booleans()),
            type=draw(st.sampled_from(list(PricingType))),
            minimum_spend=draw(st.sampled_from([D(0), draw(money)])),
            minimum_spend_bill_in_advance=draw(st.booleans()),
        )
        for target in targets
    ]
    the_plan = plan(
        *pricings,
        name=f"p{index}",
        product=f"product{draw(st.integers(0, 1))}",
        currency=draw(st.sampled_from(CODES)),
        standing_charge=draw(money),
        standing_charge_bill_in_advance=draw(st.booleans()),
        standing_charge_interval=draw(st.integers(1, 3)),
        standing_charge_offset=draw(st.integers(0, 2)),
        minimum_spend=draw(money),
        minimum_spend_bill_in_advance=draw(st.booleans()),
    )
    start = utc(2024, 1, 1) + timedelta(hours=draw(st.integers(0, 24 * 80)))
    return account_plan(the_plan, start, name=f"ap{index}"), targets


@st.composite
def bills(draw):
    pairs = [draw(account_plans(index)) for index in range(draw(st.integers(1, 3)))]
    usage = {t.id: draw(quantities) for _, targets in pairs for t in targets}
    rates = {
        (a, b): draw(st.decimals(min_value="0.01", max_value=200, places=4)) for a in CODES for b in CODES if a != b
    }
    the_org = org(conversions=rates, currencies=draw(currency_tables()))
    the_account = account(draw(st.sampled_from(CODES)))
    return bill([ap for ap, _ in pairs], BILL_DATE, usage, the_org=the_org, the_account=the_account), the_org


@settings(max_examples=150, deadline=None)
@given(bills())
def test_total_is_the_sum_of_converted_subtotals_and_lines_are_in_order(generated):
    result, the_org = generated
    assert result.total == sum((line.converted_subtotal for line in result.lines), Decimal(0))
    ranks = [line_rank(line.line_type) for line in result.lines]
    assert ranks == sorted(ranks)
    places = the_org.currencies[result.currency].max_decimal_places
    assert result.total.as_tuple().exponent == -places
    for line in result.lines:
        assert line.subtotal.as_tuple().exponent == -the_org.currencies[line.currency].max_decimal_places
        assert line.converted_subtotal.as_tuple().exponent == -places


@settings(max_examples=150, deadline=None)
@given(bills())
def test_credits_never_take_a_non_negative_bill_below_zero(generated):
    # All prices here are non-negative, so only credits and minimum-spend refunds could
    # make a total negative, and both are capped by the charges they offset. Each line is
    # rounded on its own (SEMANTICS §7.2 rule 7), so under a sign-aware mode (FLOOR,
    # CEILING) a refund can round one unit of the last place further than the charge it
    # offsets (a refund of -0.001 under FLOOR to 0 places is -1 while the 0.01 it refunds
    # is 0): the total may dip below zero by at most one such unit per line, never more.
    result, the_org = generated
    last_place = Decimal(1).scaleb(-the_org.currencies[result.currency].max_decimal_places)
    assert result.total >= -last_place * len(result.lines)
    for line in result.lines:
        if line.line_type is LineType.USAGE_CREDIT:
            assert line.converted_subtotal <= 0


@given(
    bands=band_sets(),
    cumulative=st.booleans(),
    quantity=st.decimals(min_value=0, max_value=10**6, places=4),
    per_unit=st.sampled_from([D(1), D("0.25"), D(7), D(1000)]),
    rounding=st.sampled_from(list(UnitRounding)),
)
def test_single_pricing_usage_line_is_the_band_charge_of_the_units(bands, cumulative, quantity, per_unit, rounding):
    target = aggregation("calls", quantity_per_unit=per_unit, rounding=rounding)
    ap = account_plan(plan(pricing(target, band_specs=bands, cumulative=cumulative)))
    result = bill(ap, date(2024, 3, 1), {target.id: quantity})
    [line] = result.lines
    units = to_units(quantity, per_unit, rounding)
    charge = band_charge(bands, units, cumulative=cumulative, quantity_per_unit=per_unit)
    assert line.line_type is LineType.USAGE
    assert (line.units, line.exact_subtotal) == (units, charge.subtotal)
    assert line.usage_per_pricing_band == charge.bands
