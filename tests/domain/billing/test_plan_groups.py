"""Plan group lines (SEMANTICS §10.2 rules 4–5, §10.4), pure: the group's standing charge
and minimum over G, arrears and advance, prorated for a partial first period."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.billing import DEFAULT_STEPS, DraftLine, LineType, compose_bill, usage_windows
from app.domain.billing.plan_groups import GroupMember, PlanGroupSnapshot, group_minimum_base, plan_group_step
from app.domain.billing.schedule import plan_period

from .builders import D, account, account_plan, aggregation, bands, org, plan, pricing, uid, usage_map, utc

LOGINS, MATCHES = aggregation("logins"), aggregation("matches")
TEAM_LOGIN = plan(pricing(LOGINS, band_specs=bands(("0", "0.10"), ("1000", "0.05"))), name="team", product="login")
MATCHMAKING = plan(pricing(MATCHES, band_specs=bands(("0", "0.02"))), name="match", product="match")
MAR11 = utc(2024, 3, 11)
GROUP_AP = uid("account-plan:group")


def members(advance: bool = False, minimum: str = "250", standing: str = "20"):
    group = PlanGroupSnapshot(
        uid("group:pro"),
        "USD",
        minimum_spend=D(minimum),
        standing_charge=D(standing),
        minimum_spend_bill_in_advance=advance,
        standing_charge_bill_in_advance=advance,
    )
    aps = [account_plan(TEAM_LOGIN, MAR11, name="team"), account_plan(MATCHMAKING, MAR11, name="match")]
    return aps, {ap.id: GroupMember(group, GROUP_AP) for ap in aps}


def group_bill(bill_date: date, logins: str, matches: str, **options):
    aps, found = members(**options)
    values = usage_map(
        usage_windows(aps, bill_date, "MONTHLY", org().timezone), {LOGINS.id: D(logins), MATCHES.id: D(matches)}
    )
    return compose_bill(
        account(), aps, bill_date, "MONTHLY", org(), values, steps=(*DEFAULT_STEPS, plan_group_step(found))
    )


def figures(result) -> list[tuple[str, D]]:
    """(type, subtotal) in bill order; the two plans' usage lines by amount, largest first
    (their order among themselves is the account plans' order, not part of the rule)."""
    found = [(line.line_type.value, line.subtotal) for line in result.lines]
    usage = sorted((f for f in found if f[0] == "USAGE"), key=lambda f: -f[1])
    return usage + [f for f in found if f[0] != "USAGE"]


@pytest.mark.parametrize(
    ("bill_date", "logins", "matches", "expected", "total"),
    [
        # Mar 11–31 (21/31 days): G = 60 + 30; 250 × 21/31 − 90 = 79.35; 20 × 21/31 = 13.55.
        (
            date(2024, 4, 1),
            "600",
            "1500",
            [("USAGE", "60.00"), ("USAGE", "30.00"), ("STANDING_CHARGE", "13.55"), ("MINIMUM_SPEND", "79.35")],
            "182.90",
        ),
        # April: G = 120 + 50 = 170; 250 − 170 = 80.
        (
            date(2024, 5, 1),
            "1400",
            "2500",
            [("USAGE", "120.00"), ("USAGE", "50.00"), ("STANDING_CHARGE", "20.00"), ("MINIMUM_SPEND", "80.00")],
            "270.00",
        ),
        # May: G = 280 ≥ 250: no minimum line.
        (
            date(2024, 6, 1),
            "3000",
            "4000",
            [("USAGE", "200.00"), ("USAGE", "80.00"), ("STANDING_CHARGE", "20.00")],
            "300.00",
        ),
        # Exactly the minimum: no line.
        (
            date(2024, 6, 1),
            "2000",
            "5000",
            [("USAGE", "150.00"), ("USAGE", "100.00"), ("STANDING_CHARGE", "20.00")],
            "270.00",
        ),
    ],
)
def test_group_minimum_and_standing_charge_in_arrears(bill_date, logins, matches, expected, total):
    result = group_bill(bill_date, logins, matches)
    assert figures(result) == [(t, D(v)) for t, v in expected]
    assert result.total == D(total)


def test_member_lines_carry_plan_and_group_and_group_lines_no_plan():
    result = group_bill(date(2024, 5, 1), "1400", "2500")
    assert {line.plan_group_id for line in result.lines} == {uid("group:pro")}
    assert [(line.plan_id is None, line.account_plan_id == GROUP_AP) for line in result.lines] == [
        (False, False),
        (False, False),
        (True, True),
        (True, True),
    ]


def test_advance_bills_the_minimum_ahead_and_refunds_g_at_the_period_end():
    # Bill of 05-01 closes April: standing and minimum for May ahead (20, 250), and
    # April's refund −min(250, 170) = −170.
    result = group_bill(date(2024, 5, 1), "1400", "2500", advance=True)
    assert figures(result) == [
        ("USAGE", D("120.00")),
        ("USAGE", D("50.00")),
        ("STANDING_CHARGE", D("20.00")),
        ("MINIMUM_SPEND", D("250.00")),
        ("MINIMUM_SPEND_REFUND", D("-170.00")),
    ]


def test_first_advance_bill_carries_its_own_period_and_the_next():
    # 04-01 closes Mar 11–31 (21/31) and opens April: standing 13.55 + 20, minimum 169.35 + 250,
    # refund −min(169.354…, 90) = −90.
    result = group_bill(date(2024, 4, 1), "600", "1500", advance=True)
    assert figures(result) == [
        ("USAGE", D("60.00")),
        ("USAGE", D("30.00")),
        ("STANDING_CHARGE", D("13.55")),
        ("STANDING_CHARGE", D("20.00")),
        ("MINIMUM_SPEND", D("169.35")),
        ("MINIMUM_SPEND", D("250.00")),
        ("MINIMUM_SPEND_REFUND", D("-90.00")),
    ]


def test_zero_minimum_and_standing_charge_give_no_group_lines():
    result = group_bill(date(2024, 5, 1), "10", "10", minimum="0", standing="0")
    assert [line.line_type for line in result.lines] == [LineType.USAGE, LineType.USAGE]


def _draft(line_type: LineType, amount: str, member: bool = True, start=MAR11):
    return DraftLine(
        line_type=line_type,
        amount=D(amount),
        currency="USD",
        account_plan_id=uid("member") if member else GROUP_AP,
        plan_id=None,
        product_id=None,
        service_period_start=start,
        service_period_end=utc(2024, 4, 1),
    )


@pytest.mark.parametrize(
    ("line_type", "counted"),
    [
        (LineType.USAGE, True),
        (LineType.COUNTER_RUNNING_TOTAL_CHARGE, True),
        (LineType.COUNTER_ADJUSTMENT_DEBIT, True),
        (LineType.COUNTER_ADJUSTMENT_CREDIT, True),
        (LineType.MINIMUM_SPEND, True),
        (LineType.MINIMUM_SPEND_REFUND, True),
        (LineType.STANDING_CHARGE, False),
        (LineType.USAGE_CREDIT, False),
        (LineType.COMMITMENT_CONSUMED, False),
        (LineType.OVERAGE_SURCHARGE, False),
        (LineType.AD_HOC, False),
    ],
)
def test_what_counts_towards_the_group_minimum(line_type, counted):
    aps, _ = members()
    period = compose_period(aps[0])
    lines = [_draft(line_type, "7"), _draft(LineType.USAGE, "100", member=False)]
    assert group_minimum_base(lines, {uid("member")}, period) == (D(7) if counted else D(0))


def test_a_line_of_another_period_does_not_count():
    aps, _ = members()
    period = compose_period(aps[0])
    later = _draft(LineType.USAGE, "7", start=utc(2024, 4, 1))  # the next period's (an advance line)
    assert group_minimum_base([later], {uid("member")}, period) == D(0)


def compose_period(account_plan):
    return plan_period(account_plan, date(2024, 4, 1), org().timezone)
