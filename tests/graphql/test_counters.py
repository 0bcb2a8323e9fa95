"""Counters, counter pricings and counter adjustments through GraphQL (SEMANTICS §8.1):
versioned CRUD, codes, overlaps, bad input at its exact path with nothing written, deletes
refused while something depends on the entity, and the events of each change."""

from __future__ import annotations

import pytest

from app.models.counters import Counter, CounterAdjustment, CounterPricing
from app.models.events import Event
from tests.conftest import data_of

ERRORS = "userErrors { field code message }"
JUNE = "2024-06-01T00:00:00Z"
BAND = [{"lowerLimit": "0", "unitPrice": "10"}]


def mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} {ERRORS} }} }}"


CREATE_COUNTER = mutation("createCounter", "CreateCounterInput", "counter { id version code name unit productId }")
UPDATE_COUNTER = mutation("updateCounter", "UpdateCounterInput", "counter { id version code name unit }")
DELETE_COUNTER = mutation("deleteCounter", "DeleteInput", "deletedId")
CREATE_PRICING = mutation(
    "createCounterPricing",
    "CreateCounterPricingInput",
    "counterPricing { id version planId planTemplateId counterId productId startDate endDate cumulative "
    "runningTotalBillInAdvance proRateRunningTotal proRateAdjustmentDebit proRateAdjustmentCredit "
    "pricingBands { lowerLimit unitPrice fixedPrice } }",
)
UPDATE_PRICING = mutation("updateCounterPricing", "UpdateCounterPricingInput", "counterPricing { id version endDate }")
DELETE_PRICING = mutation("deleteCounterPricing", "DeleteInput", "deletedId")
CREATE_ADJUSTMENT = mutation(
    "createCounterAdjustment", "CreateCounterAdjustmentInput", "counterAdjustment { id version date value }"
)
UPDATE_ADJUSTMENT = mutation(
    "updateCounterAdjustment", "UpdateCounterAdjustmentInput", "counterAdjustment { id version date value }"
)
DELETE_ADJUSTMENT = mutation("deleteCounterAdjustment", "DeleteInput", "deletedId")
DELETE_PLAN = mutation("deletePlan", "DeleteInput", "deletedId")
DELETE_ACCOUNT = mutation("deleteAccount", "DeleteInput", "deletedId")


def errors(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def run(tenant, operation: str, data: dict) -> dict:
    result = data_of(await tenant.gql(operation, {"input": data}))
    return next(iter(result.values()))


@pytest.fixture
async def world(tenant):
    products = {}
    for code in ("team", "other"):
        created = await run(
            tenant,
            mutation("createProduct", "CreateProductInput", "product { id }"),
            {
                "code": code,
                "name": code,
                "planTemplates": [
                    {
                        "code": f"{code}-template",
                        "name": "T",
                        "currency": "USD",
                        "billFrequency": "MONTHLY",
                        "plans": [{"code": f"{code}-plan", "name": "P"}],
                    }
                ],
            },
        )
        products[code] = created["product"]["id"]
    owners = data_of(await tenant.gql('{ plan(code: "team-plan") { id } planTemplate(code: "team-template") { id } }'))
    account = await run(
        tenant,
        mutation("createAccount", "CreateAccountInput", "account { id version }"),
        {"code": "acme", "name": "Acme", "emailAddress": "a@example.com"},
    )
    return {
        "product": products["team"],
        "other": products["other"],
        "plan": owners["plan"]["id"],
        "template": owners["planTemplate"]["id"],
        "account": account["account"],
    }


async def counter(tenant, world, code: str = "seats", product: str | None = "product") -> dict:
    data = {"code": code, "name": "Seats", "unit": "seats"}
    if product:
        data["productId"] = world[product]
    payload = await run(tenant, CREATE_COUNTER, data)
    assert payload["userErrors"] == [], payload
    return payload["counter"]


async def test_counter_crud_with_versions_codes_and_events(tenant, world):
    seats = await counter(tenant, world)
    assert (seats["version"], seats["unit"], seats["productId"]) == (1, "seats", world["product"])
    duplicate = await run(tenant, CREATE_COUNTER, {"code": "seats", "name": "Again", "unit": "seats"})
    assert errors(duplicate) == [(["input", "code"], "DUPLICATE")] and duplicate["counter"] is None
    changed = await run(tenant, UPDATE_COUNTER, {"id": seats["id"], "version": 1, "unit": "users"})
    assert (changed["counter"]["version"], changed["counter"]["unit"]) == (2, "users")
    stale = await run(tenant, UPDATE_COUNTER, {"id": seats["id"], "version": 1, "name": "x"})
    assert errors(stale) == [(["input", "version"], "CONFLICT")]
    assert (await run(tenant, DELETE_COUNTER, {"id": seats["id"], "version": 2}))["deletedId"] == seats["id"]
    assert not await Counter.filter(id=seats["id"]).exists()
    types = await Event.filter(entity_id=seats["id"]).order_by("sequence").values_list("type", flat=True)
    assert types == ["configuration.counter.created", "configuration.counter.updated", "configuration.counter.deleted"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"code": "", "name": "S", "unit": "seats"}, [(["input", "code"], "INVALID")]),
        ({"code": "s", "name": "", "unit": "seats"}, [(["input", "name"], "INVALID")]),
        ({"code": "s", "name": "S", "unit": " seats"}, [(["input", "unit"], "INVALID")]),
        ({"code": "s", "name": "S", "unit": "x" * 81}, [(["input", "unit"], "INVALID")]),
        (
            {"code": "s", "name": "S", "unit": "seats", "productId": "00000000-0000-0000-0000-000000000000"},
            [(["input", "productId"], "NOT_FOUND")],
        ),
    ],
    ids=["empty code", "empty name", "padded unit", "long unit", "unknown product"],
)
async def test_bad_counters_are_refused_at_their_path(tenant, data, expected):
    payload = await run(tenant, CREATE_COUNTER, data)
    assert errors(payload) == expected
    assert await Counter.filter(organization_id=tenant.organization_id).count() == 0


async def test_counter_pricing_defaults_overlap_and_update(tenant, world):
    seats = await counter(tenant, world)
    data = {"planId": world["plan"], "counterId": seats["id"], "startDate": JUNE, "pricingBands": BAND}
    created = (await run(tenant, CREATE_PRICING, data))["counterPricing"]
    assert created["productId"] == world["product"] and created["planTemplateId"] is None
    assert [created[k] for k in ("cumulative", "runningTotalBillInAdvance", "proRateRunningTotal")] == [True] * 3
    assert [created[k] for k in ("proRateAdjustmentDebit", "proRateAdjustmentCredit")] == [True, True]
    overlap = await run(tenant, CREATE_PRICING, {**data, "startDate": "2024-07-01T00:00:00Z"})
    assert errors(overlap) == [(["input", "startDate"], "INVALID")]
    # The template may price the same counter (the plan's pricing overrides it).
    on_template = await run(tenant, CREATE_PRICING, {**data, "planId": None, "planTemplateId": world["template"]})
    assert on_template["userErrors"] == []
    ended = await run(tenant, UPDATE_PRICING, {"id": created["id"], "version": 1, "endDate": "2024-07-01T00:00:00Z"})
    assert ended["counterPricing"]["version"] == 2
    after = await run(tenant, CREATE_PRICING, {**data, "startDate": "2024-07-01T00:00:00Z"})
    assert after["userErrors"] == []
    backwards = await run(
        tenant, UPDATE_PRICING, {"id": created["id"], "version": 2, "endDate": "2024-05-01T00:00:00Z"}
    )
    assert errors(backwards) == [(["input", "endDate"], "INVALID")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"planId": None}, [(["input", "planId"], "REQUIRED")]),
        ({"planTemplateId": "template"}, [(["input", "planTemplateId"], "INVALID")]),
        ({"pricingBands": []}, [(["input", "pricingBands"], "REQUIRED")]),
        (
            {"pricingBands": [{"lowerLimit": "5", "unitPrice": "1"}]},
            [(["input", "pricingBands", "0", "lowerLimit"], "INVALID")],
        ),
        ({"endDate": "2024-05-01T00:00:00Z"}, [(["input", "endDate"], "INVALID")]),
        ({"counterId": "other-counter"}, [(["input", "counterId"], "INVALID")]),
        ({"counterId": "00000000-0000-0000-0000-000000000000"}, [(["input", "counterId"], "NOT_FOUND")]),
    ],
    ids=["no owner", "two owners", "no bands", "first band above 0", "ends first", "other product", "unknown"],
)
async def test_bad_counter_pricings_are_refused_at_their_path(tenant, world, change, expected):
    seats = await counter(tenant, world)
    others = await counter(tenant, world, "other-seats", "other")
    data = {"planId": world["plan"], "counterId": seats["id"], "startDate": JUNE, "pricingBands": BAND, **change}
    named = {"template": world["template"], "other-counter": others["id"]}
    data = {key: named.get(value, value) if isinstance(value, str) else value for key, value in data.items()}
    assert errors(await run(tenant, CREATE_PRICING, data)) == expected
    assert await CounterPricing.filter(organization_id=tenant.organization_id).count() == 0


async def test_a_global_counter_prices_any_plan(tenant, world):
    anywhere = await counter(tenant, world, "global-seats", None)
    data = {"planId": world["plan"], "counterId": anywhere["id"], "startDate": JUNE, "pricingBands": BAND}
    assert (await run(tenant, CREATE_PRICING, data))["userErrors"] == []


async def test_adjustments_one_per_day_and_bad_values(tenant, world):
    seats = await counter(tenant, world)
    base = {"counterId": seats["id"], "accountId": world["account"]["id"]}
    first = (await run(tenant, CREATE_ADJUSTMENT, {**base, "date": "2024-06-01", "value": 5}))["counterAdjustment"]
    again = await run(tenant, CREATE_ADJUSTMENT, {**base, "date": "2024-06-01", "value": 6})
    assert errors(again) == [(["input", "date"], "DUPLICATE")]
    moved = await run(tenant, UPDATE_ADJUSTMENT, {"id": first["id"], "version": 1, "value": 7, "date": "2024-06-02"})
    assert moved["counterAdjustment"] == {"id": first["id"], "version": 2, "date": "2024-06-02", "value": 7}
    long_order = await run(
        tenant, CREATE_ADJUSTMENT, {**base, "date": "2024-06-03", "value": 1, "purchaseOrderNumber": "x" * 101}
    )
    assert errors(long_order) == [(["input", "purchaseOrderNumber"], "INVALID")]
    negative = await run(tenant, CREATE_ADJUSTMENT, {**base, "date": "2024-06-03", "value": -2})
    assert errors(negative) == [(["input", "value"], "INVALID")]
    unknown = await run(
        tenant,
        CREATE_ADJUSTMENT,
        {**base, "accountId": "00000000-0000-0000-0000-000000000000", "date": "2024-06-03", "value": 1},
    )
    assert errors(unknown) == [(["input", "accountId"], "NOT_FOUND")]
    assert await CounterAdjustment.filter(organization_id=tenant.organization_id).count() == 1
    assert (await run(tenant, DELETE_ADJUSTMENT, {"id": first["id"], "version": 2}))["deletedId"] == first["id"]


async def test_the_lock_date_refuses_adjustments_inside_it(tenant, world):
    seats = await counter(tenant, world)
    lock = mutation("updateBillConfig", "UpdateBillConfigInput", "billConfig { billLockDate }")
    version = data_of(await tenant.gql("{ billConfig { version } }"))["billConfig"]["version"]
    assert (await run(tenant, lock, {"billLockDate": "2024-06-30", "version": version}))["userErrors"] == []
    base = {"counterId": seats["id"], "accountId": world["account"]["id"], "value": 3}
    inside = await run(tenant, CREATE_ADJUSTMENT, {**base, "date": "2024-06-30"})
    assert errors(inside) == [(["input", "date"], "INVALID_STATE")]
    outside = await run(tenant, CREATE_ADJUSTMENT, {**base, "date": "2024-07-01"})
    assert outside["userErrors"] == []
    moved_in = await run(
        tenant, UPDATE_ADJUSTMENT, {"id": outside["counterAdjustment"]["id"], "version": 1, "date": "2024-06-15"}
    )
    assert errors(moved_in) == [(["input", "date"], "INVALID_STATE")]


async def test_deletes_are_refused_while_in_use_naming_dependants(tenant, world):
    seats = await counter(tenant, world)
    data = {"planId": world["plan"], "counterId": seats["id"], "startDate": JUNE, "pricingBands": BAND}
    pricing = (await run(tenant, CREATE_PRICING, data))["counterPricing"]
    await run(
        tenant,
        CREATE_ADJUSTMENT,
        {"counterId": seats["id"], "accountId": world["account"]["id"], "date": "2024-06-01", "value": 1},
    )
    refused = await run(tenant, DELETE_COUNTER, {"id": seats["id"], "version": 1})
    assert errors(refused) == [(["input", "id"], "IN_USE")]
    assert "counter pricings" in refused["userErrors"][0]["message"]
    assert "counter adjustments" in refused["userErrors"][0]["message"]
    plan = await run(tenant, DELETE_PLAN, {"id": world["plan"], "version": 1})
    assert errors(plan) == [(["input", "id"], "IN_USE")] and "counter pricings" in plan["userErrors"][0]["message"]
    account = await run(tenant, DELETE_ACCOUNT, {"id": world["account"]["id"], "version": 1})
    assert "counter adjustments" in account["userErrors"][0]["message"]
    assert (await run(tenant, DELETE_PRICING, {"id": pricing["id"], "version": 1}))["deletedId"] == pricing["id"]


async def test_lists_filter_and_read_by_code(tenant, world):
    seats = await counter(tenant, world)
    await counter(tenant, world, "global-seats", None)
    query = """query($p: ID) { counters(filter: {productId: $p}) { totalCount nodes { code } }
      counter(code: "seats") { id } }"""
    found = data_of(await tenant.gql(query, {"p": world["product"]}))
    assert found["counters"] == {"totalCount": 1, "nodes": [{"code": "seats"}]}
    assert found["counter"]["id"] == seats["id"]


def nested_product(code: str, **extra: object) -> dict:
    return {
        "code": code,
        "name": code,
        "planTemplates": [
            {
                "code": f"{code}-template",
                "name": "T",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "plans": [{"code": f"{code}-plan", "name": "P"}],
            }
        ],
        **extra,
    }


CREATE_PRODUCT = mutation("createProduct", "CreateProductInput", "product { id }")


async def test_create_product_with_counters_and_counter_pricings(tenant):
    pricing = {"startDate": JUNE, "pricingBands": BAND, "counterCode": "seats"}
    data = nested_product(
        "suite",
        counters=[{"code": "seats", "name": "Seats", "unit": "seats"}],
        counterPricings=[
            {**pricing, "planTemplateCode": "suite-template"},
            {**pricing, "planCode": "suite-plan", "cumulative": False},
        ],
    )
    created = await run(tenant, CREATE_PRODUCT, data)
    assert created["userErrors"] == [], created
    product = created["product"]["id"]
    seats = data_of(await tenant.gql('{ counter(code: "seats") { id productId } }'))["counter"]
    assert seats["productId"] == product
    query = """{ counterPricings { nodes { counterId productId planId planTemplateId cumulative } } }"""
    shown = data_of(await tenant.gql(query))["counterPricings"]["nodes"]
    assert {(p["counterId"], p["productId"], p["cumulative"]) for p in shown} == {
        (seats["id"], product, True),
        (seats["id"], product, False),
    }
    edges = data_of(
        await tenant.gql(
            """{ products { nodes { counters { nodes { code } }
            planTemplates { nodes { counterPricings { totalCount } } }
            plans { nodes { counterPricings { nodes { cumulative } } } } } } }"""
        )
    )["products"]["nodes"][0]
    assert edges["counters"]["nodes"] == [{"code": "seats"}]
    assert edges["planTemplates"]["nodes"][0]["counterPricings"]["totalCount"] == 1
    assert edges["plans"]["nodes"][0]["counterPricings"]["nodes"] == [{"cumulative": False}]


async def test_create_product_with_bad_counters_writes_nothing(tenant):
    pricing = {"startDate": JUNE, "pricingBands": BAND}
    data = nested_product(
        "broken",
        counters=[{"code": "seats", "name": "Seats", "unit": "seats"}, {"code": "seats", "name": "Again", "unit": "u"}],
        counterPricings=[
            {**pricing, "counterCode": "nope", "planTemplateCode": "broken-template"},
            {**pricing, "counterCode": "seats", "planTemplateCode": "broken-template", "planCode": "broken-plan"},
            {**pricing, "counterCode": "seats", "planCode": "elsewhere"},
        ],
    )
    payload = await run(tenant, CREATE_PRODUCT, data)
    assert errors(payload) == [
        (["input", "counters", "1", "code"], "DUPLICATE"),
        (["input", "counterPricings", "0", "counterCode"], "NOT_FOUND"),
        (["input", "counterPricings", "1", "planTemplateCode"], "REQUIRED"),
        (["input", "counterPricings", "2", "planCode"], "NOT_FOUND"),
    ]
    assert data_of(await tenant.gql("{ products { totalCount } counters { totalCount } }")) == {
        "products": {"totalCount": 0},
        "counters": {"totalCount": 0},
    }
