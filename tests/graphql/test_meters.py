"""Meters, aggregations and compound aggregations through the public GraphQL API
(SEMANTICS §3.2–3.4, CONTRACT §3–4)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timezone

import pytest

from app.models.catalog import Aggregation, CompoundAggregation, Meter, Pricing, Product
from tests.case_ids import case_id
from tests.conftest import client_token, data_of

ERRORS = "userErrors { field code message }"
METER = """id version productId code name customFields
  dataFields { category code name unit } derivedFields { category code name unit calculation }
  aggregations { totalCount nodes { code } }"""
AGGREGATION = """id version productId meterId code name targetField aggregation quantityPerUnit rounding unit
  segmentedFields segments defaultValue customFields meter { code }"""
COMPOUND = (
    "id version productId code name calculation quantityPerUnit rounding unit evaluateNullAggregations customFields"
)

CREATE_METER = (
    f"mutation($input: CreateMeterInput!) {{ createMeter(input: $input) {{ meter {{ {METER} }} {ERRORS} }} }}"
)
UPDATE_METER = (
    f"mutation($input: UpdateMeterInput!) {{ updateMeter(input: $input) {{ meter {{ {METER} }} {ERRORS} }} }}"
)
DELETE_METER = f"mutation($input: DeleteInput!) {{ deleteMeter(input: $input) {{ deletedId {ERRORS} }} }}"
CREATE_AGG = (
    "mutation($input: CreateAggregationInput!) { createAggregation(input: $input) { "
    f"aggregation {{ {AGGREGATION} }} {ERRORS} }} }}"
)
UPDATE_AGG = (
    "mutation($input: UpdateAggregationInput!) { updateAggregation(input: $input) { "
    f"aggregation {{ {AGGREGATION} }} {ERRORS} }} }}"
)
DELETE_AGG = f"mutation($input: DeleteInput!) {{ deleteAggregation(input: $input) {{ deletedId {ERRORS} }} }}"
CREATE_COMPOUND = f"""mutation($input: CreateCompoundAggregationInput!) {{
  createCompoundAggregation(input: $input) {{ compoundAggregation {{ {COMPOUND} }} {ERRORS} }} }}"""
UPDATE_COMPOUND = f"""mutation($input: UpdateCompoundAggregationInput!) {{
  updateCompoundAggregation(input: $input) {{ compoundAggregation {{ {COMPOUND} }} {ERRORS} }} }}"""
DELETE_COMPOUND = (
    f"mutation($input: DeleteInput!) {{ deleteCompoundAggregation(input: $input) {{ deletedId {ERRORS} }} }}"
)


def fields(*specs: tuple[str, str]) -> list[dict]:
    return [{"category": category, "code": code, "name": code.title()} for category, code in specs]


def meter_input(code: str = "storage", **extra) -> dict:
    return {
        "code": code,
        "name": code.title(),
        "dataFields": fields(("MEASURE", "gb"), ("WHO", "user"), ("WHERE", "region"), ("METADATA", "note")),
        "derivedFields": [
            {"category": "MEASURE", "code": "mb", "name": "MB", "unit": "MB", "calculation": "gb * 1024"}
        ],
        **extra,
    }


def agg_input(code: str = "gb_total", **extra) -> dict:
    return {"code": code, "name": code.title(), "targetField": "gb", "aggregation": "SUM", **extra}


def errors_of(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def run(tenant, mutation: str, input: dict, token: str | None = None) -> dict:
    result = data_of(await tenant.gql(mutation, {"input": input}, token=token))
    return next(iter(result.values()))


async def create_meter(tenant, **extra) -> dict:
    payload = await run(tenant, CREATE_METER, meter_input(**extra))
    assert payload["userErrors"] == [], payload
    return payload["meter"]


async def create_agg(tenant, meter_id: str, **extra) -> dict:
    payload = await run(tenant, CREATE_AGG, {"meterId": meter_id, **agg_input(**extra)})
    assert payload["userErrors"] == [], payload
    return payload["aggregation"]


async def create_compound(tenant, **extra) -> dict:
    payload = await run(tenant, CREATE_COMPOUND, {"code": "combo", "name": "Combo", **extra})
    assert payload["userErrors"] == [], payload
    return payload["compoundAggregation"]


async def add_product(tenant, code: str = "cloud") -> str:
    product = await Product.create(organization_id=tenant.organization_id, code=code, name=code.title())
    return str(product.id)


async def add_pricing(tenant, product_id: str, **target) -> Pricing:
    return await Pricing.create(
        organization_id=tenant.organization_id,
        product_id=product_id,
        code=f"pr_{uuid.uuid4().hex[:6]}",
        start_date=datetime(2024, 1, 1, tzinfo=UTC),
        **target,
    )


# --------------------------------------------------------------------------- meters


async def test_create_global_meter_with_nested_aggregations_and_read_it_back(tenant):
    meter = await create_meter(
        tenant,
        customFields={"team": "storage"},
        aggregations=[
            agg_input("gb_total", quantityPerUnit="1024", rounding="UP", unit="TB", defaultValue="0"),
            agg_input(
                "users",
                targetField="user",
                aggregation="UNIQUE",
                segmentedFields=["region"],
                segments=[{"region": "eu"}, {}],
            ),
        ],
    )
    assert (meter["version"], meter["productId"], meter["code"]) == (1, None, "storage")
    assert meter["dataFields"][0] == {"category": "MEASURE", "code": "gb", "name": "Gb", "unit": None}
    assert meter["derivedFields"] == [
        {"category": "MEASURE", "code": "mb", "name": "MB", "unit": "MB", "calculation": "gb * 1024"}
    ]
    assert meter["customFields"] == {"team": "storage"}
    assert meter["aggregations"] == {"totalCount": 2, "nodes": [{"code": "gb_total"}, {"code": "users"}]}

    read = data_of(
        await tenant.gql(
            f"""query($id: ID!) {{ byId: meter(id: $id) {{ {METER} }} byCode: meter(code: "storage") {{ id }}
      global: meters(filter: {{globalOnly: true}}) {{ totalCount }} aggregations(meterId: $id) {{ nodes {{
        {AGGREGATION} }} }}
      malformed: aggregations(meterId: "nope") {{ totalCount }} }}""",
            {"id": meter["id"]},
        )
    )
    assert read["byId"] == meter and read["byCode"] == {"id": meter["id"]} and read["global"]["totalCount"] == 1
    assert read["malformed"] == {"totalCount": 0}
    total, users = read["aggregations"]["nodes"]
    assert (total["quantityPerUnit"], total["rounding"], total["unit"], total["defaultValue"]) == (
        "1024",
        "UP",
        "TB",
        "0",
    )
    assert (total["meterId"], total["meter"], total["productId"]) == (meter["id"], {"code": "storage"}, None)
    assert users["segments"] == [{"region": "eu"}, {"region": "*"}] and users["segmentedFields"] == ["region"]
    assert users["defaultValue"] is None and users["quantityPerUnit"] == "1" and users["rounding"] == "NONE"


async def test_product_meter_scopes_itself_and_its_aggregations(tenant):
    product_id = await add_product(tenant)
    await create_meter(tenant, code="global_meter")
    meter = await create_meter(tenant, productId=product_id, aggregations=[agg_input()])
    assert meter["productId"] == product_id
    read = data_of(
        await tenant.gql(
            """query($p: ID!) { meters(filter: {productId: $p}) { nodes { code } }
      aggregations(filter: {productId: $p}) { nodes { productId } } }""",
            {"p": product_id},
        )
    )
    assert read["meters"]["nodes"] == [{"code": "storage"}]
    assert read["aggregations"]["nodes"] == [{"productId": product_id}]


@pytest.mark.parametrize("product", ["random", "malformed", "other_tenant"], ids=case_id)
async def test_meter_of_unknown_product_is_refused(tenant, other_tenant, product):
    product_id = {
        "random": str(uuid.uuid4()),
        "malformed": "not-an-id",
        "other_tenant": await add_product(other_tenant),
    }[product]
    payload = await run(tenant, CREATE_METER, meter_input(productId=product_id))
    assert payload["meter"] is None and errors_of(payload) == [(["input", "productId"], "NOT_FOUND")]
    assert await Meter.filter(organization_id=tenant.organization_id).count() == 0


async def test_bad_nested_aggregation_leaves_nothing(tenant):
    payload = await run(
        tenant, CREATE_METER, meter_input(aggregations=[agg_input("ok"), agg_input("bad", targetField="nope")])
    )
    assert payload["meter"] is None
    assert errors_of(payload) == [(["input", "aggregations", "1", "targetField"], "INVALID")]
    assert await Meter.filter(organization_id=tenant.organization_id).count() == 0
    assert await Aggregation.filter(organization_id=tenant.organization_id).count() == 0


async def test_every_problem_of_a_meter_input_is_reported(tenant):
    derived = [{"category": "WHO", "code": "gb", "name": "x", "calculation": "gb * 2"}]
    payload = await run(
        tenant,
        CREATE_METER,
        meter_input(
            code=" storage",
            dataFields=fields(*[("MEASURE", f"f{i}") for i in range(15)], ("COST", "gb")),
            derivedFields=derived,
            aggregations=[agg_input("a", meterId=str(uuid.uuid4())), agg_input("a", aggregation="UNIQUE")],
        ),
    )
    assert errors_of(payload) == [
        (["input", "code"], "INVALID"),
        (["input", "dataFields"], "INVALID"),
        (["input", "derivedFields", "0", "code"], "DUPLICATE"),
        (["input", "derivedFields", "0", "calculation"], "INVALID"),
        (["input", "aggregations", "0", "meterId"], "INVALID"),
        (["input", "aggregations", "1", "aggregation"], "INVALID"),
        (["input", "aggregations", "1", "code"], "DUPLICATE"),
    ]
    messages = {tuple(e["field"]): e["message"] for e in payload["userErrors"]}
    assert (
        messages[("input", "derivedFields", "0", "calculation")]
        == "a WHO field holds a STRING, but the calculation yields a NUMBER"
    )


async def test_calculation_error_carries_its_position(tenant):
    derived = [{"category": "MEASURE", "code": "kb", "name": "KB", "calculation": "gb * 1024 + foo"}]
    payload = await run(tenant, CREATE_METER, meter_input(derivedFields=derived))
    assert payload["userErrors"] == [
        {
            "field": ["input", "derivedFields", "0", "calculation"],
            "code": "INVALID",
            "message": "unknown field 'foo' at position 12",
        }
    ]


async def test_duplicate_codes(tenant):
    meter = await create_meter(tenant, aggregations=[agg_input("taken")])
    again = await run(tenant, CREATE_METER, meter_input(aggregations=[agg_input("taken")]))
    assert again["userErrors"] == [
        {"field": ["input", "code"], "code": "DUPLICATE", "message": "a meter with code 'storage' exists"},
        {
            "field": ["input", "aggregations", "0", "code"],
            "code": "DUPLICATE",
            "message": "an aggregation with code 'taken' exists",
        },
    ]
    nested = await run(
        tenant, CREATE_METER, meter_input("other", aggregations=[agg_input("fresh"), agg_input("taken")])
    )
    assert errors_of(nested) == [(["input", "aggregations", "1", "code"], "DUPLICATE")]
    top = await run(tenant, CREATE_AGG, {"meterId": meter["id"], **agg_input("taken")})
    assert errors_of(top) == [(["input", "code"], "DUPLICATE")]
    second = await create_agg(tenant, meter["id"], code="second")
    renamed = await run(tenant, UPDATE_AGG, {"id": second["id"], "version": 1, "code": "taken"})
    assert errors_of(renamed) == [(["input", "code"], "DUPLICATE")]
    await create_compound(tenant, calculation="aggregation.taken * 2")
    compound = await run(tenant, CREATE_COMPOUND, {"code": "combo", "name": "C", "calculation": "aggregation.taken"})
    assert errors_of(compound) == [(["input", "code"], "DUPLICATE")]
    other = await create_compound(tenant, code="other", calculation="aggregation.taken")
    renamed = await run(tenant, UPDATE_COMPOUND, {"id": other["id"], "version": 1, "code": "combo"})
    assert errors_of(renamed) == [(["input", "code"], "DUPLICATE")]
    assert await Meter.filter(organization_id=tenant.organization_id).count() == 1
    assert await Aggregation.filter(organization_id=tenant.organization_id, code="second").count() == 1


async def test_update_meter_and_stale_version(tenant):
    meter = await create_meter(tenant)
    await create_meter(tenant, code="other")
    changed = await run(
        tenant,
        UPDATE_METER,
        {
            "id": meter["id"],
            "version": 1,
            "name": "Renamed",
            "dataFields": fields(("MEASURE", "gb"), ("COST", "price")),
        },
    )
    assert changed["userErrors"] == []
    assert (changed["meter"]["version"], changed["meter"]["name"], changed["meter"]["code"]) == (
        2,
        "Renamed",
        "storage",
    )
    assert [f["code"] for f in changed["meter"]["dataFields"]] == ["gb", "price"]
    assert changed["meter"]["derivedFields"][0]["code"] == "mb"  # left out: unchanged
    stale = await run(tenant, UPDATE_METER, {"id": meter["id"], "version": 1, "name": "Stale"})
    assert stale["meter"] is None and errors_of(stale) == [(["input", "version"], "CONFLICT")]
    duplicate = await run(tenant, UPDATE_METER, {"id": meter["id"], "version": 2, "code": "other"})
    assert errors_of(duplicate) == [(["input", "code"], "DUPLICATE")]
    row = await Meter.get(id=meter["id"])
    assert (row.version, row.name, row.code) == (2, "Renamed", "storage")


ORPHANING = [
    # gb removed: the aggregation over it and the derived field mb (gb * 1024) would break
    (
        fields(("WHO", "user"), ("WHERE", "region")),
        None,
        [(["input", "derivedFields", "0", "calculation"], "INVALID"), (["input", "dataFields"], "INVALID")],
    ),
    (
        fields(("COST", "gb"), ("WHO", "user"), ("WHERE", "region")),
        None,
        [(["input", "dataFields", "0", "category"], "INVALID")],
    ),
    (
        fields(("MEASURE", "gb"), ("WHO", "user")),
        None,
        [(["input", "dataFields"], "INVALID")],
    ),  # segmented region removed
    (
        fields(("MEASURE", "gb"), ("WHO", "user"), ("WHAT", "region")),
        None,
        [(["input", "dataFields", "2", "category"], "INVALID")],
    ),
    (
        fields(("MEASURE", "gb"), ("WHO", "user"), ("WHERE", "region")),
        [],
        [(["input", "derivedFields"], "INVALID")],
    ),  # mb removed
]


@pytest.mark.parametrize(("data_fields", "derived", "expected"), ORPHANING, ids=case_id)
async def test_meter_update_refused_when_it_would_orphan_an_aggregation(tenant, data_fields, derived, expected):
    meter = await create_meter(
        tenant,
        aggregations=[
            agg_input("gb_total"),
            agg_input("mb_total", targetField="mb"),
            agg_input(
                "by_region",
                targetField="user",
                aggregation="COUNT",
                segmentedFields=["region"],
                segments=[{"region": "eu"}],
            ),
        ],
    )
    changes = {"id": meter["id"], "version": 1, "dataFields": data_fields}
    if derived is not None:
        changes["derivedFields"] = derived
    payload = await run(tenant, UPDATE_METER, changes)
    assert payload["meter"] is None and errors_of(payload) == expected
    assert "aggregations " in payload["userErrors"][-1]["message"]
    row = await Meter.get(id=meter["id"])
    assert row.version == 1 and [f["code"] for f in row.data_fields] == ["gb", "user", "region", "note"]


async def test_meter_update_names_the_aggregations_and_allows_unused_changes(tenant):
    meter = await create_meter(tenant, aggregations=[agg_input("a_sum"), agg_input("b_max", aggregation="MAX")])
    refused = await run(
        tenant,
        UPDATE_METER,
        {"id": meter["id"], "version": 1, "derivedFields": [], "dataFields": fields(("WHO", "user"))},
    )
    assert refused["userErrors"] == [
        {
            "field": ["input", "dataFields"],
            "code": "INVALID",
            "message": "field 'gb' cannot be removed: aggregations a_sum, b_max use it",
        }
    ]
    # The derived field's calculation uses gb too: removing gb breaks it as well.
    refused = await run(tenant, UPDATE_METER, {"id": meter["id"], "version": 1, "dataFields": fields(("WHO", "user"))})
    assert errors_of(refused) == [
        (["input", "derivedFields", "0", "calculation"], "INVALID"),
        (["input", "dataFields"], "INVALID"),
    ]
    allowed = await run(
        tenant,
        UPDATE_METER,
        {"id": meter["id"], "version": 1, "dataFields": fields(("MEASURE", "gb"), ("OTHER", "note"))},
    )
    assert allowed["userErrors"] == [] and allowed["meter"]["version"] == 2


async def test_delete_meter_refused_while_aggregations_exist(tenant):
    meter = await create_meter(tenant, aggregations=[agg_input("gb_total")])
    refused = await run(tenant, DELETE_METER, {"id": meter["id"], "version": 1})
    assert refused == {
        "deletedId": None,
        "userErrors": [{"field": ["input", "id"], "code": "IN_USE", "message": "in use by aggregations gb_total"}],
    }
    aggregation = data_of(await tenant.gql('{ aggregation(code: "gb_total") { id version } }'))["aggregation"]
    assert (await run(tenant, DELETE_AGG, aggregation))["userErrors"] == []
    stale = await run(tenant, DELETE_METER, {"id": meter["id"], "version": 2})
    assert errors_of(stale) == [(["input", "version"], "CONFLICT")]
    assert await run(tenant, DELETE_METER, {"id": meter["id"], "version": 1}) == {
        "deletedId": meter["id"],
        "userErrors": [],
    }
    assert data_of(await tenant.gql("query($id: ID!) { meter(id: $id) { id } }", {"id": meter["id"]}))["meter"] is None


async def test_meters_are_paged_by_code(tenant):
    for code in ("c", "a", "b"):
        await create_meter(tenant, code=code)
    page = data_of(
        await tenant.gql("{ meters(first: 2) { totalCount nodes { code } pageInfo { hasNextPage endCursor } } }")
    )["meters"]
    assert (
        [n["code"] for n in page["nodes"]] == ["a", "b"] and page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    )
    rest = data_of(
        await tenant.gql(
            "query($after: String) { meters(after: $after) { nodes { code } } }",
            {"after": page["pageInfo"]["endCursor"]},
        )
    )
    assert rest["meters"]["nodes"] == [{"code": "c"}]


# --------------------------------------------------------------------------- aggregations


@pytest.mark.parametrize(
    ("meter_id", "error"),
    [
        (None, (["input", "meterId"], "REQUIRED")),
        ("random", (["input", "meterId"], "NOT_FOUND")),
        ("bad-id", (["input", "meterId"], "NOT_FOUND")),
    ],
    ids=case_id,
)
async def test_create_aggregation_needs_a_meter_of_the_organization(tenant, meter_id, error):
    data = (
        agg_input()
        if meter_id is None
        else {"meterId": str(uuid.uuid4()) if meter_id == "random" else meter_id, **agg_input()}
    )
    payload = await run(tenant, CREATE_AGG, data)
    assert payload["aggregation"] is None and errors_of(payload) == [error]


async def test_create_aggregation_checks_against_its_meter(tenant):
    product_id = await add_product(tenant)
    meter = await create_meter(tenant, productId=product_id)
    refused = await run(
        tenant,
        CREATE_AGG,
        {
            "meterId": meter["id"],
            **agg_input(
                targetField="note",
                aggregation="SUM",
                quantityPerUnit="0",
                defaultValue="-1",
                segmentedFields=["note"],
                segments=[{"note": "x"}],
            ),
        },
    )
    assert errors_of(refused) == [
        (["input", "aggregation"], "INVALID"),
        (["input", "quantityPerUnit"], "INVALID"),
        (["input", "segmentedFields", "0"], "INVALID"),
        (["input", "defaultValue"], "INVALID"),
    ]
    created = await create_agg(
        tenant,
        meter["id"],
        quantityPerUnit="0.000001",
        segmentedFields=["user", "region"],
        segments=[{"region": "eu"}, {"user": "bob", "region": "us"}],
    )
    assert (created["productId"], created["meterId"], created["quantityPerUnit"]) == (
        product_id,
        meter["id"],
        "0.000001",
    )
    assert created["segments"] == [{"user": "*", "region": "eu"}, {"user": "bob", "region": "us"}]


async def test_update_aggregation_and_stale_version(tenant):
    meter = await create_meter(tenant)
    aggregation = await create_agg(tenant, meter["id"])
    changed = await run(
        tenant,
        UPDATE_AGG,
        {"id": aggregation["id"], "version": 1, "aggregation": "MAX", "rounding": "DOWN", "unit": "GB"},
    )
    assert changed["userErrors"] == []
    assert {k: changed["aggregation"][k] for k in ("version", "aggregation", "rounding", "unit", "code")} == {
        "version": 2,
        "aggregation": "MAX",
        "rounding": "DOWN",
        "unit": "GB",
        "code": "gb_total",
    }
    refused = await run(tenant, UPDATE_AGG, {"id": aggregation["id"], "version": 2, "targetField": "user"})
    assert errors_of(refused) == [(["input", "aggregation"], "INVALID")]  # MAX of a WHO field
    stale = await run(tenant, UPDATE_AGG, {"id": aggregation["id"], "version": 1, "unit": "x"})
    assert errors_of(stale) == [(["input", "version"], "CONFLICT")]
    assert (await Aggregation.get(id=aggregation["id"])).unit == "GB"


async def test_aggregation_used_by_a_compound_cannot_be_renamed_or_deleted(tenant):
    meter = await create_meter(tenant)
    used = await create_agg(tenant, meter["id"], code="cpu")
    longer = await create_agg(tenant, meter["id"], code="cpu2")
    await create_compound(tenant, calculation="aggregation.cpu * 2")
    await create_compound(tenant, code="mention", calculation='aggregation.cpu2 + ("aggregation.cpu" == "x" ? 1 : 0)')
    rename = await run(tenant, UPDATE_AGG, {"id": used["id"], "version": 1, "code": "cpu_new"})
    assert rename["userErrors"] == [
        {"field": ["input", "code"], "code": "IN_USE", "message": "in use by compound aggregations combo"}
    ]
    delete = await run(tenant, DELETE_AGG, {"id": used["id"], "version": 1})
    assert delete["userErrors"] == [
        {"field": ["input", "id"], "code": "IN_USE", "message": "in use by compound aggregations combo"}
    ]
    assert (await Aggregation.get(id=used["id"])).code == "cpu"
    # cpu2 is used by "mention" only; a code inside a string literal is no reference to cpu.
    assert errors_of(await run(tenant, DELETE_AGG, {"id": longer["id"], "version": 1})) == [(["input", "id"], "IN_USE")]


async def test_aggregation_used_by_a_pricing_cannot_be_deleted_or_lose_its_segment(tenant):
    product_id = await add_product(tenant)
    meter = await create_meter(tenant, productId=product_id)
    aggregation = await create_agg(
        tenant, meter["id"], segmentedFields=["region"], segments=[{"region": "eu"}, {"region": "us"}]
    )
    pricing = await add_pricing(tenant, product_id, aggregation_id=aggregation["id"], segment={"region": "eu"})
    delete = await run(tenant, DELETE_AGG, {"id": aggregation["id"], "version": 1})
    assert delete["userErrors"] == [
        {"field": ["input", "id"], "code": "IN_USE", "message": f"in use by pricings {pricing.code}"}
    ]
    dropped = await run(tenant, UPDATE_AGG, {"id": aggregation["id"], "version": 1, "segments": [{"region": "us"}]})
    assert errors_of(dropped) == [(["input", "segments"], "IN_USE")]
    kept = await run(
        tenant, UPDATE_AGG, {"id": aggregation["id"], "version": 1, "segments": [{"region": "eu"}, {"region": "apac"}]}
    )
    assert kept["userErrors"] == [] and kept["aggregation"]["segments"] == [{"region": "eu"}, {"region": "apac"}]
    assert await Aggregation.filter(id=aggregation["id"]).exists()


# --------------------------------------------------------------------------- compound aggregations


async def test_compound_scopes(tenant):
    cloud, other = await add_product(tenant, "cloud"), await add_product(tenant, "other")
    global_meter = await create_meter(tenant, code="g", aggregations=[agg_input("global_gb")])
    await create_meter(tenant, code="c", productId=cloud, aggregations=[agg_input("cloud_gb")])
    await create_meter(tenant, code="o", productId=other, aggregations=[agg_input("other_gb")])
    assert global_meter["aggregations"]["totalCount"] == 1

    product_compound = await create_compound(
        tenant,
        productId=cloud,
        calculation="aggregation.cloud_gb + aggregation.global_gb / 60",
        quantityPerUnit="60",
        rounding="NEAREST",
        evaluateNullAggregations=True,
    )
    assert (product_compound["productId"], product_compound["quantityPerUnit"], product_compound["rounding"]) == (
        cloud,
        "60",
        "NEAREST",
    )
    assert product_compound["evaluateNullAggregations"] is True
    cross = await run(
        tenant, CREATE_COMPOUND, {"code": "x", "name": "X", "productId": cloud, "calculation": "aggregation.other_gb"}
    )
    assert cross["userErrors"] == [
        {
            "field": ["input", "calculation"],
            "code": "INVALID",
            "message": (
                "unknown aggregation 'aggregation.other_gb' at position 0 (this compound aggregation may "
                "use its product's or global aggregations)"
            ),
        }
    ]
    global_only = await run(
        tenant,
        CREATE_COMPOUND,
        {"code": "y", "name": "Y", "calculation": "aggregation.global_gb + aggregation.cloud_gb"},
    )
    assert errors_of(global_only) == [(["input", "calculation"], "INVALID")]
    assert "at position 24" in global_only["userErrors"][0]["message"]
    fine = await create_compound(tenant, code="y", calculation="aggregation.global_gb * 2")
    assert fine["productId"] is None and fine["evaluateNullAggregations"] is False
    listed = data_of(
        await tenant.gql(
            "query($p: ID!) { compoundAggregations(filter: {productId: $p}) { nodes { code } } }", {"p": cloud}
        )
    )
    assert listed["compoundAggregations"]["nodes"] == [{"code": "combo"}]


async def test_update_and_delete_compound(tenant):
    product_id = await add_product(tenant)
    await create_meter(tenant, productId=product_id, aggregations=[agg_input("a"), agg_input("b")])
    compound = await create_compound(tenant, productId=product_id, calculation="aggregation.a")
    changed = await run(
        tenant,
        UPDATE_COMPOUND,
        {"id": compound["id"], "version": 1, "calculation": "aggregation.a + aggregation.b", "unit": "h"},
    )
    assert changed["userErrors"] == [] and (
        changed["compoundAggregation"]["version"],
        changed["compoundAggregation"]["unit"],
    ) == (2, "h")
    bad = await run(
        tenant,
        UPDATE_COMPOUND,
        {"id": compound["id"], "version": 2, "calculation": "aggregation.a +", "quantityPerUnit": "-1"},
    )
    assert errors_of(bad) == [(["input", "calculation"], "INVALID"), (["input", "quantityPerUnit"], "INVALID")]
    stale = await run(tenant, UPDATE_COMPOUND, {"id": compound["id"], "version": 1, "unit": "x"})
    assert errors_of(stale) == [(["input", "version"], "CONFLICT")]
    pricing = await add_pricing(tenant, product_id, compound_aggregation_id=compound["id"])
    refused = await run(tenant, DELETE_COMPOUND, {"id": compound["id"], "version": 2})
    assert refused["userErrors"] == [
        {"field": ["input", "id"], "code": "IN_USE", "message": f"in use by pricings {pricing.code}"}
    ]
    await pricing.delete()
    assert await run(tenant, DELETE_COMPOUND, {"id": compound["id"], "version": 2}) == {
        "deletedId": compound["id"],
        "userErrors": [],
    }
    assert not await CompoundAggregation.filter(id=compound["id"]).exists()


# --------------------------------------------------------------------------- tenant isolation


READ_ALL = """query($m: ID!, $a: ID!, $c: ID!) {
  meters { totalCount } aggregations { totalCount } compoundAggregations { totalCount }
  meter(id: $m) { id } meterByCode: meter(code: "storage") { id }
  aggregation(id: $a) { id } aggregationByCode: aggregation(code: "gb_total") { id }
  compoundAggregation(id: $c) { id } compoundByCode: compoundAggregation(code: "combo") { id }
  aggregationsOfMeter: aggregations(meterId: $m) { totalCount }
}"""


async def test_other_tenant_sees_and_changes_nothing(tenant, other_tenant):
    meter = await create_meter(tenant, aggregations=[agg_input()])
    aggregation = data_of(await tenant.gql('{ aggregation(code: "gb_total") { id } }'))["aggregation"]
    compound = await create_compound(tenant, calculation="aggregation.gb_total")
    ids = {"m": meter["id"], "a": aggregation["id"], "c": compound["id"]}
    before = data_of(await tenant.gql(READ_ALL, ids))

    seen = data_of(await other_tenant.gql(READ_ALL, ids))
    assert seen == {
        "meters": {"totalCount": 0},
        "aggregations": {"totalCount": 0},
        "compoundAggregations": {"totalCount": 0},
        "meter": None,
        "meterByCode": None,
        "aggregation": None,
        "aggregationByCode": None,
        "compoundAggregation": None,
        "compoundByCode": None,
        "aggregationsOfMeter": {"totalCount": 0},
    }
    for mutation, input in [
        (UPDATE_METER, {"id": meter["id"], "version": 1, "name": "Stolen"}),
        (DELETE_METER, {"id": meter["id"], "version": 1}),
        (UPDATE_AGG, {"id": aggregation["id"], "version": 1, "name": "Stolen"}),
        (DELETE_AGG, {"id": aggregation["id"], "version": 1}),
        (UPDATE_COMPOUND, {"id": compound["id"], "version": 1, "name": "Stolen"}),
        (DELETE_COMPOUND, {"id": compound["id"], "version": 1}),
    ]:
        payload = await run(other_tenant, mutation, input)
        assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")], (mutation, payload)
        assert all(v is None for k, v in payload.items() if k != "userErrors")
    across = await run(other_tenant, CREATE_AGG, {"meterId": meter["id"], **agg_input("mine")})
    assert errors_of(across) == [(["input", "meterId"], "NOT_FOUND")]
    borrowed = await run(
        other_tenant, CREATE_COMPOUND, {"code": "c", "name": "C", "calculation": "aggregation.gb_total"}
    )
    assert errors_of(borrowed) == [(["input", "calculation"], "INVALID")]
    # Codes are unique per organization: the other tenant may reuse them.
    assert (await run(other_tenant, CREATE_METER, meter_input()))["userErrors"] == []

    assert data_of(await tenant.gql(READ_ALL, ids)) == before
    assert [(r.name, r.version) for r in await Meter.filter(organization_id=tenant.organization_id)] == [("Storage", 1)]
    assert (await Aggregation.get(id=aggregation["id"])).version == 1
    assert (await CompoundAggregation.get(id=compound["id"])).version == 1


# --------------------------------------------------------------------------- authorization


async def token_with(tenant, statements: list[dict]) -> str:
    """A new service user's token holding Administrator plus a policy of `statements`."""
    policies = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    admin = next(p["id"] for p in policies if p["name"] == "Administrator")
    policy = data_of(
        await tenant.gql(
            f"""mutation($input: CreatePermissionPolicyInput!) {{
      createPermissionPolicy(input: $input) {{ permissionPolicy {{ id }} {ERRORS} }} }}""",
            {"input": {"name": "meter deny", "statements": statements}},
        )
    )["createPermissionPolicy"]["permissionPolicy"]["id"]
    user = data_of(
        await tenant.gql(
            f"""mutation($input: CreateServiceUserInput!) {{
      createServiceUser(input: $input) {{ serviceUser {{ id }} {ERRORS} }} }}""",
            {"input": {"name": "robot", "permissionPolicyIds": [admin, policy]}},
        )
    )["createServiceUser"]["serviceUser"]["id"]
    key = data_of(
        await tenant.gql(
            f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ accessKeyId }} apiSecret {ERRORS} }} }}""",
            {"id": user},
        )
    )["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    return response.json()["access_token"]


async def test_deny_on_one_item_holds_for_every_spelling_of_its_id(tenant):
    meter = await create_meter(tenant, aggregations=[agg_input()])
    aggregation = data_of(await tenant.gql('{ aggregation(code: "gb_total") { id } }'))["aggregation"]
    token = await token_with(
        tenant,
        [
            {
                "effect": "DENY",
                "action": ["config:update", "config:delete"],
                "resource": [f"config:meter/item/{meter['id']}", f"config:aggregation/item/{aggregation['id']}"],
            }
        ],
    )
    for entity, mutation, extra in [
        (meter, UPDATE_METER, {"name": "x"}),
        (meter, DELETE_METER, {}),
        (aggregation, UPDATE_AGG, {"name": "x"}),
        (aggregation, DELETE_AGG, {}),
    ]:
        plain = uuid.UUID(entity["id"])
        for spelling in (str(plain), str(plain).upper(), plain.hex, "{" + str(plain) + "}", plain.urn):
            result = await tenant.gql(mutation, {"input": {"id": spelling, "version": 1, **extra}}, token=token)
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", (spelling, result)
    assert (await Meter.get(id=meter["id"])).version == 1
    assert (await Aggregation.get(id=aggregation["id"])).version == 1
    # Other meters stay writable for the same principal.
    other = await create_meter(tenant, code="other")
    allowed = await run(
        tenant, UPDATE_METER, {"id": uuid.UUID(other["id"]).hex, "version": 1, "name": "Fine"}, token=token
    )
    assert allowed["userErrors"] == [] and allowed["meter"]["name"] == "Fine"
