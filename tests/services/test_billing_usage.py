"""Usage as bills read it: segments, compound aggregations, tiersSpanPlan history, and a
bounded number of queries per chunk whatever the number of accounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.db import count_statements
from app.models.catalog import Aggregation, CompoundAggregation, Pricing
from app.services import billing
from app.services.billing.commands import CreateBillJob
from app.services.billing.compute import BillRequest, compose_for_accounts
from tests.services import ACTOR, BILL_DATE, UTC, at, lines_of, new_world

D = Decimal
ONE_PER_GB = [{"lowerLimit": "0", "unitPrice": "1"}]


async def run(world, bill_date: date = BILL_DATE) -> None:
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=bill_date), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    assert (await world.job(job.id)).status == "COMPLETE"


async def test_segmented_pricings_and_a_compound_over_the_whole_aggregation(app):
    world = await new_world(standing_charge="0")
    org = world.organization_id
    regions = await Aggregation.create(
        organization_id=org,
        product_id=world.product.id,
        meter_id=world.meter.id,
        code="gb_region",
        name="GB by region",
        target_field="gb",
        aggregation="SUM",
        segmented_fields=["region"],
        segments=[{"region": "eu"}, {"region": "us"}, {"region": "*"}],
    )
    compound = await CompoundAggregation.create(
        organization_id=org,
        product_id=world.product.id,
        code="double",
        name="Double",
        calculation="aggregation.gb_region * 2",
    )
    start = datetime(2023, 1, 1, tzinfo=UTC)
    common = {
        "organization_id": org,
        "plan_template_id": world.template.id,
        "product_id": world.product.id,
        "start_date": start,
    }
    for segment, price in (({"region": "eu"}, "1"), ({"region": "us"}, "2"), ({"region": "*"}, "5")):
        await Pricing.create(
            **common,
            aggregation_id=regions.id,
            segment=segment,
            pricing_bands=[{"lowerLimit": "0", "unitPrice": price}],
        )
    await Pricing.create(
        **common, compound_aggregation_id=compound.id, pricing_bands=[{"lowerLimit": "0", "unitPrice": "0.01"}]
    )
    await world.account("acme")
    await world.measurements(
        [
            ("acme", 10, at(2), {"region": "eu"}),
            ("acme", 20, at(3), {"region": "us"}),
            ("acme", 1, at(4), {"region": "apac"}),
            ("acme", 4, at(5), {"region": "eu"}),
        ]
    )
    await run(world)

    bill = await world.bill_of("acme")
    lines = {(li.compound_aggregation_id, li.aggregation_id, str(li.segment)): li for li in await lines_of(bill)}
    eu = lines[(None, regions.id, "{'region': 'eu'}")]
    us = lines[(None, regions.id, "{'region': 'us'}")]
    other = lines[(None, regions.id, "{'region': '*'}")]
    double = lines[(compound.id, None, "None")]
    assert [(x.quantity, x.subtotal) for x in (eu, us, other)] == [
        (D(14), D("14.00")),
        (D(20), D("40.00")),
        (D(1), D("5.00")),
    ]
    assert (double.quantity, double.subtotal) == (D(70), D("0.70"))  # every segment: (14 + 20 + 1) × 2
    plain = lines[(None, world.aggregation.id, "None")]
    assert plain.quantity == D(35)
    assert bill.bill_total == D("14.00") + D("40.00") + D("5.00") + D("0.70") + D("5.25")


async def test_tiers_span_the_plan_across_periods_from_the_stored_bills(app):
    world = await new_world(standing_charge="0", tiers_span_plan=True)
    await world.account("acme")
    await world.measure("acme", 400, at(10))
    await world.measure("acme", 300, datetime(2024, 2, 10, tzinfo=UTC))
    await run(world, BILL_DATE)
    await run(world, date(2024, 3, 1))
    january, february = await world.bills()
    assert (january.bill_total, february.bill_total) == (D("60.00"), D("35.00"))  # Tier(700) − Tier(400) = 95 − 60
    (usage,) = await lines_of(february)
    assert [b["bandUnits"] for b in usage.usage_per_pricing_band] == ["100", "200"]

    await run(world, BILL_DATE)  # recalculating January ignores February
    january, february = await world.bills()
    assert (january.bill_total, february.bill_total) == (D("60.00"), D("35.00"))
    await run(world, date(2024, 3, 1))  # and February does not count its own lines
    assert (await world.bills())[1].bill_total == D("35.00")


async def test_a_chunk_costs_the_same_number_of_queries_for_3_or_30_accounts(app, monkeypatch):
    from app.services.billing import window_usage as usage

    usage_queries: list[int] = []

    async def counted(organization_id, aggregation, account_ids, start, end, **options):
        usage_queries.append(len(account_ids))
        return await real(organization_id, aggregation, account_ids, start, end, **options)

    real = usage.aggregate_usage
    monkeypatch.setattr(usage, "aggregate_usage", counted)

    async def statements(accounts: int) -> int:
        world = await new_world(f"count-{accounts}")
        for n in range(accounts):
            await world.account(f"a{n:03}")
            await world.measure(f"a{n:03}", n)
        requests = {a.id: [BillRequest(BILL_DATE)] for a in world.accounts.values()}
        with count_statements() as counter:
            computed = await compose_for_accounts(world.organization_id, requests)
        assert [b.total for o in computed.accounts.values() for b in o.bills] == [
            D(n) * D("0.15") + 30 for n in range(accounts)
        ]
        return len(counter.statements)

    assert await statements(3) == await statements(30)
    assert usage_queries == [3, 30]  # one usage query per aggregation and window, for the whole chunk
