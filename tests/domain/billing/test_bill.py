"""The bill: which account plans it includes, its dates, its usage windows, line order
(SEMANTICS §7.1–7.2)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import (
    BillFailure,
    LineType,
    PricingType,
    UsageWindow,
    compose_bill,
    included_account_plans,
    segment_pairs,
    usage_windows,
)
from app.domain.periods import BillFrequency
from tests.case_ids import case_id

from .builders import (
    BERLIN,
    ONE_PER_UNIT,
    UTC,
    D,
    account,
    account_plan,
    aggregation,
    bill,
    compound,
    midnight,
    org,
    plan,
    pricing,
    utc,
)

MARCH = date(2024, 3, 1)
CALLS = aggregation("calls")


def test_bill_fields():
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT)), utc(2024, 1, 1))
    result = bill(ap, MARCH, {CALLS.id: D(2)}, the_account=account(days_before_bill_due=10))
    assert (result.bill_date, result.start, result.end) == (MARCH, date(2024, 2, 1), MARCH)
    assert result.last_date_in_billing_period == date(2024, 2, 29)  # leap year
    assert (result.due_date, result.currency, result.frequency) == (date(2024, 3, 11), "USD", BillFrequency.MONTHLY)
    assert (result.account_code, result.account_plan_ids, result.total) == ("acme", (ap.id,), D("2.00"))


def test_bill_start_is_the_earliest_full_period_start_even_for_a_mid_period_start():
    ap = account_plan(plan(), utc(2024, 2, 20))
    assert bill(ap, MARCH).start == date(2024, 2, 1)


def test_bill_start_with_account_plans_of_different_intervals():
    monthly = account_plan(plan(name="m"), name="m")
    quarterly = account_plan(plan(name="q", interval=3), name="q")  # bills Jan 1, Apr 1, ...
    result = bill([monthly, quarterly], date(2024, 4, 1))
    assert (result.start, set(result.account_plan_ids)) == (date(2024, 1, 1), {monthly.id, quarterly.id})
    assert bill([monthly, quarterly], MARCH).account_plan_ids == (monthly.id,)


def test_bill_without_lines_totals_zero_with_the_currency_places():
    result = bill(account_plan(plan()), MARCH)
    assert (result.lines, str(result.total)) == ((), "0.00")


@pytest.mark.parametrize(
    ("start", "end", "included"),
    [
        (utc(2024, 1, 1), None, True),
        (utc(2024, 2, 29, 23), None, True),  # the last hour of the period
        (utc(2024, 3, 1), None, False),  # starts at the bill date: first billed on April 1
        (utc(2023, 1, 1), utc(2024, 2, 1), False),  # ended at the period's start
        (utc(2023, 1, 1), utc(2024, 2, 1, 1), True),  # one hour into the period
    ],
    ids=case_id,
)
def test_which_account_plans_a_bill_includes(start, end, included):
    ap = account_plan(plan(), start, end)
    assert (included_account_plans([ap], MARCH, BillFrequency.MONTHLY, UTC) == (ap,)) is included
    if not included:
        with pytest.raises(BillFailure, match="no MONTHLY account plan billing on 2024-03-01"):
            bill(ap, MARCH)


def test_other_frequencies_and_non_bill_dates_are_not_included():
    weekly = account_plan(plan(name="w", frequency=BillFrequency.WEEKLY), name="w")
    monthly = account_plan(plan(name="m"), name="m")
    assert included_account_plans([weekly, monthly], MARCH, BillFrequency.MONTHLY, UTC) == (monthly,)
    assert included_account_plans([monthly], date(2024, 3, 2), BillFrequency.MONTHLY, UTC) == ()


def test_account_plan_order_does_not_depend_on_input_order():
    first = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), name="a"), utc(2024, 1, 1), name="a")
    second = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT), name="b"), utc(2024, 1, 5), name="b")
    values = {CALLS.id: D(1)}
    assert bill([first, second], MARCH, values) == bill([second, first], MARCH, values)


def test_lines_follow_the_semantics_order():
    credit_target = aggregation("refunds")
    the_plan = plan(
        pricing(CALLS, band_specs=ONE_PER_UNIT),
        pricing(credit_target, band_specs=ONE_PER_UNIT, type=PricingType.GLOBAL_CREDIT),
        standing_charge=D(10),
        minimum_spend=D(50),
        minimum_spend_bill_in_advance=True,
    )
    result = bill(account_plan(the_plan, utc(2024, 1, 1)), MARCH, {CALLS.id: D(20), credit_target.id: D(5)})
    assert [(l.line_type, l.subtotal) for l in result.lines] == [
        (LineType.USAGE, D("20.00")),
        (LineType.USAGE_CREDIT, D("-5.00")),
        (LineType.STANDING_CHARGE, D("10.00")),
        (LineType.MINIMUM_SPEND, D("50.00")),
        (LineType.MINIMUM_SPEND_REFUND, D("-20.00")),
    ]
    assert result.total == D("55.00")


def test_usage_windows_are_local_midnights_in_the_organization_timezone():
    ap = account_plan(plan(pricing(CALLS)), utc(2023, 1, 1))
    windows = usage_windows([ap], date(2024, 4, 1), BillFrequency.MONTHLY, BERLIN)
    # March in Berlin: from 23:00 UTC on Feb 29 (CET) to 22:00 UTC on Mar 31 (CEST).
    assert windows == (UsageWindow(CALLS.id, None, utc(2024, 2, 29, 23), utc(2024, 3, 31, 22)),)
    assert windows[0].start == midnight(date(2024, 3, 1), BERLIN)
    result = bill(ap, date(2024, 4, 1), {CALLS.id: D(1)}, the_org=org(BERLIN))
    assert (result.lines[0].service_period_start, result.lines[0].service_period_end) == (
        utc(2024, 2, 29, 23),
        utc(2024, 3, 31, 22),
    )


def test_usage_windows_expand_compounds_and_deduplicate():
    a, b = aggregation("a"), aggregation("b")
    both = compound("both", "aggregation.a + aggregation.b", [a, b])
    segmented = aggregation("regions", segmented_fields=("region",), segments=({"region": "eu"},))
    first = account_plan(
        plan(pricing(both), pricing(a), pricing(segmented, segment={"region": "eu"}), name="x"), name="x"
    )
    second = account_plan(plan(pricing(a), name="y"), name="y")
    window = (utc(2024, 2, 1), utc(2024, 3, 1))
    assert usage_windows([first, second], MARCH, BillFrequency.MONTHLY, UTC) == (
        UsageWindow(a.id, None, *window),
        UsageWindow(b.id, None, *window),
        UsageWindow(segmented.id, segment_pairs({"region": "eu"}), *window),
    )
    assert UsageWindow(segmented.id, (("region", "eu"),), *window).segment_map == {"region": "eu"}


def test_usage_windows_split_at_pricing_and_account_plan_boundaries():
    ap = account_plan(
        plan(pricing(CALLS, utc(2020, 1, 1), utc(2024, 2, 10)), pricing(CALLS, utc(2024, 2, 10))),
        utc(2024, 1, 1),
        utc(2024, 2, 20, 12),
    )
    assert usage_windows([ap], MARCH, BillFrequency.MONTHLY, UTC) == (
        UsageWindow(CALLS.id, None, utc(2024, 2, 1), utc(2024, 2, 10)),
        UsageWindow(CALLS.id, None, utc(2024, 2, 10), utc(2024, 2, 20, 12)),
    )


def test_usage_windows_ignore_account_plans_not_on_the_bill():
    ap = account_plan(plan(pricing(CALLS)), utc(2024, 3, 1))
    assert usage_windows([ap], MARCH, BillFrequency.MONTHLY, UTC) == ()


def test_compose_bill_accepts_strings_for_the_frequency():
    ap = account_plan(plan(pricing(CALLS, band_specs=ONE_PER_UNIT)))
    windows = usage_windows([ap], MARCH, "MONTHLY", UTC)
    result = compose_bill(account(), [ap], MARCH, "MONTHLY", org(), {w: D(4) for w in windows})
    assert result.total == D("4.00")


def test_invalid_bands_fail_the_bill():
    broken = pricing(CALLS, band_specs=())
    with pytest.raises(BillFailure, match="pricing"):
        bill(account_plan(plan(broken)), MARCH, {CALLS.id: D(1)})
