"""Commitments: fee schedules, drawdown, overage surcharge and overage usage
(SEMANTICS §5.3, §7.2 items 4–5)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.billing import (
    DEFAULT_STEPS,
    AccountPlanSnapshot,
    BillFailure,
    LineType,
    PricingType,
    compose_bill,
    usage_windows,
)
from app.domain.billing.commitments import (
    CommitmentSnapshot,
    FeeBillingPlan,
    FeeDate,
    ad_hoc_fee_lines,
    commitment_steps,
    drawn_amounts,
    fee_dates_between,
    fee_lines_for,
    fee_schedule,
)
from app.domain.periods import BillFrequency
from tests.case_ids import case_id

from .builders import (
    BERLIN,
    EPOCH,
    JPY,
    ONE_PER_UNIT,
    TWO_TIERS,
    USD,
    UTC,
    D,
    account,
    account_plan,
    aggregation,
    bands,
    midnight,
    of_type,
    org,
    plan,
    pricing,
    uid,
    usage_map,
    utc,
)

CALLS = aggregation("calls")
REFUNDS = aggregation("refunds")
ACME = uid("account:acme")
MONTHLY_PLAN = FeeBillingPlan(uid("plan:fees"), EPOCH, BillFrequency.MONTHLY, 1)
FEB, MAR, APR = date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)


def commitment(name="c", amount="1000", start=date(2024, 1, 1), end=date(2025, 1, 1), **fields):
    return CommitmentSnapshot(
        id=uid(f"commitment:{name}"),
        account_id=fields.pop("account_id", ACME),
        currency=fields.pop("currency", "USD"),
        amount=D(amount),
        start=start,
        end=end,
        **fields,
    )


def compose(account_plans, bill_date, usage, commitments, *, the_org=None, the_account=None, fees=True):
    plans = (account_plans,) if isinstance(account_plans, AccountPlanSnapshot) else tuple(account_plans)
    the_org = the_org or org()
    windows = usage_windows(plans, bill_date, BillFrequency.MONTHLY, the_org.timezone)
    steps = DEFAULT_STEPS + commitment_steps(commitments, fees=fees)
    return compose_bill(
        the_account or account(),
        plans,
        bill_date,
        BillFrequency.MONTHLY,
        the_org,
        usage_map(windows, usage),
        steps=steps,
    )


def summary(result):
    return [(line.line_type.value, line.subtotal) for line in result.lines]


def usage_plan(band_specs=ONE_PER_UNIT, **fields):
    return account_plan(plan(pricing(CALLS, band_specs=band_specs, **fields)))


# --- fee schedules ----------------------------------------------------------------------


def fees(c, currency=USD, tz=UTC):
    return [(fee.bill_date, fee.amount, fee.service_start, fee.service_end) for fee in fee_schedule(c, currency, tz)]


def test_explicit_fee_dates_are_billed_on_their_dates():
    c = commitment(
        fee_dates=[
            FeeDate(date(2024, 3, 1), D("250"), utc(2024, 3, 1), utc(2024, 6, 1)),
            (date(2024, 1, 15), D("100"), utc(2024, 1, 1), utc(2024, 3, 1)),
        ],
        fee_description="Prepayment",
    )
    assert fees(c) == [
        (date(2024, 1, 15), D("100"), utc(2024, 1, 1), utc(2024, 3, 1)),
        (MAR, D("250"), utc(2024, 3, 1), utc(2024, 6, 1)),
    ]
    [fee] = fee_lines_for(c, MAR, USD, BERLIN)
    assert (fee.amount, fee.description, fee.commitment_id) == (D("250"), "Prepayment", c.id)
    assert fee_lines_for(c, FEB, USD, BERLIN) == []
    assert fee_dates_between(c, date(2024, 1, 1), MAR, USD) == (date(2024, 1, 15),)
    assert fee_dates_between(c, date(2024, 1, 1), date(2024, 3, 2), USD) == (date(2024, 1, 15), MAR)


@pytest.mark.parametrize(
    ("advance", "expected"),
    [
        # Fee periods Jan..Jun (k = 0..5); offset 1, interval 2 → k = 1, 3, 5.
        (
            True,
            [
                (FEB, "200", FEB, APR),
                (APR, "350", APR, date(2024, 6, 1)),
                (date(2024, 6, 1), "350", date(2024, 6, 1), date(2024, 7, 1)),
            ],
        ),
        (
            False,
            [
                (APR, "200", FEB, APR),
                (date(2024, 6, 1), "350", APR, date(2024, 6, 1)),
                (date(2024, 7, 1), "350", date(2024, 6, 1), date(2024, 7, 1)),
            ],
        ),
    ],
    ids=case_id,
)
def test_billing_plan_with_interval_offset_and_first_bill(advance, expected):
    c = commitment(
        amount="1000",
        amount_pre_paid=D("100"),
        amount_first_bill=D("200"),
        end=date(2024, 7, 1),
        billing_plan=MONTHLY_PLAN,
        billing_interval=2,
        billing_offset=1,
        fee_in_advance=advance,
    )
    assert fees(c) == [(d, D(a), midnight(s), midnight(e)) for d, a, s, e in expected]
    assert sum(fee[1] for fee in fees(c)) == D("900")  # amount − prepaid


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("100", USD, ["33.33", "33.33", "33.34"]),
        ("200", USD, ["66.66", "66.66", "66.68"]),  # parts toward zero, the last absorbs
        ("100", JPY, ["33", "33", "34"]),
        ("0.02", USD, ["0.00", "0.00", "0.02"]),  # zero parts give no fee at all
    ],
    ids=case_id,
)
def test_equal_split_the_last_absorbs_rounding(amount, currency, expected):
    c = commitment(amount=amount, end=APR, billing_plan=MONTHLY_PLAN, fee_in_advance=True)
    got = {fee[0]: fee[1] for fee in fees(c, currency)}
    want = {d: D(a) for d, a in zip([date(2024, 1, 1), FEB, MAR], expected) if D(a) != 0}
    assert got == want
    assert fee_dates_between(c, date(2024, 1, 1), APR, currency) == tuple(want)


def test_first_bill_amount_then_equal_parts_and_single_fee():
    c = commitment(
        amount="1000", amount_first_bill=D("100"), end=date(2024, 5, 1), billing_plan=MONTHLY_PLAN, fee_in_advance=True
    )
    assert [fee[1] for fee in fees(c)] == [D("100"), D("300"), D("300"), D("300")]
    one = commitment(amount="1000", amount_first_bill=D("100"), end=FEB, billing_plan=MONTHLY_PLAN, fee_in_advance=True)
    assert [fee[1] for fee in fees(one)] == [D("1000")]  # first bill and rest together


@pytest.mark.parametrize(
    ("advance", "dates"),
    [
        # A mid-month commitment: the first advance fee is on its start (an AD_HOC date),
        # the last arrears fee on its end.
        (True, [date(2024, 1, 15), FEB, MAR, APR]),
        (False, [FEB, MAR, APR, date(2024, 4, 15)]),
    ],
    ids=case_id,
)
def test_partial_fee_periods_and_ad_hoc_dates(advance, dates):
    c = commitment(
        amount="1000", start=date(2024, 1, 15), end=date(2024, 4, 15), billing_plan=MONTHLY_PLAN, fee_in_advance=advance
    )
    schedule = fees(c)
    assert [fee[0] for fee in schedule] == dates
    assert [fee[1] for fee in schedule] == [D("250")] * 4
    assert schedule[0][2] == utc(2024, 1, 15) and schedule[-1][3] == utc(2024, 4, 15)
    assert fee_dates_between(c, FEB, APR, USD) == (FEB, MAR)


def test_no_fee_period_after_the_offset_means_no_fee():
    c = commitment(end=MAR, billing_plan=MONTHLY_PLAN, billing_offset=5)
    assert fees(c) == []


def test_fee_line_on_a_bill_in_the_org_timezone():
    ap = usage_plan()
    c = commitment(
        amount="600", end=APR, billing_plan=MONTHLY_PLAN, fee_in_advance=True, fee_description="Commitment fee"
    )
    result = compose(ap, FEB, {}, [c], the_org=org(BERLIN))
    [line] = of_type(result, LineType.COMMITMENT_FEE)
    assert (line.subtotal, line.description, line.commitment_id, line.plan_id) == (
        D("200.00"),
        "Commitment fee",
        c.id,
        MONTHLY_PLAN.id,
    )
    assert (line.service_period_start, line.service_period_end) == (midnight(FEB, BERLIN), midnight(MAR, BERLIN))
    assert result.total == D("200.00")
    assert of_type(compose(ap, FEB, {}, [c], fees=False), LineType.COMMITMENT_FEE) == []


def test_ad_hoc_fee_lines_are_converted():
    c = commitment(currency="GBP", fee_dates=[FeeDate(date(2024, 1, 15), D("100"), utc(2024, 1, 1), utc(2024, 2, 1))])
    [line] = ad_hoc_fee_lines(account(), [c], date(2024, 1, 15), org(conversions={("GBP", "USD"): D("1.25")}))
    assert (line.line_type, line.subtotal, line.converted_subtotal) == (
        LineType.COMMITMENT_FEE,
        D("100.00"),
        D("125.00"),
    )
    with pytest.raises(BillFailure, match="GBP to USD"):
        ad_hoc_fee_lines(account(), [c], date(2024, 1, 15), org())


# --- drawdown across months into overage ------------------------------------------------


def test_drawdown_across_months_and_recalculation_contract():
    ap = usage_plan()
    c = commitment(amount="1000", consumed_description="Prepaid usage")
    january = compose(ap, FEB, {CALLS.id: D(600)}, [c])
    assert summary(january) == [("USAGE", D("600.00")), ("COMMITMENT_CONSUMED", D("-600.00"))]
    assert january.total == D("0.00")
    [consumed] = of_type(january, LineType.COMMITMENT_CONSUMED)
    assert (consumed.commitment_id, consumed.description) == (c.id, "Prepaid usage")
    assert drawn_amounts(january) == {c.id: D("600")}

    february = compose(ap, MAR, {CALLS.id: D(600)}, [commitment(amount="1000", amount_spent_before=D(600))])
    assert summary(february) == [("USAGE", D("600.00")), ("COMMITMENT_CONSUMED", D("-400.00"))]
    assert february.total == D("200.00")
    # amountSpent is now 1000; recalculating January passes 1000 − its own 600 = 400.
    again = compose(ap, FEB, {CALLS.id: D(600)}, [commitment(amount="1000", amount_spent_before=D(400))])
    assert drawn_amounts(again) == {c.id: D("600")}


@pytest.mark.parametrize(
    ("percent", "surcharge", "total"),
    [(None, None, "200.00"), (D("10"), "20.00", "220.00"), (D("-5"), "-10.00", "190.00"), (D("0"), None, "200.00")],
    ids=case_id,
)
def test_overage_surcharge(percent, surcharge, total):
    c = commitment(amount_spent_before=D(600), overage_surcharge_percent=percent, overage_description="Overage")
    result = compose(usage_plan(), MAR, {CALLS.id: D(600)}, [c])
    lines = of_type(result, LineType.OVERAGE_SURCHARGE)
    assert [line.subtotal for line in lines] == ([] if surcharge is None else [D(surcharge)])
    assert all(line.commitment_id == c.id and line.description == "Overage" for line in lines)
    assert result.total == D(total)


def test_an_exhausted_commitment_surcharges_the_whole_eligible_total():
    c = commitment(amount_spent_before=D(1000), overage_surcharge_percent=D(10))
    result = compose(usage_plan(), MAR, {CALLS.id: D(600)}, [c])
    assert summary(result) == [("USAGE", D("600.00")), ("OVERAGE_SURCHARGE", D("60.00"))]


def usage_lines(result):
    return [
        (line.line_type.value, line.units, line.subtotal)
        for line in result.lines
        if line.line_type in (LineType.USAGE, LineType.OVERAGE_USAGE)
    ]


@pytest.mark.parametrize(
    ("overage_bands", "overage_subtotal", "total"),
    [((), "200.00", "200.00"), (bands(("0", "1.5")), "300.00", "300.00")],
    ids=case_id,
)
def test_separate_overage_usage(overage_bands, overage_subtotal, total):
    ap = usage_plan(overage_bands=overage_bands)
    c = commitment(amount_spent_before=D(600), separate_overage_usage=True)
    result = compose(ap, MAR, {CALLS.id: D(600)}, [c])
    assert usage_lines(result) == [("USAGE", D(400), D("400.00")), ("OVERAGE_USAGE", D(200), D(overage_subtotal))]
    assert of_type(result, LineType.COMMITMENT_CONSUMED)[0].subtotal == D("-400.00")
    assert result.total == D(total)
    [overage] = of_type(result, LineType.OVERAGE_USAGE)
    assert overage.commitment_id == c.id
    assert len(overage.usage_per_pricing_band) == (1 if overage_bands else 0)


def test_separate_overage_units_are_proportional_to_the_charge():
    # 1000 units in two tiers cost 125; 50 remaining covers 40% of the charge.
    ap = usage_plan(band_specs=TWO_TIERS)
    c = commitment(amount="1000", amount_spent_before=D(950), separate_overage_usage=True)
    result = compose(ap, MAR, {CALLS.id: D(1000)}, [c])
    assert usage_lines(result) == [("USAGE", D(400), D("50.00")), ("OVERAGE_USAGE", D(600), D("75.00"))]
    assert result.total == D("75.00")


@pytest.mark.parametrize(("overage_bands", "subtotal"), [((), "600.00"), (bands(("0", "1.5")), "900.00")], ids=case_id)
def test_a_wholly_unmet_usage_line_becomes_overage_usage(overage_bands, subtotal):
    ap = usage_plan(overage_bands=overage_bands)
    c = commitment(amount_spent_before=D(1000), separate_overage_usage=True)
    result = compose(ap, MAR, {CALLS.id: D(600)}, [c])
    assert usage_lines(result) == [("OVERAGE_USAGE", D(600), D(subtotal))]
    assert of_type(result, LineType.COMMITMENT_CONSUMED) == []


# --- several commitments -----------------------------------------------------------------


def test_two_commitments_draw_earliest_end_first():
    short = commitment("short", amount="300", end=date(2024, 7, 1))
    long = commitment("yearly", amount="1000", start=date(2023, 1, 1))  # started first, ends last
    assert str(long.id) < str(short.id)  # so neither start nor id order would pass
    result = compose(usage_plan(), MAR, {CALLS.id: D(500)}, [long, short])
    assert [(line.commitment_id, line.subtotal) for line in of_type(result, LineType.COMMITMENT_CONSUMED)] == [
        (short.id, D("-300.00")),
        (long.id, D("-200.00")),
    ]
    assert drawn_amounts(result) == {short.id: D("300"), long.id: D("200")}
    assert result.total == D("0.00")


def test_equal_end_dates_draw_by_id():
    a, b = commitment("a", amount="100"), commitment("b", amount="100")
    first, second = sorted([a, b], key=lambda c: str(c.id))
    result = compose(usage_plan(), MAR, {CALLS.id: D(150)}, [second, first])
    assert drawn_amounts(result) == {first.id: D("100"), second.id: D("50")}


def test_overage_belongs_to_the_last_commitment_it_passed():
    short = commitment("short", amount="300", end=date(2024, 7, 1), overage_surcharge_percent=D(10))
    long = commitment("long", amount="100", overage_surcharge_percent=D(20))
    result = compose(usage_plan(), MAR, {CALLS.id: D(500)}, [short, long])
    [surcharge] = of_type(result, LineType.OVERAGE_SURCHARGE)
    assert (surcharge.commitment_id, surcharge.subtotal) == (long.id, D("20.00"))
    assert result.total == D("120.00")


def test_other_accounts_commitments_are_ignored():
    other = commitment(account_id=uid("account:other"))
    result = compose(usage_plan(), MAR, {CALLS.id: D(500)}, [other])
    assert of_type(result, LineType.COMMITMENT_CONSUMED) == []


# --- commitment boundaries inside a period -------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "drawn", "span"),
    [
        # February 2024 has 29 days; 290 units at 1 → 10 per day.
        (date(2024, 1, 1), date(2024, 2, 15), "140.00", (utc(2024, 2, 1), utc(2024, 2, 15))),
        (date(2024, 2, 15), date(2025, 1, 1), "150.00", (utc(2024, 2, 15), utc(2024, 3, 1))),
        (date(2024, 3, 1), date(2025, 1, 1), None, None),  # starts with the next period
        (date(2023, 1, 1), date(2024, 2, 1), None, None),  # ended before the period
    ],
    ids=case_id,
)
def test_commitment_boundary_inside_a_period(start, end, drawn, span):
    result = compose(usage_plan(), MAR, {CALLS.id: D(290)}, [commitment(start=start, end=end)])
    consumed = of_type(result, LineType.COMMITMENT_CONSUMED)
    if drawn is None:
        assert consumed == []
        return
    [line] = consumed
    assert line.subtotal == -D(drawn)
    assert (line.service_period_start, line.service_period_end) == span


def test_only_the_part_inside_an_ending_commitment_is_overage():
    c = commitment(amount="100", end=date(2024, 2, 15), overage_surcharge_percent=D(10))
    result = compose(usage_plan(), MAR, {CALLS.id: D(290)}, [c])
    # 140 inside: 100 drawn, 40 overage → 4.00; the 150 after the end is simply billed.
    assert summary(result) == [
        ("USAGE", D("290.00")),
        ("COMMITMENT_CONSUMED", D("-100.00")),
        ("OVERAGE_SURCHARGE", D("4.00")),
    ]


def test_an_advance_charge_counts_for_the_period_it_pays():
    ap = account_plan(plan(standing_charge=D(100), standing_charge_bill_in_advance=True))
    c = commitment(start=FEB)
    result = compose(ap, FEB, {}, [c])  # carries January (own period) and February
    assert [line.subtotal for line in of_type(result, LineType.STANDING_CHARGE)] == [D("100.00")] * 2
    assert of_type(result, LineType.COMMITMENT_CONSUMED)[0].subtotal == D("-100.00")


# --- eligibility ------------------------------------------------------------------------


def test_eligibility_by_product():
    a = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), name="a", product="p-a"), name="a")
    other = aggregation("other")
    b = account_plan(plan(pricing(other, band_specs=ONE_PER_UNIT), name="b", product="p-b"), name="b")
    c = commitment(product_ids=[uid("product:p-a")])
    result = compose([a, b], MAR, {CALLS.id: D(70), other.id: D(30)}, [c])
    assert of_type(result, LineType.COMMITMENT_CONSUMED)[0].subtotal == D("-70.00")
    assert result.total == D("30.00")


@pytest.mark.parametrize(
    ("types", "drawn"),
    [(["STANDING_CHARGE"], "50.00"), (["USAGE"], "100.00"), ([], "150.00"), (["MINIMUM_SPEND"], None)],
    ids=case_id,
)
def test_eligibility_by_line_type(types, drawn):
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), standing_charge=D(50)))
    result = compose(ap, MAR, {CALLS.id: D(100)}, [commitment(line_item_types=types)])
    consumed = [line.subtotal for line in of_type(result, LineType.COMMITMENT_CONSUMED)]
    assert consumed == ([] if drawn is None else [-D(drawn)])


def test_credits_reduce_what_the_commitment_pays():
    credit = pricing(REFUNDS, band_specs=ONE_PER_UNIT, type=PricingType.PRODUCT_CREDIT)
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), credit))
    result = compose(ap, MAR, {CALLS.id: D(100), REFUNDS.id: D(30)}, [commitment(line_item_types=["USAGE"])])
    assert of_type(result, LineType.COMMITMENT_CONSUMED)[0].subtotal == D("-70.00")
    assert result.total == D("0.00")


def test_a_commitment_in_another_currency_draws_converted():
    c = commitment(amount="100", currency="EUR")
    the_org = org(conversions={("EUR", "USD"): D("1.1")})
    result = compose(usage_plan(), MAR, {CALLS.id: D(200)}, [c], the_org=the_org)
    [line] = of_type(result, LineType.COMMITMENT_CONSUMED)
    assert (line.currency, line.subtotal, line.converted_subtotal) == ("EUR", D("-100.00"), D("-110.00"))
    assert drawn_amounts(result) == {c.id: D("100")}
    assert result.total == D("90.00")


def test_lines_in_another_currency_draw_as_printed():
    ap = account_plan(plan(pricing(CALLS, band_specs=bands(("0", "0.333"))), currency="GBP"))
    the_org = org(conversions={("GBP", "USD"): D("1.25")})
    result = compose(ap, MAR, {CALLS.id: D(100)}, [commitment()], the_org=the_org)
    assert result.total == D("0.00")  # 33.30 GBP × 1.25 = 41.625 → 41.63 USD drawn exactly


# --- laws -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    used=st.integers(min_value=0, max_value=5000),
    amount=st.integers(min_value=1, max_value=3000),
    spent=st.integers(min_value=0, max_value=3000),
    separate=st.booleans(),
)
def test_a_single_commitment_draws_min_of_remaining_and_usage(used, amount, spent, separate):
    c = commitment(amount=str(amount), amount_spent_before=D(spent), separate_overage_usage=separate)
    result = compose(usage_plan(), MAR, {CALLS.id: D(used)}, [c])
    remaining = max(amount - spent, 0)
    assert drawn_amounts(result).get(c.id, D(0)) == min(remaining, used)
    assert result.total == D(used - min(remaining, used))
    billed_units = sum(line.units for line in result.lines if line.units is not None)
    assert billed_units == used
