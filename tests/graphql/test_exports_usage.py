"""USAGE exports agree with the `usage` query row by row (SEMANTICS §15.1 rule 2): every
function, a segmented aggregation (one row per segment, never their sum), compound
aggregations, and BILLING_PERIOD periods following the account's bill dates (§7.1)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from app.models.accounts import Account, AccountPlan
from app.models.catalog import CompoundAggregation, Plan, PlanTemplate, Product
from tests.conftest import data_of
from tests.graphql.test_usage import (
    FEB,
    JAN,
    aggregation,
    seeded,  # noqa: F401 - fixture
    segmented,
    usage,
)
from tests.workers import ingest_queue  # noqa: F401 - fixture


async def export_rows(tenant, **params: str) -> list[dict]:
    response = await tenant.client.get(
        "/exports/usage.jsonl", params=params, headers={"Authorization": f"Bearer {tenant.token}"}
    )
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


async def test_every_row_is_what_the_usage_query_answers(tenant, seeded):
    targets = [
        await aggregation(tenant, seeded, "SUM", quantity_per_unit=Decimal(3), rounding="UP"),
        await aggregation(tenant, seeded, "MAX"),
        await aggregation(tenant, seeded, "MEAN", quantity_per_unit=Decimal(2), rounding="NEAREST"),
        await aggregation(tenant, seeded, "COUNT"),
        await aggregation(tenant, seeded, "LATEST"),
        await aggregation(tenant, seeded, "UNIQUE", target="region"),
        await aggregation(tenant, seeded, "SUM", target="cost"),
    ]
    split = await segmented(tenant, seeded)
    total, peak = targets[0], targets[1]
    compound = await CompoundAggregation.create(
        organization_id=tenant.organization_id,
        code="c_both",
        name="both",
        calculation=f"aggregation.{total.code} + aggregation.{peak.code} / 4",
        quantity_per_unit=Decimal(2),
        rounding="UP",
    )
    rows = await export_rows(tenant, **{"from": JAN, "to": FEB, "granularity": "MONTH"})
    by_target: dict[str, list[dict]] = {}
    for row in rows:
        by_target.setdefault(row["code"], []).append(row)
    # One MONTH row per account with usage of the target: a1 and a2.
    for target in targets:
        for row in by_target[target.code]:
            expected = data_of(await usage(tenant, row["accountId"], g=target))["usage"]
            assert {"quantity": row["quantity"], "units": row["units"]} == expected, (target.code, row)
            assert row["segment"] is None and row["periodStart"] == "2026-01-01T00:00:00Z"
    assert [r["accountCode"] for r in by_target[total.code]] == ["a1", "a2"]
    a1_rows = {r["code"]: r for r in rows if r["accountCode"] == "a1"}
    assert a1_rows[total.code]["measurementCount"] == 4  # the four measurements carrying gb in January
    assert a1_rows[total.code]["quantity"] == "20.5" and a1_rows[total.code]["units"] == "7"

    segments = [r for r in by_target[split.code] if r["accountCode"] == "a1"]
    assert [r["segment"] for r in segments] == [
        {"region": "eu", "tier": "*"},
        {"region": "eu", "tier": "gold"},
    ]  # us/gold matches no segment: not usage of one
    for row in segments:
        expected = data_of(await usage(tenant, row["accountId"], g=split, segment=row["segment"]))["usage"]
        assert {"quantity": row["quantity"], "units": row["units"]} == expected

    [a1_compound] = [r for r in by_target["c_both"] if r["accountCode"] == "a1"]
    assert a1_compound["compoundAggregationId"] == str(compound.id) and a1_compound["aggregationId"] is None
    assert {"quantity": a1_compound["quantity"], "units": a1_compound["units"]} == {"quantity": "23.0", "units": "12"}


async def test_billing_periods_follow_the_accounts_bill_dates(tenant, seeded):
    total = await aggregation(tenant, seeded, "SUM")
    a1 = await Account.get(organization_id=tenant.organization_id, code="a1")
    a1.bill_epoch = date(2025, 1, 10)  # no plan: the organization's monthly schedule on the account's epoch
    await a1.save()
    rows = await export_rows(
        tenant, **{"from": "2025-12-01", "to": "2026-02-15", "accountIds": str(a1.id), "aggregationIds": str(total.id)}
    )
    assert [(r["periodStart"], r["periodEnd"], r["quantity"]) for r in rows] == [
        ("2025-12-10T00:00:00Z", "2026-01-10T00:00:00Z", "110"),  # 100 on 12-31, 10 on 01-01
        ("2026-01-10T00:00:00Z", "2026-02-10T00:00:00Z", "110.5"),  # 2.5 + 7 + 1 + 100 on 02-01
    ]
    days = await export_rows(tenant, **{"from": JAN, "to": FEB, "accountIds": str(a1.id), "granularity": "DAY"})
    assert len({r["periodStart"] for r in days}) == 4  # 01-01, 01-10, 01-20, 01-31 (the ap one carries no gb)
    assert all(r["measurementCount"] >= 1 for r in days)
    assert uuid.UUID(days[0]["accountId"]) == a1.id


async def test_billing_periods_of_the_accounts_plan_for_the_aggregations_product(tenant, seeded):
    """a1 has a WEEKLY plan of the product (its account plan's epoch a Monday): that
    product's aggregation is cut at the plan's bill dates; an aggregation of no product
    keeps the monthly fallback."""
    org = tenant.organization_id
    product = await Product.create(organization_id=org, code="p", name="P")
    template = await PlanTemplate.create(
        organization_id=org, product_id=product.id, code="t", name="T", currency="USD", bill_frequency="WEEKLY"
    )
    plan = await Plan.create(
        organization_id=org, plan_template_id=template.id, product_id=product.id, code="w", name="W"
    )
    a1 = await Account.get(organization_id=org, code="a1")
    await AccountPlan.create(
        organization_id=org,
        account_id=a1.id,
        plan_id=plan.id,
        product_id=product.id,
        start_date=datetime(2025, 1, 1, tzinfo=UTC),
        bill_epoch=date(2026, 1, 5),
    )
    weekly = await aggregation(tenant, seeded, "SUM", product_id=product.id)
    monthly = await aggregation(tenant, seeded, "SUM")
    rows = await export_rows(tenant, **{"from": JAN, "to": FEB, "accountIds": str(a1.id)})
    starts = {
        code: [(r["periodStart"][:10], r["quantity"]) for r in rows if r["code"] == code]
        for code in (weekly.code, monthly.code)
    }
    assert starts[weekly.code] == [
        ("2026-01-01", "10"),
        ("2026-01-05", "2.5"),
        ("2026-01-19", "7"),
        ("2026-01-26", "1"),
    ]
    assert starts[monthly.code] == [("2026-01-01", "20.5")]
