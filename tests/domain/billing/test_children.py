"""Parent and child accounts: block rating, breakdown and summary lines, and the
largest-remainder split (SEMANTICS §7.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.billing import DEFAULT_STEPS, LineType, compose_bill, usage_windows
from app.domain.billing.children import (
    CHILD_BILL_STEPS,
    BlockMember,
    ChildBillingMode,
    ChildBlock,
    breakdown_step,
    place_children,
    split_block,
)
from app.domain.billing.commitments import CommitmentSnapshot, commitment_steps
from app.domain.periods import BillFrequency
from tests.case_ids import case_id

from .builders import (
    TWO_TIERS,
    D,
    account,
    account_plan,
    aggregation,
    bands,
    compound,
    of_type,
    org,
    plan,
    pricing,
    uid,
    usage_map,
)

MAR = date(2024, 3, 1)
CALLS = aggregation("calls")
PARENT = BlockMember(uid("account:acme"), "acme")
BETA = BlockMember(uid("account:beta"), "beta")
ALPHA = BlockMember(uid("account:alpha"), "alpha")


# --- split_block ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "places", "expected"),
    [
        ("100", {"a": "1", "b": "1", "c": "1"}, 2, {"a": "33.34", "b": "33.33", "c": "33.33"}),
        ("-100", {"a": "1", "b": "1", "c": "1"}, 2, {"a": "-33.34", "b": "-33.33", "c": "-33.33"}),
        ("125", {"p": "300", "a": "400", "b": "300"}, 2, {"p": "37.50", "a": "50.00", "b": "37.50"}),
        ("1", {"a": "1", "b": "2"}, 2, {"a": "0.33", "b": "0.67"}),  # largest remainder to b
        ("10.005", {"a": "0", "b": "0"}, 2, {"a": "10.01", "b": "0.00"}),  # zero weight: first key
        ("7", {"a": "0.5", "b": "1.25", "c": "0"}, 0, {"a": "2", "b": "5", "c": "0"}),
        ("0", {"a": "1", "b": "3"}, 2, {"a": "0.00", "b": "0.00"}),
        (
            "0.05",
            {"a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "1"},
            2,
            {"a": "0.01", "b": "0.01", "c": "0.01", "d": "0.01", "e": "0.01", "f": "0.00"},
        ),
    ],
    ids=case_id,
)
def test_split_block_table(total, weights, places, expected):
    parts = split_block(D(total), {k: D(v) for k, v in weights.items()}, places)
    assert parts == {k: D(v) for k, v in expected.items()}
    assert all(str(part) == value for part, value in zip(parts.values(), expected.values()))


def test_split_block_rejects_negative_weights_and_no_keys():
    with pytest.raises(ValueError):
        split_block(D(1), {"a": D(-1), "b": D(2)}, 2)
    with pytest.raises(ValueError):
        split_block(D(1), {}, 2)


money = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False)
weight = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(total=money, weights=st.lists(weight, min_size=1, max_size=12), places=st.integers(0, 4))
def test_split_block_sums_exactly_and_each_part_is_within_one_unit(total, weights, places):
    keyed = {index: w for index, w in enumerate(weights)}
    parts = split_block(total, keyed, places)
    rounded = total.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert sum(parts.values()) == rounded
    unit = Decimal(1).scaleb(-places)
    whole = sum(weights)
    for key, part in parts.items():
        assert part.as_tuple().exponent == -places
        exact = (
            Fraction(rounded) * Fraction(keyed[key]) / Fraction(whole)
            if whole
            else (Fraction(rounded) if key == 0 else Fraction(0))
        )
        assert abs(Fraction(part) - exact) < Fraction(unit)


@given(total=money, weights=st.lists(weight, min_size=1, max_size=8))
def test_split_block_is_symmetric_for_credits(total, weights):
    keyed = dict(enumerate(weights))
    assert split_block(-total, keyed, 2) == {k: -v for k, v in split_block(total, keyed, 2).items()}


# --- placement ------------------------------------------------------------------------


def test_placement_by_mode():
    ap_id = uid("account-plan:parent")
    breakdown = place_children(ap_id, PARENT, [BETA, ALPHA], with_own_plan={BETA.account_id})
    assert breakdown.block.children == (ALPHA,) and breakdown.own_bills == ()
    assert breakdown.block.account_ids == (PARENT.account_id, ALPHA.account_id)
    child = place_children(ap_id, PARENT, [BETA, ALPHA], ChildBillingMode.CHILD)
    assert child.block.children == () and child.own_bills == (BETA, ALPHA)
    assert ChildBlock(ap_id, PARENT, (BETA, ALPHA)).members == (PARENT, ALPHA, BETA)


# --- block lines on the parent's bill ------------------------------------------------------


def parent_bill(ap, members, mode, *, band_specs=None, the_org=None, extra_steps=()):
    """Compose the parent's bill the way a service would: block usage is one aggregation
    over every block account (here SUM), member usage weighs the split."""
    the_org = the_org or org()
    windows = usage_windows([ap], MAR, BillFrequency.MONTHLY, the_org.timezone)
    member_usage = {m.account_id: usage_map(windows, {CALLS.id: q}) for m, q in members.items()}
    block_usage = usage_map(windows, {CALLS.id: sum((q for q in members.values() if q is not None), D(0))})
    block = ChildBlock(ap.id, PARENT, tuple(m for m in members if m != PARENT), mode)
    steps = DEFAULT_STEPS + (breakdown_step([block], member_usage),) + tuple(extra_steps)
    return compose_bill(account(), [ap], MAR, BillFrequency.MONTHLY, the_org, block_usage, steps=steps)


def usage_lines(result):
    return [
        (line.child_account_code, line.quantity, line.units, line.subtotal) for line in of_type(result, LineType.USAGE)
    ]


def tiered_plan(band_specs=TWO_TIERS, **fields):
    return account_plan(plan(pricing(CALLS, band_specs=band_specs), **fields), name="parent")


def test_breakdown_rates_the_block_and_splits_by_units():
    # 300 + 400 + 300 = 1000 units reach the second tier: 500 × 0.15 + 500 × 0.10 = 125.
    members = {PARENT: D(300), BETA: D(300), ALPHA: D(400)}
    result = parent_bill(tiered_plan(), members, ChildBillingMode.PARENT_BREAKDOWN)
    assert usage_lines(result) == [
        (None, D(300), D(300), D("37.50")),
        ("alpha", D(400), D(400), D("50.00")),
        ("beta", D(300), D(300), D("37.50")),
    ]
    alpha = of_type(result, LineType.USAGE)[1]
    assert (alpha.child_account_id, alpha.average_unit_price, alpha.usage_per_pricing_band) == (
        ALPHA.account_id,
        D("0.125"),
        (),
    )
    assert result.total == D("125.00")


def test_summary_is_one_line_for_the_block():
    members = {PARENT: D(300), BETA: D(300), ALPHA: D(400)}
    result = parent_bill(tiered_plan(), members, ChildBillingMode.PARENT_SUMMARY)
    assert usage_lines(result) == [(None, D(1000), D(1000), D("125.00"))]
    assert len(of_type(result, LineType.USAGE)[0].usage_per_pricing_band) == 2


def test_breakdown_remainders_and_children_without_usage():
    fixed = bands(("0", "0", "1"))  # one unit of money whatever the units
    members = {PARENT: D(1), ALPHA: D(1), BETA: D(1)}
    result = parent_bill(tiered_plan(fixed), members, ChildBillingMode.PARENT_BREAKDOWN)
    assert [line[3] for line in usage_lines(result)] == [D("0.34"), D("0.33"), D("0.33")]
    # No usage anywhere but a fixed price: all on the parent, a child without usage has no line.
    quiet = parent_bill(tiered_plan(fixed), {PARENT: None, ALPHA: D(0), BETA: None}, ChildBillingMode.PARENT_BREAKDOWN)
    assert usage_lines(quiet) == [(None, D(0), D(0), D("1.00")), ("alpha", D(0), D(0), D("0.00"))]


def test_breakdown_in_another_currency_sums_exactly_both_ways():
    ap = account_plan(plan(pricing(CALLS, band_specs=bands(("0", "0.01"))), currency="GBP"), name="parent")
    the_org = org(conversions={("GBP", "USD"): D("1.2345")})
    members = {PARENT: D(100), ALPHA: D(100), BETA: D(100)}
    result = parent_bill(ap, members, ChildBillingMode.PARENT_BREAKDOWN, the_org=the_org)
    lines = of_type(result, LineType.USAGE)
    assert [line.subtotal for line in lines] == [D("1.00"), D("1.00"), D("1.00")]
    assert [line.converted_subtotal for line in lines] == [D("1.24"), D("1.23"), D("1.23")]
    assert result.total == D("3.70")  # 3.00 GBP × 1.2345 = 3.7035


def test_breakdown_of_a_compound_aggregation():
    target = compound("double", "aggregation.calls * 2", [CALLS])
    ap = account_plan(plan(pricing(target, band_specs=bands(("0", "1")))), name="parent")
    members = {PARENT: D(1), ALPHA: D(3)}
    result = parent_bill(ap, members, ChildBillingMode.PARENT_BREAKDOWN)
    assert usage_lines(result) == [(None, D(2), D(2), D("2.00")), ("alpha", D(6), D(6), D("6.00"))]


def test_breakdown_then_a_commitment_draws_the_child_lines_too():
    c = CommitmentSnapshot(uid("commitment:c"), PARENT.account_id, "USD", D(100), date(2024, 1, 1), date(2025, 1, 1))
    members = {PARENT: D(300), BETA: D(300), ALPHA: D(400)}
    result = parent_bill(tiered_plan(), members, ChildBillingMode.PARENT_BREAKDOWN, extra_steps=commitment_steps([c]))
    assert of_type(result, LineType.COMMITMENT_CONSUMED)[0].subtotal == D("-100.00")
    assert result.total == D("25.00")


def test_a_child_billed_on_its_own_bill_gets_usage_only():
    ap = tiered_plan(standing_charge=D(50))
    windows = usage_windows([ap], MAR, BillFrequency.MONTHLY, org().timezone)
    child_account = account()  # stands in for the child's own account snapshot
    result = compose_bill(
        child_account,
        [ap],
        MAR,
        BillFrequency.MONTHLY,
        org(),
        usage_map(windows, {CALLS.id: D(400)}),
        steps=CHILD_BILL_STEPS,
    )
    assert [(line.line_type, line.subtotal) for line in result.lines] == [(LineType.USAGE, D("60.00"))]
