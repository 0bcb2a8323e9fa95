"""USAGE_CREDIT lines: negative, capped at the product's or the bill's total, product
credits before global ones (SEMANTICS §7.2 item 1)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import LineType, PricingType

from .builders import (
    ONE_PER_UNIT,
    D,
    account_plan,
    aggregation,
    bands,
    bill,
    of_type,
    org,
    plan,
    pricing,
    utc,
)

MARCH = date(2024, 3, 1)
CALLS = aggregation("calls")
OTHER = aggregation("other")
REFUNDS = aggregation("refunds")
GOODWILL = aggregation("goodwill")
PRODUCT = PricingType.PRODUCT_CREDIT
GLOBAL = PricingType.GLOBAL_CREDIT


def credit(target=REFUNDS, kind=PRODUCT, **fields):
    return pricing(target, band_specs=ONE_PER_UNIT, type=kind, **fields)


def credit_lines(result):
    return [(line.aggregation_id, line.subtotal) for line in of_type(result, LineType.USAGE_CREDIT)]


@pytest.mark.parametrize(
    ("usage", "credit_units", "expected", "total"),
    [
        ("100", "30", "-30.00", "70.00"),
        ("100", "100", "-100.00", "0.00"),
        ("100", "150", "-100.00", "0.00"),  # capped at the product's total
        ("100", "0", "0.00", "100.00"),
        (None, "5", "0.00", "0.00"),  # nothing to reduce: capped to zero, line kept
    ],
)
def test_product_credit_is_negative_and_capped(usage, credit_units, expected, total):
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), credit()))
    result = bill(ap, MARCH, {CALLS.id: None if usage is None else D(usage), REFUNDS.id: D(credit_units)})
    [line] = of_type(result, LineType.USAGE_CREDIT)
    assert line.subtotal == line.converted_subtotal == D(expected)
    assert line.exact_subtotal == D(expected)
    assert (line.quantity, line.units) == (D(credit_units), D(credit_units))  # full usage shown
    assert result.total == D(total)


def two_products(*credits):
    first = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), *credits, name="a", product="a"), name="a")
    second = account_plan(plan(pricing(OTHER, band_specs=ONE_PER_UNIT), name="b", product="b"), name="b")
    return [first, second]


@pytest.mark.parametrize(
    ("kind", "expected", "total"),
    [
        (PRODUCT, "-20.00", "100.00"),  # only product a's 20 is available
        (GLOBAL, "-50.00", "70.00"),
    ],
)
def test_credit_scope(kind, expected, total):
    result = bill(two_products(credit(kind=kind)), MARCH, {CALLS.id: D(20), OTHER.id: D(100), REFUNDS.id: D(50)})
    assert [s for _, s in credit_lines(result)] == [D(expected)]
    assert result.total == D(total)


def test_global_credit_capped_at_the_whole_bill():
    result = bill(two_products(credit(kind=GLOBAL)), MARCH, {CALLS.id: D(20), OTHER.id: D(100), REFUNDS.id: D(500)})
    assert credit_lines(result) == [(REFUNDS.id, D("-120.00"))]
    assert result.total == D("0.00")


def test_product_credits_apply_before_global_credits():
    # The global credit comes first in line order (goodwill < refunds) but is applied last.
    credits = (credit(GOODWILL, GLOBAL), credit(REFUNDS, PRODUCT))
    values = {CALLS.id: D(20), OTHER.id: D(100), GOODWILL.id: D(110), REFUNDS.id: D(15)}
    result = bill(two_products(*credits), MARCH, values)
    assert credit_lines(result) == [(GOODWILL.id, D("-105.00")), (REFUNDS.id, D("-15.00"))]
    assert result.total == D("0.00")


def test_two_product_credits_never_take_the_product_below_zero():
    credits = (credit(REFUNDS), credit(GOODWILL))
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), *credits))
    result = bill(ap, MARCH, {CALLS.id: D(15), GOODWILL.id: D(10), REFUNDS.id: D(10)})
    assert credit_lines(result) == [(GOODWILL.id, D("-10.00")), (REFUNDS.id, D("-5.00"))]


def test_standing_charges_and_minimums_count_as_other_lines():
    the_plan = plan(credit(), standing_charge=D(10), minimum_spend=D(5))
    result = bill(account_plan(the_plan), MARCH, {REFUNDS.id: D(25)})
    assert credit_lines(result) == [(REFUNDS.id, D("-15.00"))]
    assert result.total == D("0.00")


def test_cap_uses_rounded_figures_so_the_printed_total_is_not_negative():
    priced = bands(("0", "1.004"))
    ap = account_plan(plan(pricing(CALLS, band_specs=priced), pricing(OTHER, band_specs=priced), credit()))
    result = bill(ap, MARCH, {CALLS.id: D(1), OTHER.id: D(1), REFUNDS.id: D("2.008")})
    # Exact other lines 2.008 but printed 1.00 + 1.00: the credit may take 2.00, not 2.01.
    assert credit_lines(result) == [(REFUNDS.id, D("-2.00"))]
    assert result.total == D("0.00")


def test_credit_in_another_currency_is_capped_in_the_bill_currency():
    usd = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), name="usd"), name="usd")
    gbp = account_plan(plan(credit(), name="gbp", currency="GBP"), name="gbp")
    the_org = org(conversions={("GBP", "USD"): D("1.25")})
    result = bill([usd, gbp], MARCH, {CALLS.id: D(10), REFUNDS.id: D(100)}, the_org=the_org)
    [line] = of_type(result, LineType.USAGE_CREDIT)
    assert (line.currency, line.exact_subtotal, line.subtotal) == ("GBP", D(-8), D("-8.00"))
    assert (line.conversion_rate, line.converted_subtotal) == (D("1.25"), D("-10.00"))
    assert result.total == D("0.00")


def test_credit_line_fields():
    priced = credit(description="Refunds")
    ap = account_plan(plan(priced), utc(2024, 1, 1))
    [line] = of_type(bill(ap, MARCH, {REFUNDS.id: D(3)}), LineType.USAGE_CREDIT)
    assert (line.pricing_id, line.description, line.product_id) == (priced.id, "Refunds", ap.plan.product_id)
    assert line.usage_per_pricing_band[0].band_subtotal == D(3)  # the breakdown stays positive
