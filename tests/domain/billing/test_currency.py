"""Currency: line subtotals in the plan currency, conversion to the bill currency,
rounding modes and missing conversions (SEMANTICS §7.2 items 6–7)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import BillFailure, CurrencyInfo, LineType
from app.domain.money import CurrencyRounding
from tests.case_ids import case_id

from .builders import (
    CURRENCIES,
    ONE_PER_UNIT,
    D,
    account,
    account_plan,
    aggregation,
    bill,
    of_type,
    org,
    plan,
    pricing,
)

MARCH = date(2024, 3, 1)
CALLS = aggregation("calls")
HALF_UP, HALF_EVEN = CurrencyRounding.HALF_UP, CurrencyRounding.HALF_EVEN


def gbp_bill(quantity, bill_rounding=HALF_UP, conversions=None, currencies=None):
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), currency="GBP"))
    table = dict(currencies or CURRENCIES)
    table["USD"] = CurrencyInfo("USD", 2, bill_rounding)
    the_org = org(conversions={("GBP", "USD"): D("1.25")} if conversions is None else conversions, currencies=table)
    return bill(ap, MARCH, {CALLS.id: D(quantity)}, the_org=the_org)


@pytest.mark.parametrize(
    ("quantity", "rounding", "subtotal", "converted"),
    [
        ("10.02", HALF_UP, "10.02", "12.53"),  # 12.525: a half goes up
        ("10.02", HALF_EVEN, "10.02", "12.52"),  # 12.525: a half goes to the even cent
        ("10.06", HALF_EVEN, "10.06", "12.58"),  # 12.575 → 12.58 (8 is even)
        # From the exact amount, not the rounded subtotal: 10.004 × 1.25 = 12.505,
        # while 10.00 × 1.25 would be 12.50.
        ("10.004", HALF_UP, "10.00", "12.51"),
    ],
    ids=case_id,
)
def test_gbp_plan_billed_in_usd(quantity, rounding, subtotal, converted):
    result = gbp_bill(quantity, rounding)
    [line] = of_type(result, LineType.USAGE)
    assert (line.currency, line.subtotal, line.exact_subtotal) == ("GBP", D(subtotal), D(quantity))
    assert (line.conversion_rate, line.converted_subtotal) == (D("1.25"), D(converted))
    assert (result.currency, result.total) == ("USD", D(converted))


def test_line_subtotal_uses_its_own_currencys_places_and_mode():
    table = dict(CURRENCIES)
    table["GBP"] = CurrencyInfo("GBP", 2, HALF_EVEN)
    [line] = of_type(gbp_bill("0.125", currencies=table), LineType.USAGE)
    assert line.subtotal == D("0.12")  # GBP half-even
    assert line.converted_subtotal == D("0.16")  # 0.15625 in USD half-up


def test_zero_decimal_bill_currency():
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT)))
    the_org = org(conversions={("USD", "JPY"): D("150.3")})
    result = bill(ap, MARCH, {CALLS.id: D("10.50")}, the_org=the_org, the_account=account("JPY"))
    [line] = result.lines
    assert (line.subtotal, line.converted_subtotal, result.total) == (D("10.50"), D("1578"), D("1578"))


def test_same_currency_has_rate_one():
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT)))
    [line] = bill(ap, MARCH, {CALLS.id: D(3)}).lines
    assert (line.conversion_rate, line.converted_subtotal) == (1, D("3.00"))


def test_total_is_the_sum_of_rounded_converted_subtotals():
    targets = [aggregation(code) for code in ("a", "b", "c")]
    ap = account_plan(plan(*(pricing(t, band_specs=ONE_PER_UNIT) for t in targets)))
    result = bill(ap, MARCH, {t.id: D("1.005") for t in targets})
    assert [l.converted_subtotal for l in result.lines] == [D("1.01")] * 3
    assert result.total == D("3.03")  # not round(3.015) = 3.02


@pytest.mark.parametrize(
    "conversions",
    [
        {},
        {("USD", "GBP"): D("0.8")},  # the inverse pair is not used
        {("GBP", "EUR"): D("1.1")},
    ],
    ids=case_id,
)
def test_missing_conversion_fails_the_bill_with_a_clear_reason(conversions):
    with pytest.raises(BillFailure) as failure:
        gbp_bill("1", conversions=conversions)
    assert failure.value.reason == "no currency conversion from GBP to USD"


def test_missing_conversion_fails_even_for_a_standing_charge_only_plan():
    ap = account_plan(plan(currency="GBP", standing_charge=D(10)))
    with pytest.raises(BillFailure, match="GBP to USD"):
        bill(ap, MARCH)


def test_unknown_currencies_fail_the_bill():
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), currency="CHF"))
    with pytest.raises(BillFailure, match="currency CHF is not defined"):
        bill(ap, MARCH, {CALLS.id: D(1)}, the_org=org(conversions={("CHF", "USD"): D(1)}))
    usd = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT)))
    with pytest.raises(BillFailure, match="currency NZD is not defined"):
        bill(usd, MARCH, {CALLS.id: D(1)}, the_account=account("NZD"))
