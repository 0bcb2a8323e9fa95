"""`submitMeasurements`, `ingestBatch`, `measurements` and `usage` (CONTRACT §4), and the
set-based aggregation billing reuses (`app.services.measurement_aggregates`, SEMANTICS §3.3–3.4)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timezone
from decimal import Decimal

import pytest

from app.domain.aggregate import UNMATCHED, aggregate_values, segment_key
from app.models.accounts import Account
from app.models.catalog import Aggregation, CompoundAggregation
from app.services import ingest
from app.services.measurement_aggregates import aggregate_usage
from tests.conftest import client_token, data_of
from tests.workers import INGEST_QUEUE, accepted_batch, ingest_queue, make_meter  # noqa: F401 - fixture

JAN, FEB = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"
ERRORS = "userErrors { field code message }"
USAGE = """query($a: ID!, $g: ID, $c: ID, $from: DateTime!, $to: DateTime!, $s: JSON) {
  usage(accountId: $a, aggregationId: $g, compoundAggregationId: $c, from: $from, to: $to, segment: $s) { quantity
    units } }"""
SUBMIT = f"""mutation($input: SubmitMeasurementsInput!) {{ submitMeasurements(input: $input) {{ result batchId
  {ERRORS} }} }}"""
BATCH = """query($id: ID!) { ingestBatch(id: $id) { id status source accepted stored duplicates rejected dtProcessed
  failures { totalCount nodes { index uid code reason } } } }"""


def m(
    ts: str,
    gb: object = None,
    account: str = "a1",
    region: str | None = "eu",
    tier: str | None = None,
    uid: str | None = None,
) -> dict:
    item: dict = {"meter": "storage", "account": account, "ts": ts, "who": {"region": region} if region else {}}
    if tier:
        item["what"] = {"tier": tier}
    if gb is not None:
        item["measure"] = {"gb": gb}
    if uid:
        item["uid"] = uid
    return item


# January 2026 for account a1, with neighbours just outside the period.
USAGE_DATA = [
    m("2025-12-31T23:59:59.999Z", 100),
    m(JAN, 10, tier="gold"),
    m("2026-01-10T12:00:00+02:00", 2.5, region="us", tier="gold"),
    m("2026-01-20T00:00:00Z", 7, tier="silver"),
    m("2026-01-31T23:59:59.999Z", 1),
    m("2026-01-15T00:00:00Z", None, region="ap"),  # carries no gb
    m(FEB, 100),
    m("2026-01-05T00:00:00Z", 1000, account="a2"),
]


async def ingested(tenant, measurements: list[dict]) -> uuid.UUID:
    batch_id = await accepted_batch(tenant, measurements)
    outcome = await ingest.process_measurement_batch(batch_id)
    assert outcome.rejected == 0, await ingest.batch_failures(uuid.UUID(tenant.organization_id), batch_id)
    return batch_id


async def aggregation(tenant, meter, function: str, target: str = "gb", **extra) -> Aggregation:
    return await Aggregation.create(
        organization_id=tenant.organization_id,
        meter_id=meter.id,
        code=f"{target}_{function.lower()}_{uuid.uuid4().hex[:6]}",
        name=function,
        target_field=target,
        aggregation=function,
        **extra,
    )


async def account_id(tenant, code: str) -> str:
    return str((await Account.get(organization_id=tenant.organization_id, code=code)).id)


async def usage(tenant, account: str, *, g=None, c=None, start=JAN, end=FEB, segment=None, token=None) -> dict:
    return await tenant.gql(
        USAGE,
        {
            "a": account,
            "g": str(g.id) if g else None,
            "c": str(c.id) if c else None,
            "from": start,
            "to": end,
            "s": segment,
        },
        token=token,
    )


@pytest.fixture
async def seeded(tenant, ingest_queue):
    meter = await make_meter(tenant.organization_id)
    await ingested(tenant, USAGE_DATA)
    return meter


@pytest.mark.parametrize(
    "function,target,quantity",
    [
        ("SUM", "gb", "20.5"),
        ("MIN", "gb", "1"),
        ("MAX", "gb", "10"),
        ("COUNT", "gb", "4"),
        ("LATEST", "gb", "1"),
        ("MEAN", "gb", "5.125"),
        ("UNIQUE", "region", "3"),
        ("COUNT", "region", "5"),
        ("SUM", "cost", "5.125"),  # the derived field, computed at ingest
    ],
)
async def test_usage_functions_over_a_half_open_period(tenant, seeded, function, target, quantity):
    agg = await aggregation(tenant, seeded, function, target)
    result = data_of(await usage(tenant, await account_id(tenant, "a1"), g=agg))["usage"]
    assert Decimal(result["quantity"]) == Decimal(quantity) and Decimal(result["units"]) == Decimal(quantity)


async def test_sql_aggregation_agrees_with_the_reference_definition(tenant, seeded):
    a1 = uuid.UUID(await account_id(tenant, "a1"))
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    rows = [
        (datetime.fromisoformat(x["ts"]), i, Decimal(str(x["measure"]["gb"])))
        for i, x in enumerate(USAGE_DATA)
        if x["account"] == "a1" and "measure" in x and start <= datetime.fromisoformat(x["ts"]) < end
    ]
    for function in ("SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN"):
        agg = await aggregation(tenant, seeded, function)
        found = await aggregate_usage(uuid.UUID(tenant.organization_id), agg, [a1], start, end)
        assert found == {(a1, ""): aggregate_values(function, rows)}, function


async def test_units_use_quantity_per_unit_and_rounding(tenant, seeded):
    a1 = await account_id(tenant, "a1")
    for rounding, units in (("UP", "3"), ("DOWN", "2"), ("NEAREST", "3"), ("NONE", "2.5625")):
        agg = await aggregation(tenant, seeded, "SUM", quantity_per_unit=Decimal(8), rounding=rounding)
        assert data_of(await usage(tenant, a1, g=agg))["usage"] == {"quantity": "20.5", "units": units}, rounding


async def test_no_usage_gives_the_default_value_or_null(tenant, seeded):
    a2 = await account_id(tenant, "a2")
    plain = await aggregation(tenant, seeded, "SUM")
    with_default = await aggregation(
        tenant, seeded, "SUM", default_value=Decimal("3"), quantity_per_unit=Decimal(2), rounding="UP"
    )
    args = {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}
    assert data_of(await usage(tenant, a2, g=plain, **args))["usage"] == {"quantity": None, "units": None}
    assert data_of(await usage(tenant, a2, g=with_default, **args))["usage"] == {"quantity": "3", "units": "2"}


async def test_latest_ties_go_to_the_last_ingested(tenant, ingest_queue):
    meter = await make_meter(tenant.organization_id)
    await ingested(tenant, [m(JAN, 1), m(JAN, 2)])
    latest = await aggregation(tenant, meter, "LATEST")
    a1 = await account_id(tenant, "a1")
    assert data_of(await usage(tenant, a1, g=latest))["usage"]["quantity"] == "2"
    await ingested(tenant, [m(JAN, 3), m("2025-12-01T00:00:00Z", 9)])
    assert data_of(await usage(tenant, a1, g=latest))["usage"]["quantity"] == "3"


SEGMENTS = [{"region": "eu"}, {"region": "eu", "tier": "gold"}, {"tier": "silver"}]


async def segmented(tenant, meter) -> Aggregation:
    normalized = [{"region": s.get("region", "*"), "tier": s.get("tier", "*")} for s in SEGMENTS]
    return await aggregation(tenant, meter, "SUM", segmented_fields=["region", "tier"], segments=normalized)


async def test_segments_take_the_most_specific_match_ties_to_the_first_listed(tenant, seeded):
    agg = await segmented(tenant, seeded)
    a1, a2 = uuid.UUID(await account_id(tenant, "a1")), uuid.UUID(await account_id(tenant, "a2"))
    nobody = uuid.uuid4()
    found = await aggregate_usage(
        uuid.UUID(tenant.organization_id),
        agg,
        [a1, a2, nobody],
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
    )
    eu_any, eu_gold = segment_key({"region": "eu", "tier": "*"}), segment_key({"region": "eu", "tier": "gold"})
    assert found == {
        (a1, eu_gold): Decimal(10),  # eu/gold also matches {region: eu}: the more specific one wins
        (a1, eu_any): Decimal(8),  # eu/silver matches two segments with one * each: the first listed wins
        (a1, UNMATCHED): Decimal("2.5"),  # us/gold
        (a2, eu_any): Decimal(1000),
    }
    assert eu_gold == '{"region":"eu","tier":"gold"}'


async def test_usage_of_one_segment_and_of_the_whole(tenant, seeded):
    agg, a1 = await segmented(tenant, seeded), await account_id(tenant, "a1")
    assert (
        data_of(await usage(tenant, a1, g=agg, segment={"tier": "gold", "region": "eu"}))["usage"]["quantity"] == "10"
    )
    assert data_of(await usage(tenant, a1, g=agg, segment={"region": "eu"}))["usage"]["quantity"] == "8"
    assert data_of(await usage(tenant, a1, g=agg))["usage"]["quantity"] == "20.5"
    refused = await usage(tenant, a1, g=agg, segment={"region": "mars"})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_compound_aggregations_use_raw_values_and_their_own_units(tenant, seeded):
    a1 = await account_id(tenant, "a1")
    total = await aggregation(tenant, seeded, "SUM", quantity_per_unit=Decimal(1000), rounding="UP")
    peak = await aggregation(tenant, seeded, "MAX")
    other_meter = await make_meter(tenant.organization_id, code="idle")
    empty = await aggregation(tenant, other_meter, "SUM")

    async def compound(calculation: str, **extra) -> CompoundAggregation:
        return await CompoundAggregation.create(
            organization_id=tenant.organization_id,
            code=f"c_{uuid.uuid4().hex[:6]}",
            name="c",
            calculation=calculation,
            **extra,
        )

    both = await compound(
        f"aggregation.{total.code} + aggregation.{peak.code} / 4", quantity_per_unit=Decimal(2), rounding="UP"
    )
    assert data_of(await usage(tenant, a1, c=both))["usage"] == {"quantity": "23.0", "units": "12"}
    skips_nulls = await compound(f"aggregation.{total.code} + aggregation.{empty.code}")
    assert data_of(await usage(tenant, a1, c=skips_nulls))["usage"] == {"quantity": None, "units": None}
    evaluates_nulls = await compound(
        f"aggregation.{total.code} + isnull(aggregation.{empty.code}, 1)", evaluate_null_aggregations=True
    )
    assert data_of(await usage(tenant, a1, c=evaluates_nulls))["usage"]["quantity"] == "21.5"


async def test_usage_needs_exactly_one_target_and_stays_in_the_organization(tenant, other_tenant, seeded):
    a1, agg = await account_id(tenant, "a1"), await aggregation(tenant, seeded, "SUM")
    neither = await tenant.gql(USAGE, {"a": a1, "from": JAN, "to": FEB})
    assert neither["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert data_of(await usage(other_tenant, a1, g=agg))["usage"] is None
    assert data_of(await usage(tenant, str(uuid.uuid4()), g=agg))["usage"] is None


async def test_submit_measurements_then_follow_the_batch(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    measurements = [
        {
            "meter": "storage",
            "account": "gql",
            "ts": JAN,
            "uid": "g-1",
            "measure": {"gb": 0.1},
            "who": {"region": "eu"},
        },
        {"meter": "storage", "account": "gql", "ts": JAN, "measure": {"gb": "lots"}},
        {"meter": "storage", "account": "gql", "ts": JAN, "uid": "g-1", "measure": {"gb": 1}},
    ]
    payload = data_of(await tenant.gql(SUBMIT, {"input": {"measurements": measurements}}))["submitMeasurements"]
    assert payload["result"] == "accepted" and payload["userErrors"] == []
    pending = data_of(await tenant.gql(BATCH, {"id": payload["batchId"]}))["ingestBatch"]
    assert (pending["status"], pending["source"], pending["accepted"], pending["stored"]) == (
        "PENDING",
        "GRAPHQL",
        3,
        None,
    )

    await ingest.process_measurement_batch(uuid.UUID(payload["batchId"]))
    done = data_of(await tenant.gql(BATCH, {"id": payload["batchId"]}))["ingestBatch"]
    assert (done["status"], done["stored"], done["duplicates"], done["rejected"]) == ("PROCESSED", 1, 1, 1)
    assert done["failures"]["totalCount"] == 1
    assert done["failures"]["nodes"][0] | {"reason": "-"} == {
        "index": 1,
        "uid": None,
        "code": "WRONG_TYPE",
        "reason": "-",
    }
    assert data_of(await tenant.gql(BATCH, {"id": str(uuid.uuid4())}))["ingestBatch"] is None


async def test_submit_measurements_refuses_a_bad_batch_whole(tenant, ingest_queue):
    payload = data_of(await tenant.gql(SUBMIT, {"input": {"measurements": []}}))["submitMeasurements"]
    assert payload["result"] is None and payload["userErrors"][0]["field"] == ["input", "measurements"]
    assert await ingest_queue.zcard(INGEST_QUEUE) == 0


MEASUREMENTS = """query($f: MeasurementFilter, $first: Int, $after: String) { measurements(filter: $f, first: $first,
  after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { uid meterCode accountCode ts batchIndex data } } }"""


async def test_measurements_filtered_by_account_meter_and_time(tenant, seeded):
    flt = {"accountCode": "a1", "meterId": str(seeded.id), "from": JAN, "to": FEB}
    first = data_of(await tenant.gql(MEASUREMENTS, {"f": flt, "first": 3}))["measurements"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    rest = data_of(await tenant.gql(MEASUREMENTS, {"f": flt, "first": 3, "after": first["pageInfo"]["endCursor"]}))[
        "measurements"
    ]
    nodes = first["nodes"] + rest["nodes"]
    assert [n["ts"][:10] for n in nodes] == ["2026-01-01", "2026-01-10", "2026-01-15", "2026-01-20", "2026-01-31"]
    assert nodes[0]["data"] == {"region": "eu", "tier": "gold", "gb": "10", "cost": "2.50"}
    assert {n["meterCode"] for n in nodes} == {"storage"} and {n["accountCode"] for n in nodes} == {"a1"}
    assert not rest["pageInfo"]["hasNextPage"]
    everything = data_of(await tenant.gql(MEASUREMENTS, {"first": 100}))["measurements"]
    assert everything["totalCount"] == len(USAGE_DATA)


async def _token_with(tenant, policy: str) -> str:
    policies = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    created = data_of(
        await tenant.gql(
            """mutation($input: CreateServiceUserInput!) { createServiceUser(input: $input) { serviceUser { id } } }""",
            {
                "input": {
                    "name": f"r-{uuid.uuid4().hex[:8]}",
                    "permissionPolicyIds": [next(p["id"] for p in policies if p["name"] == policy)],
                }
            },
        )
    )
    key = data_of(
        await tenant.gql(
            """mutation($id: ID!) { createAccessKey(input: {serviceUserId: $id}) { accessKey { accessKeyId } apiSecret
              } }""",
            {"id": created["createServiceUser"]["serviceUser"]["id"]},
        )
    )["createAccessKey"]
    return (await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])).json()["access_token"]


async def test_reading_needs_measurements_retrieve_and_submitting_measurements_upload(tenant, seeded):
    agg, a1 = await aggregation(tenant, seeded, "SUM"), await account_id(tenant, "a1")
    read_only, ingest_only = await _token_with(tenant, "ReadOnly"), await _token_with(tenant, "IngestOnly")
    assert data_of(await usage(tenant, a1, g=agg, token=read_only))["usage"]["quantity"] == "20.5"
    one = {"measurements": [{"meter": "storage", "account": "a1", "ts": JAN}]}
    assert (await tenant.gql(SUBMIT, {"input": one}, token=read_only))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        data_of(await tenant.gql(SUBMIT, {"input": one}, token=ingest_only))["submitMeasurements"]["result"]
        == "accepted"
    )
    for query in (MEASUREMENTS, BATCH):
        result = await tenant.gql(query, {"id": str(uuid.uuid4())} if query is BATCH else {}, token=ingest_only)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
