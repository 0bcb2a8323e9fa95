"""The group minimum's G (SEMANTICS §10.2 rule 5, §10.3) when a member plan has a
minimum of its own: G(P) sums, for service period P, the members' USAGE and their
MINIMUM_SPEND *net of* MINIMUM_SPEND_REFUND. A member minimum billed in advance for P is on
the bill at P's start (§7.2 item 3) and its refund on the bill closing P; netted, the member
period counts ``max(m, charges)`` exactly as in arrears, so the group's lines must not
depend on the member's timing."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import DEFAULT_STEPS, LineType, compose_bill, usage_windows
from app.domain.billing.plan_groups import GroupMember, PlanGroupSnapshot, plan_group_step

from .builders import D, account, account_plan, aggregation, bands, org, plan, pricing, uid, usage_map, utc

LOGINS = aggregation("logins")
GROUP_AP = uid("account-plan:group")


def group_lines(
    bill_on: date,
    logins: str,
    *,
    member_advance: bool,
    group_advance: bool = False,
    start=None,
    pricing_minimum: bool = False,
):
    """The group's own lines (type, subtotal) on the bill: one member, $1 per login, a
    member minimum of 100 (the plan's, or the pricing's), a group minimum of 120."""
    minimum = {"minimum_spend": D(100), "minimum_spend_bill_in_advance": member_advance}
    the_pricing = pricing(LOGINS, band_specs=bands(("0", "1")), **(minimum if pricing_minimum else {}))
    member = plan(the_pricing, name="member", product="login", **({} if pricing_minimum else minimum))
    group = PlanGroupSnapshot(
        uid("group:minimum"), "USD", minimum_spend=D(120), minimum_spend_bill_in_advance=group_advance
    )
    aps = [account_plan(member, start or utc(2024, 3, 1), name="member")]
    found = {ap.id: GroupMember(group, GROUP_AP) for ap in aps}
    values = usage_map(usage_windows(aps, bill_on, "MONTHLY", org().timezone), {LOGINS.id: D(logins)})
    result = compose_bill(
        account(), aps, bill_on, "MONTHLY", org(), values, steps=(*DEFAULT_STEPS, plan_group_step(found))
    )
    return [
        (line.line_type.value, line.subtotal, line.service_period_start)
        for line in result.lines
        if line.account_plan_id == GROUP_AP
    ]


APRIL = utc(2024, 4, 1)


@pytest.mark.parametrize("member_advance", [False, True], ids=["member-arrears", "member-advance"])
@pytest.mark.parametrize("pricing_minimum", [False, True], ids=["plan-minimum", "pricing-minimum"])
@pytest.mark.parametrize(
    ("logins", "expected"),
    [
        # Bill 05-01 closes April (the account plan's bill 1). G = max(100, c).
        ("150", []),  # G = 150 ≥ 120: no top-up
        ("120", []),  # G = 120 = M exactly: no line
        ("110", [("MINIMUM_SPEND", D("10.00"), APRIL)]),  # 120 − 110
        ("100", [("MINIMUM_SPEND", D("20.00"), APRIL)]),  # c = m: G = 100, 120 − 100
        ("80", [("MINIMUM_SPEND", D("20.00"), APRIL)]),  # member topped up to 100: 120 − 100
        ("0", [("MINIMUM_SPEND", D("20.00"), APRIL)]),  # zero usage: member pays 100
    ],
)
def test_group_minimum_counts_a_member_period_as_max_of_its_minimum_and_charges(
    logins, expected, member_advance, pricing_minimum
):
    lines = group_lines(date(2024, 5, 1), logins, member_advance=member_advance, pricing_minimum=pricing_minimum)
    assert lines == expected


@pytest.mark.parametrize("member_advance", [False, True], ids=["member-arrears", "member-advance"])
@pytest.mark.parametrize(
    ("logins", "refund"),
    [
        ("150", "-120.00"),  # G = 150: refund −min(120, 150)
        ("80", "-100.00"),  # G = max(100, 80) = 100: refund −100
    ],
)
def test_group_refund_in_advance_nets_the_member_period(logins, refund, member_advance):
    # Group minimum in advance: 05-01 carries May's 120 and April's refund −min(120, G).
    lines = group_lines(date(2024, 5, 1), logins, member_advance=member_advance, group_advance=True)
    assert lines == [
        ("MINIMUM_SPEND", D("120.00"), utc(2024, 5, 1)),
        ("MINIMUM_SPEND_REFUND", D(refund), APRIL),
    ]


@pytest.mark.parametrize("member_advance", [False, True], ids=["member-arrears", "member-advance"])
def test_partial_first_period_prorates_both_minimums(member_advance):
    # Attached 03-11: bill 04-01 (bill 0) closes Mar 11–31, 21 of 31 days. Member minimum
    # 100 × 21/31 = 67.7419…, usage 50 → G = 67.7419…; group 120 × 21/31 = 81.2903…;
    # top-up 81.2903… − 67.7419… = 20 × 21/31 = 13.548… → 13.55.
    lines = group_lines(date(2024, 4, 1), "50", member_advance=member_advance, start=utc(2024, 3, 11))
    assert lines == [("MINIMUM_SPEND", D("13.55"), utc(2024, 3, 11))]
