"""Organization config and currencies through the public GraphQL API (SEMANTICS §2.1–2.2)."""

import pytest

from app.models.organization import Currency, OrganizationConfig
from tests.case_ids import case_id
from tests.conftest import data_of

CONFIG = (
    "{ organizationConfig { id version timezone currency daysBeforeBillDue billPrefix "
    "sequenceStartNumber currencyConversions { from to multiplier } monthEpoch customFields } "
    "}"
)
UPDATE = """mutation($input: UpdateOrganizationConfigInput!) {
  updateOrganizationConfig(input: $input) {
    organizationConfig { version timezone currency daysBeforeBillDue monthEpoch billPrefix
      currencyConversions { from to multiplier } customFields }
    userErrors { field code message }
  }
}"""
CREATE_CURRENCY = """mutation($input: CreateCurrencyInput!) {
  createCurrency(input: $input) { currency { id version code name maxDecimalPlaces roundingMode } userErrors { field
    code message } }
}"""


async def config_of(tenant) -> dict:
    return data_of(await tenant.gql(CONFIG))["organizationConfig"]


async def update(tenant, **fields) -> dict:
    version = (await config_of(tenant))["version"]
    return data_of(await tenant.gql(UPDATE, {"input": {"version": version, **fields}}))["updateOrganizationConfig"]


async def add_currency(tenant, code: str, **extra) -> dict:
    return data_of(await tenant.gql(CREATE_CURRENCY, {"input": {"code": code, "name": code, **extra}}))[
        "createCurrency"
    ]


async def test_defaults(tenant):
    config = await config_of(tenant)
    assert config["version"] == 1
    assert (config["timezone"], config["currency"], config["daysBeforeBillDue"]) == ("UTC", "USD", 30)
    assert config["monthEpoch"] == "2022-01-01"
    assert config["billPrefix"] is None


@pytest.mark.parametrize("timezone", ["Europe/Berlin", "UTC+1:00", "+01:00", "UTC", "America/New_York"], ids=case_id)
async def test_timezones_accepted(tenant, timezone):
    payload = await update(tenant, timezone=timezone)
    assert payload["userErrors"] == []
    assert payload["organizationConfig"]["timezone"] == timezone
    assert payload["organizationConfig"]["version"] == 2


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "", "UTC+25:00", "../etc/passwd", "+01:75"], ids=case_id)
async def test_bad_timezones_refused_and_nothing_changes(tenant, timezone):
    before = await config_of(tenant)
    payload = await update(tenant, timezone=timezone)
    assert payload["organizationConfig"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "timezone"], "INVALID")]
    assert await config_of(tenant) == before


async def test_every_problem_reported_at_once(tenant):
    await add_currency(tenant, "GBP")
    payload = await update(
        tenant,
        timezone="Nowhere/Land",
        currency="XXX",
        daysBeforeBillDue=0,
        currencyConversions=[
            {"from": "GBP", "to": "USD", "multiplier": "0"},
            {"from": "GBP", "to": "NOPE", "multiplier": "1.2"},
        ],
    )
    fields = sorted(tuple(e["field"]) for e in payload["userErrors"])
    assert fields == sorted(
        [
            ("input", "timezone"),
            ("input", "currency"),
            ("input", "daysBeforeBillDue"),
            ("input", "currencyConversions", "0", "multiplier"),
            ("input", "currencyConversions", "1", "to"),
        ]
    )
    assert (await config_of(tenant))["version"] == 1


async def test_conversions_stay_exact(tenant):
    await add_currency(tenant, "GBP")
    payload = await update(
        tenant, currency="GBP", currencyConversions=[{"from": "USD", "to": "GBP", "multiplier": "0.787654321"}]
    )
    assert payload["userErrors"] == []
    assert payload["organizationConfig"]["currencyConversions"] == [
        {"from": "USD", "to": "GBP", "multiplier": "0.787654321"}
    ]
    assert payload["organizationConfig"]["currency"] == "GBP"


async def test_stale_version_conflicts(tenant):
    first = await update(tenant, daysBeforeBillDue=14)
    assert first["organizationConfig"]["daysBeforeBillDue"] == 14
    stale = data_of(await tenant.gql(UPDATE, {"input": {"version": 1, "daysBeforeBillDue": 7}}))[
        "updateOrganizationConfig"
    ]
    assert [(e["field"], e["code"]) for e in stale["userErrors"]] == [(["input", "version"], "CONFLICT")]
    assert (await config_of(tenant))["daysBeforeBillDue"] == 14


async def test_partial_update_leaves_other_fields(tenant):
    await update(tenant, billPrefix="INV-", customFields={"region": "eu", "tier": 2})
    payload = await update(tenant, daysBeforeBillDue=45)
    config = payload["organizationConfig"]
    assert (config["billPrefix"], config["customFields"], config["daysBeforeBillDue"]) == (
        "INV-",
        {"region": "eu", "tier": 2},
        45,
    )


async def test_null_for_required_field_refused(tenant):
    payload = await update(tenant, allowOverlappingPlans=None)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "allowOverlappingPlans"], "REQUIRED")
    ]


async def test_usd_exists_and_cannot_be_deleted(tenant):
    usd = await Currency.get(organization_id=tenant.organization_id, code="USD")
    result = data_of(
        await tenant.gql(
            "mutation($i: DeleteInput!) { deleteCurrency(input: $i) { deletedId userErrors { field code } } }",
            {"i": {"id": str(usd.id), "version": usd.version}},
        )
    )["deleteCurrency"]
    assert result == {"deletedId": None, "userErrors": [{"field": ["input", "id"], "code": "INVALID_STATE"}]}
    assert await Currency.filter(organization_id=tenant.organization_id, code="USD").exists()


async def test_currency_lifecycle(tenant):
    created = await add_currency(tenant, "EUR", maxDecimalPlaces=3, roundingMode="HALF_EVEN")
    assert created["userErrors"] == []
    euro = created["currency"]
    assert (euro["maxDecimalPlaces"], euro["roundingMode"], euro["version"]) == (3, "HALF_EVEN", 1)
    duplicate = await add_currency(tenant, "EUR")
    assert [(e["field"], e["code"]) for e in duplicate["userErrors"]] == [(["input", "code"], "DUPLICATE")]
    updated = data_of(
        await tenant.gql(
            (
                "mutation($i: UpdateCurrencyInput!) { updateCurrency(input: $i) { currency { version "
                "maxDecimalPlaces } userErrors { code } } }"
            ),
            {"i": {"id": euro["id"], "version": 1, "maxDecimalPlaces": 2}},
        )
    )["updateCurrency"]
    assert updated == {"currency": {"version": 2, "maxDecimalPlaces": 2}, "userErrors": []}
    by_code = data_of(
        await tenant.gql('{ currency(code: "EUR") { id name } currencies { totalCount nodes { code } } }')
    )
    assert by_code["currency"]["id"] == euro["id"]
    assert [n["code"] for n in by_code["currencies"]["nodes"]] == ["EUR", "USD"]
    deleted = data_of(
        await tenant.gql(
            "mutation($i: DeleteInput!) { deleteCurrency(input: $i) { deletedId userErrors { code } } }",
            {"i": {"id": euro["id"], "version": 2}},
        )
    )["deleteCurrency"]
    assert deleted == {"deletedId": euro["id"], "userErrors": []}


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"code": "1EUR"}, ["input", "code"]),
        ({"code": "E-UR"}, ["input", "code"]),
        ({"code": "EUR", "maxDecimalPlaces": 6}, ["input", "maxDecimalPlaces"]),
        ({"code": "EUR", "maxDecimalPlaces": -1}, ["input", "maxDecimalPlaces"]),
        ({"code": "EUR", "roundingMode": "SIDEWAYS"}, ["input", "roundingMode"]),
    ],
    ids=case_id,
)
async def test_bad_currency_refused(tenant, fields, path):
    before = await Currency.filter(organization_id=tenant.organization_id).count()
    payload = await add_currency(tenant, **fields)
    assert payload["currency"] is None
    assert [e["field"] for e in payload["userErrors"]] == [path]
    assert await Currency.filter(organization_id=tenant.organization_id).count() == before


async def test_currency_in_use_by_config_cannot_be_deleted(tenant):
    gbp = (await add_currency(tenant, "GBP"))["currency"]
    await update(tenant, currency="GBP")
    result = data_of(
        await tenant.gql(
            "mutation($i: DeleteInput!) { deleteCurrency(input: $i) { userErrors { code message } } }",
            {"i": {"id": gbp["id"], "version": gbp["version"]}},
        )
    )["deleteCurrency"]
    assert [e["code"] for e in result["userErrors"]] == ["IN_USE"]
    config = await OrganizationConfig.get(organization_id=tenant.organization_id)
    assert config.currency == "GBP"


async def test_currency_used_by_a_plan_template_cannot_be_deleted(tenant):
    from app.models.catalog import PlanTemplate, Product

    eur = (await add_currency(tenant, "EUR"))["currency"]
    product = await Product.create(organization_id=tenant.organization_id, code="p", name="P")
    await PlanTemplate.create(
        organization_id=tenant.organization_id,
        product_id=product.id,
        code="tmpl",
        name="T",
        currency="EUR",
        bill_frequency="MONTHLY",
    )
    result = data_of(
        await tenant.gql(
            "mutation($i: DeleteInput!) { deleteCurrency(input: $i) { deletedId userErrors { code message } } }",
            {"i": {"id": eur["id"], "version": eur["version"]}},
        )
    )["deleteCurrency"]
    assert result["deletedId"] is None
    assert [e["code"] for e in result["userErrors"]] == ["IN_USE"]
    assert "plan templates tmpl" in result["userErrors"][0]["message"]
