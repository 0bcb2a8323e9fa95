"""Plan templates, plans and pricings through the public GraphQL API (SEMANTICS §4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from app.models.accounts import Account
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Plan, PlanTemplate, Pricing, Product
from tests.case_ids import case_id
from tests.conftest import Tenant, data_of

ERRORS = "userErrors { field code message }"
JAN, FEB, MAR, APR = (
    "2026-01-01T00:00:00+00:00",
    "2026-02-01T00:00:00+00:00",
    "2026-03-01T00:00:00+00:00",
    "2026-04-01T00:00:00+00:00",
)
BAND = [{"lowerLimit": "0", "unitPrice": "0.15"}]

TEMPLATE = """id version code name productId currency billFrequency billFrequencyInterval standingCharge
  standingChargeInterval standingChargeOffset standingChargeBillInAdvance minimumSpend customFields"""
PLAN = """id version code name planTemplateId productId accountId currency billFrequency standingCharge
  standingChargeDescription minimumSpend overriddenFields planTemplate { id code }"""
PRICING = """id version code planId planTemplateId aggregationId compoundAggregationId productId startDate endDate
  pricingBands { lowerLimit unitPrice fixedPrice } overagePricingBands { lowerLimit } cumulative tiersSpanPlan type
    segment
  plan { id code } planTemplate { id code }"""

CREATE_TEMPLATE = f"""mutation($input: CreatePlanTemplateInput!) {{ createPlanTemplate(input: $input) {{
  planTemplate {{ {TEMPLATE} pricings {{ totalCount nodes {{ id planTemplateId }} }}
    plans {{ totalCount nodes {{ id code pricings {{ totalCount nodes {{ id planId pricingBands {{ unitPrice }} }} }}
      }} }} }} {ERRORS} }} }}"""
UPDATE_TEMPLATE = f"""mutation($input: UpdatePlanTemplateInput!) {{ updatePlanTemplate(input: $input) {{ planTemplate
  {{ {TEMPLATE} }} {ERRORS} }} }}"""
DELETE_TEMPLATE = f"""mutation($input: DeleteInput!) {{ deletePlanTemplate(input: $input) {{ deletedId {ERRORS} }} }}"""
CREATE_PLAN = f"""mutation($input: CreatePlanInput!) {{ createPlan(input: $input) {{ plan {{ {PLAN} }} {ERRORS} }} }}"""
UPDATE_PLAN = f"""mutation($input: UpdatePlanInput!) {{ updatePlan(input: $input) {{ plan {{ {PLAN} }} {ERRORS} }} }}"""
DELETE_PLAN = f"""mutation($input: DeleteInput!) {{ deletePlan(input: $input) {{ deletedId {ERRORS} }} }}"""
CREATE_PRICING = f"""mutation($input: CreatePricingInput!) {{ createPricing(input: $input) {{ pricing {{ {PRICING} }}
  {ERRORS} }} }}"""
UPDATE_PRICING = f"""mutation($input: UpdatePricingInput!) {{ updatePricing(input: $input) {{ pricing {{ {PRICING} }}
  {ERRORS} }} }}"""
DELETE_PRICING = f"""mutation($input: DeleteInput!) {{ deletePricing(input: $input) {{ deletedId {ERRORS} }} }}"""


@dataclass
class Catalog:
    """Rows made straight in the database until the meters API exists."""

    product: str
    other_product: str
    agg: Aggregation
    global_agg: Aggregation
    foreign_agg: Aggregation
    segmented: Aggregation
    compound: CompoundAggregation


async def make_catalog(tenant: Tenant) -> Catalog:
    org = uuid.UUID(str(tenant.organization_id))
    product = await Product.create(organization_id=org, code="cloud", name="Cloud")
    other = await Product.create(organization_id=org, code="other", name="Other")
    fields = [
        {"category": "MEASURE", "code": "gb", "name": "GB"},
        {"category": "WHERE", "code": "region", "name": "Region"},
    ]
    meter = await Meter.create(
        organization_id=org, product_id=product.id, code="storage", name="Storage", data_fields=fields
    )
    global_meter = await Meter.create(organization_id=org, code="calls", name="Calls", data_fields=fields)
    other_meter = await Meter.create(
        organization_id=org, product_id=other.id, code="theirs", name="Theirs", data_fields=fields
    )

    async def aggregation(code: str, on: Meter, **extra) -> Aggregation:
        return await Aggregation.create(
            organization_id=org,
            product_id=on.product_id,
            meter_id=on.id,
            code=code,
            name=code,
            target_field="gb",
            aggregation="SUM",
            **extra,
        )

    return Catalog(
        product=str(product.id),
        other_product=str(other.id),
        agg=await aggregation("gb_sum", meter),
        global_agg=await aggregation("calls_sum", global_meter),
        foreign_agg=await aggregation("their_sum", other_meter),
        segmented=await aggregation(
            "gb_by_region", meter, segmented_fields=["region"], segments=[{"region": "eu"}, {"region": "us"}]
        ),
        compound=await CompoundAggregation.create(
            organization_id=org, product_id=product.id, code="mix", name="Mix", calculation="aggregation.gb_sum * 2"
        ),
    )


@pytest.fixture
async def catalog(tenant) -> Catalog:
    return await make_catalog(tenant)


def errors_of(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def run(tenant: Tenant, document: str, input: dict) -> dict:
    data = data_of(await tenant.gql(document, {"input": input}))
    return next(iter(data.values()))


def template_input(catalog: Catalog, **extra) -> dict:
    return {
        "productId": catalog.product,
        "code": "std",
        "name": "Standard",
        "currency": "USD",
        "billFrequency": "MONTHLY",
        **extra,
    }


def pricing(**extra) -> dict:
    return {"aggregationCode": "gb_sum", "startDate": JAN, "pricingBands": BAND, **extra}


async def create_template(tenant, catalog, **extra) -> dict:
    payload = await run(tenant, CREATE_TEMPLATE, template_input(catalog, **extra))
    assert payload["userErrors"] == [], payload
    return payload["planTemplate"]


async def create_plan(tenant, template_id: str, **extra) -> dict:
    payload = await run(tenant, CREATE_PLAN, {"planTemplateId": template_id, "code": "basic", "name": "Basic", **extra})
    assert payload["userErrors"] == [], payload
    return payload["plan"]


async def create_pricing(tenant, **input) -> dict:
    payload = await run(tenant, CREATE_PRICING, input)
    assert payload["userErrors"] == [], payload
    return payload["pricing"]


async def row_counts(tenant) -> tuple[int, int, int]:
    org = uuid.UUID(str(tenant.organization_id))
    return tuple([await model.filter(organization_id=org).count() for model in (PlanTemplate, Plan, Pricing)])


# ---------------------------------------------------------------- plan templates


async def test_create_template_with_defaults_and_read_it(tenant, catalog):
    template = await create_template(tenant, catalog)
    assert template["version"] == 1 and template["productId"] == catalog.product
    assert (template["billFrequency"], template["billFrequencyInterval"], template["standingChargeInterval"]) == (
        "MONTHLY",
        1,
        1,
    )
    assert (template["standingCharge"], template["minimumSpend"], template["standingChargeOffset"]) == ("0", "0", 0)
    assert template["standingChargeBillInAdvance"] is None and template["customFields"] == {}
    by_id = data_of(await tenant.gql(f'{{ planTemplate(id: "{template["id"]}") {{ {TEMPLATE} }} }}'))["planTemplate"]
    by_code = data_of(await tenant.gql(f'{{ planTemplate(code: "std") {{ {TEMPLATE} }} }}'))["planTemplate"]
    listed = data_of(
        await tenant.gql(
            f'{{ planTemplates(filter: {{productId: "{catalog.product}"}}) {{ totalCount nodes {{ id }} }} }}'
        )
    )
    elsewhere = data_of(
        await tenant.gql(f'{{ planTemplates(filter: {{productId: "{catalog.other_product}"}}) {{ totalCount }} }}')
    )
    assert by_id == by_code == {k: v for k, v in template.items() if k not in ("plans", "pricings")}
    assert listed["planTemplates"] == {"totalCount": 1, "nodes": [{"id": template["id"]}]}
    assert elsewhere["planTemplates"]["totalCount"] == 0


async def test_nested_template_with_pricings_and_plans(tenant, catalog):
    plans = [
        {
            "code": f"plan-{i}",
            "name": f"Plan {i}",
            "pricings": [pricing(pricingBands=[{"lowerLimit": "0", "unitPrice": f"0.{i + 1}"}])],
        }
        for i in range(3)
    ]
    template = await create_template(
        tenant, catalog, pricings=[pricing(), pricing(aggregationCode=None, compoundAggregationCode="mix")], plans=plans
    )
    assert template["pricings"]["totalCount"] == 2
    assert {p["planTemplateId"] for p in template["pricings"]["nodes"]} == {template["id"]}
    assert [p["code"] for p in template["plans"]["nodes"]] == ["plan-0", "plan-1", "plan-2"]
    for index, plan in enumerate(template["plans"]["nodes"]):
        assert plan["pricings"]["totalCount"] == 1
        assert plan["pricings"]["nodes"][0]["planId"] == plan["id"]
        assert plan["pricings"]["nodes"][0]["pricingBands"] == [{"unitPrice": f"0.{index + 1}"}]
    assert await row_counts(tenant) == (1, 3, 5)


async def test_nested_create_is_all_or_nothing(tenant, catalog):
    good = [{"code": f"plan-{i}", "name": "P", "pricings": [pricing()]} for i in range(2)]
    bad = {
        "code": "plan-2",
        "name": "P",
        "pricings": [
            pricing(pricingBands=[{"lowerLimit": "0", "unitPrice": "1"}, {"lowerLimit": "0", "unitPrice": "2"}])
        ],
    }
    before = await row_counts(tenant)
    payload = await run(tenant, CREATE_TEMPLATE, template_input(catalog, pricings=[pricing()], plans=[*good, bad]))
    assert payload["planTemplate"] is None
    assert errors_of(payload) == [
        (["input", "plans", "2", "pricings", "0", "pricingBands", "1", "lowerLimit"], "INVALID")
    ]
    assert await row_counts(tenant) == before == (0, 0, 0)


async def test_template_reports_every_problem_at_its_path(tenant, catalog):
    payload = await run(
        tenant,
        CREATE_TEMPLATE,
        {
            "code": "x",
            "name": "X",
            "currency": "EUR",
            "billFrequency": "WEEKLY",
            "billFrequencyInterval": 366,
            "standingChargeOffset": 365,
            "standingCharge": "-1",
            "pricings": [pricing(aggregationCode="nope")],
            "plans": [{"code": " bad", "name": "B"}],
        },
    )
    assert errors_of(payload) == [
        (["input", "productId"], "REQUIRED"),
        (["input", "currency"], "NOT_FOUND"),
        (["input", "billFrequencyInterval"], "INVALID"),
        (["input", "standingCharge"], "INVALID"),
        (["input", "standingChargeOffset"], "INVALID"),
        (["input", "pricings", "0", "aggregationCode"], "NOT_FOUND"),
        (["input", "plans", "0", "code"], "INVALID"),
    ]
    assert await row_counts(tenant) == (0, 0, 0)


async def test_template_of_unknown_product(tenant, catalog):
    payload = await run(tenant, CREATE_TEMPLATE, template_input(catalog, productId=str(uuid.uuid4())))
    assert errors_of(payload) == [(["input", "productId"], "NOT_FOUND")]
    payload = await run(tenant, CREATE_TEMPLATE, template_input(catalog, productId="not-an-id"))
    assert errors_of(payload) == [(["input", "productId"], "NOT_FOUND")]


async def test_duplicate_codes(tenant, catalog):
    template = await create_template(
        tenant, catalog, plans=[{"code": "basic", "name": "B"}], pricings=[pricing(code="pr-1")]
    )
    again = await run(
        tenant,
        CREATE_TEMPLATE,
        template_input(catalog, plans=[{"code": "basic", "name": "B"}], pricings=[pricing(code="pr-1")]),
    )
    assert errors_of(again) == [
        (["input", "code"], "DUPLICATE"),
        (["input", "plans", "0", "code"], "DUPLICATE"),
        (["input", "pricings", "0", "code"], "DUPLICATE"),
    ]
    twice = await run(
        tenant,
        CREATE_TEMPLATE,
        template_input(catalog, code="other", plans=[{"code": "x", "name": "X"}, {"code": "x", "name": "Y"}]),
    )
    assert errors_of(twice) == [(["input", "plans", "1", "code"], "DUPLICATE")]
    plan = await run(tenant, CREATE_PLAN, {"planTemplateId": template["id"], "code": "basic", "name": "B"})
    assert errors_of(plan) == [(["input", "code"], "DUPLICATE")]
    price = await run(
        tenant, CREATE_PRICING, pricing(planTemplateId=template["id"], code="pr-1", aggregationCode="calls_sum")
    )
    assert errors_of(price) == [(["input", "code"], "DUPLICATE")]
    other = await create_template(tenant, catalog, code="second")
    renamed = await run(tenant, UPDATE_TEMPLATE, {"id": other["id"], "version": 1, "code": "std"})
    assert errors_of(renamed) == [(["input", "code"], "DUPLICATE")]
    assert await row_counts(tenant) == (2, 1, 1)


async def test_update_template_plans_follow_live(tenant, catalog):
    await tenant.gql('mutation { createCurrency(input: {code: "GBP", name: "Pound"}) { currency { id } } }')
    template = await create_template(tenant, catalog, standingCharge="10")
    inherits = await create_plan(tenant, template["id"], code="inherits")
    own = await create_plan(tenant, template["id"], code="own", standingCharge="5", standingChargeDescription="Own fee")
    assert (inherits["standingCharge"], own["standingCharge"]) == ("10", "5")
    assert (inherits["overriddenFields"], own["overriddenFields"]) == (
        [],
        ["standingCharge", "standingChargeDescription"],
    )
    payload = await run(
        tenant,
        UPDATE_TEMPLATE,
        {"id": template["id"], "version": 1, "standingCharge": "20", "currency": "GBP", "billFrequency": "ANNUALLY"},
    )
    assert payload["userErrors"] == [] and payload["planTemplate"]["version"] == 2
    assert (payload["planTemplate"]["currency"], payload["planTemplate"]["name"]) == ("GBP", "Standard")
    plans = data_of(
        await tenant.gql(
            f'{{ plans(filter: {{planTemplateId: "{template["id"]}"}}) {{ nodes {{ code standingCharge '
            "currency billFrequency } } }"
        )
    )
    assert plans["plans"]["nodes"] == [
        {"code": "inherits", "standingCharge": "20", "currency": "GBP", "billFrequency": "ANNUALLY"},
        {"code": "own", "standingCharge": "5", "currency": "GBP", "billFrequency": "ANNUALLY"},
    ]
    cleared = await run(tenant, UPDATE_PLAN, {"id": own["id"], "version": 1, "standingCharge": None})
    assert cleared["plan"]["standingCharge"] == "20" and cleared["plan"]["overriddenFields"] == [
        "standingChargeDescription"
    ]


async def test_template_update_refusals(tenant, catalog):
    template = await create_template(tenant, catalog)
    payload = await run(
        tenant,
        UPDATE_TEMPLATE,
        {"id": template["id"], "version": 1, "currency": "XXX", "standingChargeInterval": 0, "name": None},
    )
    assert errors_of(payload) == [
        (["input", "name"], "REQUIRED"),
        (["input", "currency"], "NOT_FOUND"),
        (["input", "standingChargeInterval"], "INVALID"),
    ]
    unchanged = data_of(await tenant.gql(f'{{ planTemplate(id: "{template["id"]}") {{ version currency name }} }}'))[
        "planTemplate"
    ]
    assert unchanged == {"version": 1, "currency": "USD", "name": "Standard"}


# ---------------------------------------------------------------- stale versions


async def test_stale_versions_conflict(tenant, catalog):
    template = await create_template(tenant, catalog)
    plan = await create_plan(tenant, template["id"])
    price = await create_pricing(tenant, **pricing(planId=plan["id"]))
    for update, delete, entity in (
        (UPDATE_TEMPLATE, DELETE_TEMPLATE, template),
        (UPDATE_PLAN, DELETE_PLAN, plan),
        (UPDATE_PRICING, DELETE_PRICING, price),
    ):
        first = await run(tenant, update, {"id": entity["id"], "version": 1, "code": f"new-{entity['id'][:8]}"})
        assert first["userErrors"] == []
        stale = await run(tenant, update, {"id": entity["id"], "version": 1, "code": "stale"})
        assert errors_of(stale) == [(["input", "version"], "CONFLICT")]
        gone = await run(tenant, delete, {"id": entity["id"], "version": 1})
        assert errors_of(gone) == [(["input", "version"], "CONFLICT")]
    assert await row_counts(tenant) == (1, 1, 1)
    codes = data_of(
        await tenant.gql(
            "{ planTemplates { nodes { version code } } plans { nodes { version code } } pricings { "
            "nodes { version code } } }"
        )
    )
    assert [codes[k]["nodes"][0]["version"] for k in ("planTemplates", "plans", "pricings")] == [2, 2, 2]
    assert "stale" not in str(codes)


# ---------------------------------------------------------------- deletes


async def test_delete_refused_while_dependants_exist(tenant, catalog):
    template = await create_template(
        tenant, catalog, pricings=[pricing(code="tpl-price")], plans=[{"code": "plan-a", "name": "A"}]
    )
    plan_id = template["plans"]["nodes"][0]["id"]
    refused = await run(tenant, DELETE_TEMPLATE, {"id": template["id"], "version": 1})
    assert errors_of(refused) == [(["input", "id"], "IN_USE")] and refused["deletedId"] is None
    assert "plan-a" in refused["userErrors"][0]["message"] and "tpl-price" in refused["userErrors"][0]["message"]
    plan_price = await create_pricing(tenant, **pricing(planId=plan_id))
    refused_plan = await run(tenant, DELETE_PLAN, {"id": plan_id, "version": 1})
    assert (
        errors_of(refused_plan) == [(["input", "id"], "IN_USE")]
        and plan_price["id"] in refused_plan["userErrors"][0]["message"]
    )
    for pricing_id in (plan_price["id"], template["pricings"]["nodes"][0]["id"]):
        assert (await run(tenant, DELETE_PRICING, {"id": pricing_id, "version": 1})) == {
            "deletedId": pricing_id,
            "userErrors": [],
        }
    assert (await run(tenant, DELETE_PLAN, {"id": plan_id, "version": 1}))["deletedId"] == plan_id
    assert (await run(tenant, DELETE_TEMPLATE, {"id": template["id"], "version": 1}))["deletedId"] == template["id"]
    assert await row_counts(tenant) == (0, 0, 0)
    assert data_of(await tenant.gql(f'{{ planTemplate(id: "{template["id"]}") {{ id }} }}'))["planTemplate"] is None


# ---------------------------------------------------------------- plans


async def test_plan_crud(tenant, catalog):
    template = await create_template(tenant, catalog, standingCharge="7", minimumSpend="100")
    unknown = await run(
        tenant,
        CREATE_PLAN,
        {"planTemplateId": template["id"], "code": "ghost", "name": "Ghost", "accountId": str(uuid.uuid4())},
    )
    assert errors_of(unknown) == [(["input", "accountId"], "NOT_FOUND")]
    account = str((await Account.create(organization_id=tenant.organization_id, code="bespoke", name="Bespoke")).id)
    plan = await create_plan(tenant, template["id"], accountId=account, minimumSpend="50", pricings=[pricing()])
    assert (plan["planTemplateId"], plan["productId"], plan["accountId"]) == (template["id"], catalog.product, account)
    assert (plan["standingCharge"], plan["minimumSpend"], plan["currency"]) == ("7", "50", "USD")
    assert plan["planTemplate"] == {"id": template["id"], "code": "std"}
    assert data_of(await tenant.gql('{ plan(code: "basic") { id } }'))["plan"] == {"id": plan["id"]}
    listed = data_of(await tenant.gql(f'{{ plans(filter: {{accountId: "{account}"}}) {{ totalCount }} }}'))
    assert listed["plans"]["totalCount"] == 1
    renamed = await run(tenant, UPDATE_PLAN, {"id": plan["id"], "version": 1, "name": "Renamed", "accountId": None})
    assert (
        renamed["plan"]["name"] == "Renamed"
        and renamed["plan"]["accountId"] is None
        and renamed["plan"]["version"] == 2
    )
    assert renamed["plan"]["minimumSpend"] == "50"


@pytest.mark.parametrize(
    "input, expected",
    [
        ({"code": "p", "name": "P"}, [(["input", "planTemplateId"], "REQUIRED")]),
        ({"code": "p", "name": "P", "planTemplateId": str(uuid.uuid4())}, [(["input", "planTemplateId"], "NOT_FOUND")]),
        ({"code": "p", "name": "P", "planTemplateId": "junk"}, [(["input", "planTemplateId"], "NOT_FOUND")]),
    ],
    ids=case_id,
)
async def test_plan_needs_a_template(tenant, catalog, input, expected):
    assert errors_of(await run(tenant, CREATE_PLAN, input)) == expected


async def test_plan_refusals(tenant, catalog):
    template = await create_template(tenant, catalog)
    payload = await run(
        tenant,
        CREATE_PLAN,
        {
            "planTemplateId": template["id"],
            "code": "p",
            "name": "",
            "accountId": "junk",
            "standingCharge": "-1",
            "pricings": [pricing(planId=str(uuid.uuid4()))],
        },
    )
    assert errors_of(payload) == [
        (["input", "name"], "INVALID"),
        (["input", "accountId"], "INVALID"),
        (["input", "standingCharge"], "INVALID"),
        (["input", "pricings", "0", "planId"], "INVALID"),
    ]
    assert await row_counts(tenant) == (1, 0, 0)


# ---------------------------------------------------------------- pricings


@pytest.fixture
async def stored_pricing(tenant, catalog):
    """A template with one pricing of the catalog's aggregation (code "storage")."""
    template = await create_template(tenant, catalog)
    bands = [{"lowerLimit": "0", "unitPrice": "0.150", "fixedPrice": "5"}, {"lowerLimit": "100", "unitPrice": "0.10"}]
    price = await create_pricing(
        tenant,
        **pricing(
            planTemplateId=template["id"],
            code="storage",
            pricingBands=bands,
            endDate=MAR,
            overagePricingBands=[{"lowerLimit": "0", "unitPrice": "0.2"}],
            type="PRODUCT_CREDIT",
        ),
    )
    return template, price


async def test_pricing_created_on_a_template_shows_its_bands_target_and_type(catalog, stored_pricing):
    # given a pricing created on a template with two bands, one without a fixed price
    template, price = stored_pricing
    # then the bands, target, owner and type read back as sent (fixedPrice defaulting to 0)
    assert price["pricingBands"] == [
        {"lowerLimit": "0", "unitPrice": "0.150", "fixedPrice": "5"},
        {"lowerLimit": "100", "unitPrice": "0.10", "fixedPrice": "0"},
    ]
    assert (price["aggregationId"], price["compoundAggregationId"], price["productId"]) == (
        str(catalog.agg.id),
        None,
        catalog.product,
    )
    assert (price["planTemplate"], price["plan"], price["planId"]) == (
        {"id": template["id"], "code": "std"},
        None,
        None,
    )
    assert (price["type"], price["cumulative"], price["tiersSpanPlan"], price["endDate"]) == (
        "PRODUCT_CREDIT",
        True,
        False,
        MAR,
    )


# filter name → the filter, from the template and the catalog
MATCHING_FILTERS = {
    "planTemplateId": lambda template, catalog: f'planTemplateId: "{template["id"]}"',
    "aggregationId": lambda template, catalog: f'aggregationId: "{catalog.agg.id}"',
    "productId": lambda template, catalog: f'productId: "{catalog.product}"',
    "codes": lambda template, catalog: 'codes: ["storage"]',
}
OTHER_FILTERS = {
    "planId of a template": lambda template, catalog: f'planId: "{template["id"]}"',
    "compoundAggregationId of an aggregation": lambda template, catalog: f'compoundAggregationId: "{catalog.agg.id}"',
    "another productId": lambda template, catalog: f'productId: "{catalog.other_product}"',
}


@pytest.mark.parametrize("make_filter", MATCHING_FILTERS.values(), ids=MATCHING_FILTERS.keys())
async def test_pricing_filter_finds_the_pricing(tenant, catalog, stored_pricing, make_filter):
    # given a stored pricing
    template, price = stored_pricing
    flt = make_filter(template, catalog)
    # when pricings are listed with a filter it matches
    found = data_of(await tenant.gql(f"{{ pricings(filter: {{{flt}}}) {{ totalCount nodes {{ id }} }} }}"))["pricings"]
    # then it is the one found
    assert found == {"totalCount": 1, "nodes": [{"id": price["id"]}]}, flt


@pytest.mark.parametrize("make_filter", OTHER_FILTERS.values(), ids=OTHER_FILTERS.keys())
async def test_pricing_filter_that_does_not_match_finds_nothing(tenant, catalog, stored_pricing, make_filter):
    # given a stored pricing
    template, _ = stored_pricing
    flt = make_filter(template, catalog)
    # when pricings are listed with a filter it does not match
    listed = data_of(await tenant.gql(f"{{ pricings(filter: {{{flt}}}) {{ totalCount }} }}"))["pricings"]
    # then none is found
    assert listed["totalCount"] == 0, flt


async def test_pricing_read_by_code(tenant, stored_pricing):
    # given a pricing with the code "storage"
    _, price = stored_pricing
    # when it is read by its code, then it is found
    assert data_of(await tenant.gql('{ pricing(code: "storage") { id } }'))["pricing"] == {"id": price["id"]}


async def test_pricing_update_switches_target_clears_end_date_and_replaces_bands(tenant, catalog, stored_pricing):
    # given a pricing of an aggregation, ending in March
    _, price = stored_pricing
    # when it is updated to price the compound, with no end and one band
    changed = await run(
        tenant,
        UPDATE_PRICING,
        {
            "id": price["id"],
            "version": 1,
            "compoundAggregationCode": "mix",
            "endDate": None,
            "pricingBands": [{"lowerLimit": "0", "unitPrice": "1"}],
        },
    )
    # then the change is stored, the overage bands kept and the version incremented
    assert changed["userErrors"] == []
    assert (changed["pricing"]["aggregationId"], changed["pricing"]["compoundAggregationId"]) == (
        None,
        str(catalog.compound.id),
    )
    assert changed["pricing"]["endDate"] is None and changed["pricing"]["pricingBands"] == [
        {"lowerLimit": "0", "unitPrice": "1", "fixedPrice": "0"}
    ]
    assert changed["pricing"]["overagePricingBands"] == [{"lowerLimit": "0"}] and changed["pricing"]["version"] == 2


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"aggregationCode": "their_sum"}, [(["input", "aggregationCode"], "INVALID")]),
        ({"aggregationCode": "calls_sum"}, []),
        ({"aggregationCode": "nope"}, [(["input", "aggregationCode"], "NOT_FOUND")]),
        ({"aggregationCode": None}, [(["input", "aggregationId"], "REQUIRED")]),
        ({"compoundAggregationCode": "mix"}, [(["input", "compoundAggregationCode"], "INVALID")]),
        ({"aggregationCode": "gb_by_region", "segment": {"region": "eu"}}, []),
        ({"aggregationCode": "gb_by_region", "segment": {"region": "apac"}}, [(["input", "segment"], "INVALID")]),
        ({"aggregationCode": "gb_by_region"}, [(["input", "segment"], "REQUIRED")]),
        ({"segment": {"region": "eu"}}, [(["input", "segment"], "INVALID")]),
        ({"cumulative": False, "overagePricingBands": BAND}, [(["input", "overagePricingBands"], "INVALID")]),
        ({"tiersSpanPlan": True, "overagePricingBands": BAND}, [(["input", "overagePricingBands"], "INVALID")]),
        ({"endDate": JAN}, [(["input", "endDate"], "INVALID")]),
        (
            {"pricingBands": [{"lowerLimit": "1", "unitPrice": "1"}]},
            [(["input", "pricingBands", "0", "lowerLimit"], "INVALID")],
        ),
        ({"pricingBands": []}, [(["input", "pricingBands"], "REQUIRED")]),
        ({"planId": "__template__"}, [(["input", "planTemplateId"], "INVALID")]),
        ({"planTemplateId": None}, [(["input", "planId"], "REQUIRED")]),
        ({"planTemplateId": str(uuid.uuid4())}, [(["input", "planTemplateId"], "NOT_FOUND")]),
    ],
    ids=case_id,
)
async def test_pricing_rules(tenant, catalog, extra, expected):
    template = await create_template(tenant, catalog)
    extra = {key: (template["id"] if value == "__template__" else value) for key, value in extra.items()}
    input = pricing(**{"planTemplateId": template["id"], **extra})
    if extra.get("compoundAggregationCode"):
        input["aggregationCode"] = "gb_sum"  # two targets at once
    payload = await run(tenant, CREATE_PRICING, input)
    assert errors_of(payload) == expected
    assert (await row_counts(tenant))[2] == (0 if expected else 1)


async def test_overlap_refused_naming_the_colliding_pricing(tenant, catalog):
    template = await create_template(tenant, catalog)
    plan = await create_plan(tenant, template["id"])
    first = await create_pricing(tenant, **pricing(planTemplateId=template["id"], endDate=FEB))
    touching = await create_pricing(
        tenant, **pricing(planTemplateId=template["id"], startDate=FEB)
    )  # [Jan, Feb) then [Feb, ...)
    later = await run(tenant, CREATE_PRICING, pricing(planTemplateId=template["id"], startDate=APR))
    assert (
        errors_of(later) == [(["input", "startDate"], "INVALID")]
        and touching["id"] in later["userErrors"][0]["message"]
    )
    moved = await run(
        tenant, UPDATE_PRICING, {"id": touching["id"], "version": 1, "startDate": "2026-01-20T00:00:00+00:00"}
    )
    assert (
        errors_of(moved) == [(["input", "startDate"], "INVALID")] and first["id"] in moved["userErrors"][0]["message"]
    )
    itself = await run(tenant, UPDATE_PRICING, {"id": touching["id"], "version": 1, "startDate": MAR})
    assert itself["userErrors"] == [] and itself["pricing"]["startDate"] == MAR
    # Another owner, another target or another segment never collide.
    await create_pricing(tenant, **pricing(planId=plan["id"]))
    await create_pricing(tenant, **pricing(planTemplateId=template["id"], aggregationCode="calls_sum"))
    await create_pricing(
        tenant, **pricing(planTemplateId=template["id"], aggregationCode="gb_by_region", segment={"region": "eu"})
    )
    await create_pricing(
        tenant, **pricing(planTemplateId=template["id"], aggregationCode="gb_by_region", segment={"region": "us"})
    )
    same_segment = await run(
        tenant,
        CREATE_PRICING,
        pricing(planTemplateId=template["id"], aggregationCode="gb_by_region", segment={"region": "us"}, startDate=MAR),
    )
    assert errors_of(same_segment) == [(["input", "startDate"], "INVALID")]
    nested = await run(
        tenant,
        CREATE_TEMPLATE,
        template_input(catalog, code="n", pricings=[pricing(endDate=MAR), pricing(startDate=FEB)]),
    )
    assert errors_of(nested) == [(["input", "pricings", "1", "startDate"], "INVALID")]
    assert await row_counts(tenant) == (1, 1, 6)


# ---------------------------------------------------------------- tenant isolation

ROOT_READS = [
    ("planTemplate", "planTemplates", "template"),
    ("plan", "plans", "plan"),
    ("pricing", "pricings", "pricing"),
]


async def test_other_tenant_cannot_read_or_change(tenant, other_tenant, catalog):
    template = await create_template(
        tenant, catalog, plans=[{"code": "basic", "name": "B"}], pricings=[pricing(code="pr")]
    )
    plan_id, pricing_id = template["plans"]["nodes"][0]["id"], template["pricings"]["nodes"][0]["id"]
    ids = {"template": template["id"], "plan": plan_id, "pricing": pricing_id}
    codes = {"template": "std", "plan": "basic", "pricing": "pr"}
    for one, many, kind in ROOT_READS:
        seen = data_of(
            await other_tenant.gql(
                f'{{ a: {one}(id: "{ids[kind]}") {{ id }} b: {one}(code: "{codes[kind]}") {{ id }} '
                f"{many} {{ totalCount nodes {{ id }} }} }}"
            )
        )
        assert seen == {"a": None, "b": None, many: {"totalCount": 0, "nodes": []}}, kind
    for document, kind, extra in (
        (UPDATE_TEMPLATE, "template", {"name": "x"}),
        (UPDATE_PLAN, "plan", {"name": "x"}),
        (UPDATE_PRICING, "pricing", {"code": "x"}),
        (DELETE_PRICING, "pricing", {}),
        (DELETE_PLAN, "plan", {}),
        (DELETE_TEMPLATE, "template", {}),
    ):
        payload = await run(other_tenant, document, {"id": ids[kind], "version": 1, **extra})
        assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")], (document, payload)
    theirs = await make_catalog(other_tenant)
    own_template = await create_template(other_tenant, theirs)
    attempts = [
        (CREATE_TEMPLATE, template_input(catalog, code="t2"), ["input", "productId"]),
        (CREATE_PLAN, {"planTemplateId": template["id"], "code": "p2", "name": "P"}, ["input", "planTemplateId"]),
        (CREATE_PRICING, pricing(planId=plan_id), ["input", "planId"]),
        (CREATE_PRICING, pricing(planTemplateId=template["id"]), ["input", "planTemplateId"]),
        (
            CREATE_PRICING,
            pricing(planTemplateId=own_template["id"], aggregationCode=None, aggregationId=str(catalog.agg.id)),
            ["input", "aggregationId"],
        ),
    ]
    for document, input, path in attempts:
        assert errors_of(await run(other_tenant, document, input)) == [(path, "NOT_FOUND")], input
    after = data_of(
        await tenant.gql(
            f'{{ planTemplate(id: "{template["id"]}") {{ version name plans {{ nodes {{ version name }} }} '
            f"pricings {{ nodes {{ version code }} }} }} }}"
        )
    )["planTemplate"]
    assert after == {
        "version": 1,
        "name": "Standard",
        "plans": {"nodes": [{"version": 1, "name": "B"}]},
        "pricings": {"nodes": [{"version": 1, "code": "pr"}]},
    }
    assert await row_counts(tenant) == (1, 1, 1) and await row_counts(other_tenant) == (1, 0, 0)
