"""Story: monthly bills in Pacific/Auckland across the April 2024 DST end (SEMANTICS §7.1:
period boundaries at local midnight in the organization's timezone; §7.2 item 2:
proration by days counted in that timezone).

New Zealand leaves daylight time on 2024-04-07 at 03:00 NZDT (+13) → 02:00 NZST (+12), so:
- March's period [03-01, 04-01) ends at 2024-04-01 00:00 +13 = 2024-03-31T11:00Z;
- April's period [04-01, 05-01) ends at 2024-05-01 00:00 +12 = 2024-04-30T12:00Z
  (30 local days, 721 hours).
Usage at 1 USD a request, standing charge 30 USD a month, in arrears:
- 1 request at 03-31T10:59Z (23:59 on 03-31 in Auckland) → March: 1 + 30 = 31.00;
- 10 at 03-31T11:00Z (00:00 on 04-01) and 100 at 04-30T11:59Z (23:59 on 04-30) → April:
  110 + 30 = 140.00;
- 1000 at 04-30T12:00Z (00:00 on 05-01) → May: 1000 + 30 = 1030.00.
In UTC the first two would fall in March and the last in April: the figures tell.
An account plan starting 2024-04-16 00:00 NZST (04-15T12:00Z) is active on the local days
04-16 … 04-30 = 15 of April's 30: standing charge 30 × 15/30 = 15.00.
"""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios import Story, amounts, lines, money, requests_catalog

ZONE = "Pacific/Auckland"


def catalog() -> dict:
    """`requests_catalog` from 2024 with a standing charge of 30 (also the month-end,
    invoice-number and currency-precision stories')."""
    return requests_catalog("2024-01-01T00:00:00Z", standingCharge="30")


def usage(at: str, n: int) -> dict:
    return {"meter": "app", "account": "acme", "ts": at, "measure": {"requests": n}}


async def test_monthly_periods_follow_auckland_midnights_across_the_dst_end(tenant, bill_queue):
    story = Story(tenant)
    await story.configure(timezone=ZONE)
    await story.product(catalog())
    await story.account("acme", [("usage-plan", "2024-03-01T00:00:00+13:00")])
    await story.account("late", [("usage-plan", "2024-04-16T00:00:00+12:00")])
    await story.ingest(
        [
            usage("2024-03-31T10:59:00Z", 1),
            usage("2024-03-31T11:00:00Z", 10),
            usage("2024-04-30T11:59:00Z", 100),
            usage("2024-04-30T12:00:00Z", 1000),
        ]
    )
    for last_day in ("2024-03-31", "2024-04-30", "2024-05-31"):
        job = await story.bill_run(lastDateInBillingPeriod=last_day)
        assert job["failures"] == []

    march = await story.bill("acme", "2024-04-01")
    assert (march["startDate"], march["endDate"], march["lastDateInBillingPeriod"]) == (
        "2024-03-01",
        "2024-04-01",
        "2024-03-31",
    )
    assert amounts(march) == [("USAGE", Decimal("1.00")), ("STANDING_CHARGE", Decimal("30.00"))]
    assert money(march["billTotal"]) == Decimal("31.00")

    april = await story.bill("acme", "2024-05-01")
    assert amounts(april) == [("USAGE", Decimal("110.00")), ("STANDING_CHARGE", Decimal("30.00"))]
    assert {(x["servicePeriodStartDate"], x["servicePeriodEndDate"]) for x in lines(april)} == {
        ("2024-03-31T11:00:00+00:00", "2024-04-30T12:00:00+00:00")
    }

    may = await story.bill("acme", "2024-06-01")
    assert amounts(may) == [("USAGE", Decimal("1000.00")), ("STANDING_CHARGE", Decimal("30.00"))]

    late = await story.bill("late", "2024-05-01")
    [standing] = lines(late, "STANDING_CHARGE")
    assert money(standing["convertedSubtotal"]) == Decimal("15.00")
    assert (standing["servicePeriodStartDate"], standing["servicePeriodEndDate"]) == (
        "2024-04-15T12:00:00+00:00",
        "2024-04-30T12:00:00+00:00",
    )
