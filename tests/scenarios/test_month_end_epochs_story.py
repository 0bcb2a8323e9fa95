"""Story: month-end epochs in Australia/Lord_Howe (SEMANTICS §7.1: month arithmetic keeps
the epoch's day and clamps it to the last day of shorter months; boundaries at local
midnight in the organization's timezone).

Lord Howe Island shifts its clock by 30 minutes: daylight time (+11) ends on 2024-04-07
(02:00 → 01:30, +10:30).
- Organization monthEpoch 2024-01-31: bill dates 02-29 (leap year), 03-31, 04-30, 05-31,
  each computed from the epoch, so the 31st comes back after February and April. April's
  period [03-31, 04-30) runs from 2024-03-31 00:00 +11 = 03-30T13:00Z to 2024-04-30
  00:00 +10:30 = 04-29T13:30Z. Usage: 5 at 04-29T13:29Z (23:59 on 04-29) is April's,
  50 at 04-29T13:30Z (00:00 on 04-30) is May's.
- An account billEpoch of 2024-02-29: bill dates 03-29, 04-29, …, 2025-01-29, 2025-02-28
  (clamped), 2025-03-29 (back to the 29th). The period of 2025-03-29 is [02-28, 03-29).
Standing charge 30 a month, usage 1 a request.
"""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios import Story, amounts
from tests.scenarios.test_auckland_dst_bills_story import catalog


def dates(bills: list[dict], account: str) -> list[tuple[str, str, str]]:
    return sorted(
        (b["startDate"], b["billDate"], b["lastDateInBillingPeriod"]) for b in bills if b["accountCode"] == account
    )


async def test_the_31st_and_the_29th_come_back_after_short_months(tenant, bill_queue):
    story = Story(tenant)
    await story.configure(timezone="Australia/Lord_Howe", monthEpoch="2024-01-31")
    await story.product(catalog())
    await story.account("acme", [("usage-plan", "2024-01-31T00:00:00+11:00")])
    await story.account("leap", [("usage-plan", "2024-02-29T00:00:00+11:00")], billEpoch="2024-02-29")
    await story.ingest(
        [
            {"meter": "app", "account": "acme", "ts": "2024-04-29T13:29:00Z", "measure": {"requests": 5}},
            {"meter": "app", "account": "acme", "ts": "2024-04-29T13:30:00Z", "measure": {"requests": 50}},
        ]
    )
    for last_day in ("2024-02-28", "2024-03-30", "2024-04-29", "2024-05-30", "2025-02-27", "2025-03-28"):
        assert (await story.bill_run(lastDateInBillingPeriod=last_day))["failures"] == []

    bills = await story.bills()
    assert dates(bills, "acme") == [
        ("2024-01-31", "2024-02-29", "2024-02-28"),
        ("2024-02-29", "2024-03-31", "2024-03-30"),
        ("2024-03-31", "2024-04-30", "2024-04-29"),
        ("2024-04-30", "2024-05-31", "2024-05-30"),
        ("2025-01-31", "2025-02-28", "2025-02-27"),  # the run for 2025-02-27 bills both accounts
    ]
    assert dates(bills, "leap") == [
        ("2025-01-29", "2025-02-28", "2025-02-27"),
        ("2025-02-28", "2025-03-29", "2025-03-28"),
    ]
    april = await story.bill("acme", "2024-04-30")
    assert amounts(april) == [("USAGE", Decimal("5.00")), ("STANDING_CHARGE", Decimal("30.00"))]
    assert {line["servicePeriodEndDate"] for line in april["lineItems"]["nodes"]} == {"2024-04-29T13:30:00+00:00"}
    may = await story.bill("acme", "2024-05-31")
    assert amounts(may) == [("USAGE", Decimal("50.00")), ("STANDING_CHARGE", Decimal("30.00"))]
