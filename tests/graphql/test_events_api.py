"""`events` and `eventTypes` (SEMANTICS §14.1) through the API, and the outbox's
all-or-nothing (§14.2): a refused or failed change leaves no event."""

from __future__ import annotations

import asyncio
import uuid

from app.models.catalog import Product
from app.models.events import Event
from app.models.organization import Currency
from app.services.catalog import nested
from app.services.events.payloads import entity_snapshot
from tests.conftest import data_of

EVENTS = """query($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount nodes { id type entityType entityId sequence occurredAt payload }
    pageInfo { hasNextPage endCursor } } }"""
CREATE_CURRENCY = """mutation($code: String!) { createCurrency(input: {code: $code, name: $code}) {
  currency { id version } userErrors { code } } }"""
UPDATE_CURRENCY = """mutation($id: ID!, $v: Int!, $name: String!) {
  updateCurrency(input: {id: $id, version: $v, name: $name}) { currency { version } userErrors { code } } }"""
CREATE_PRODUCT = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
  product { id } userErrors { field code } } }"""


async def events(tenant, **variables) -> dict:
    return data_of(await tenant.gql(EVENTS, variables))["events"]


async def currency_history(tenant, code: str = "EVA") -> str:
    created = data_of(await tenant.gql(CREATE_CURRENCY, {"code": code}))["createCurrency"]["currency"]
    for version, name in ((1, "one"), (2, "two")):
        payload = data_of(await tenant.gql(UPDATE_CURRENCY, {"id": created["id"], "v": version, "name": name}))
        assert payload["updateCurrency"]["userErrors"] == []
    return created["id"]


async def test_events_newest_first_with_filters_and_pages(tenant):
    currency = await currency_history(tenant)
    mine = await events(tenant, filter={"entityId": currency})
    assert [(n["type"], n["sequence"]) for n in mine["nodes"]] == [
        ("configuration.currency.updated", 3),
        ("configuration.currency.updated", 2),
        ("configuration.currency.created", 1),
    ]
    newest = mine["nodes"][0]
    assert newest["entityType"] == "currency" and newest["entityId"] == currency
    assert (newest["payload"]["old"]["name"], newest["payload"]["new"]["name"]) == ("one", "two")
    # stored as row images (a versioned update's), read in the API form
    assert newest["payload"]["new"] == entity_snapshot(await Currency.get(id=currency))
    assert newest["occurredAt"] >= mine["nodes"][1]["occurredAt"]

    first = await events(tenant, filter={"entityId": currency}, first=2)
    assert first["pageInfo"]["hasNextPage"] and len(first["nodes"]) == 2
    rest = await events(tenant, filter={"entityId": currency}, first=2, after=first["pageInfo"]["endCursor"])
    assert [n["sequence"] for n in first["nodes"] + rest["nodes"]] == [3, 2, 1]

    created_only = await events(tenant, filter={"types": ["configuration.currency.created"], "entityId": currency})
    assert [n["sequence"] for n in created_only["nodes"]] == [1]
    by_prefix = await events(tenant, filter={"types": ["configuration.*"], "entityId": currency})
    assert by_prefix["totalCount"] == 3
    assert (await events(tenant, filter={"types": ["billing.*"], "entityId": currency}))["totalCount"] == 0
    window = {"from": newest["occurredAt"], "to": "2100-01-01T00:00:00Z", "entityId": currency}
    assert [n["sequence"] for n in (await events(tenant, filter=window))["nodes"]] == [3]
    before = {"to": newest["occurredAt"], "entityId": currency}
    assert [n["sequence"] for n in (await events(tenant, filter=before))["nodes"]] == [2, 1]


async def test_bad_filters_are_the_clients_mistake(tenant):
    for flt in ({"entityId": "not-an-id"}, {"types": ["x"] * 101}):
        result = await tenant.gql(EVENTS, {"filter": flt})
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", result


async def test_event_types_is_the_sorted_catalogue(tenant):
    types = data_of(await tenant.gql("{ eventTypes }"))["eventTypes"]
    assert types == sorted(set(types))
    for expected in (
        "configuration.compoundaggregation.created",
        "configuration.organizationconfig.updated",
        "billing.bill.approved",
        "billing.billjob.failed",
        "billing.billconfig.updated",
        "ingest.validation.failure",
        "scheduled.billrun.completed",
    ):
        assert expected in types


def catalog_with_a_bad_pricing() -> dict:
    return {
        "code": "rb-product",
        "name": "Rollback",
        "meters": [
            {
                "code": "rb-meter",
                "name": "Meter",
                "dataFields": [{"category": "MEASURE", "code": "gb", "name": "GB"}],
                "aggregations": [{"code": "rb_gb", "name": "GB", "targetField": "gb", "aggregation": "SUM"}],
            }
        ],
        "planTemplates": [
            {
                "code": "rb-template",
                "name": "Template",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [
                    {"startDate": "2026-01-01T00:00:00Z", "aggregationCode": "rb_gb", "pricingBands": []},
                ],
            }
        ],
    }


async def test_a_refused_nested_create_records_nothing(tenant):
    org = uuid.UUID(tenant.organization_id)
    before = await Event.filter(organization_id=org).count()
    payload = data_of(await tenant.gql(CREATE_PRODUCT, {"input": catalog_with_a_bad_pricing()}))["createProduct"]
    assert payload["product"] is None and payload["userErrors"]
    assert await Event.filter(organization_id=org).count() == before


async def test_a_nested_create_failing_after_its_events_leaves_none(tenant, monkeypatch):
    """The product, meter and aggregation (and their events) are written, then the plan rows
    fail: the transaction takes back the rows and the events together."""
    org = uuid.UUID(tenant.organization_id)
    before = await Event.filter(organization_id=org).count()

    async def fail_after_events(*args, **kwargs):
        assert await Event.filter(organization_id=org).count() > before  # inside the transaction
        raise RuntimeError("the plan rows could not be written")

    monkeypatch.setattr(nested, "insert_rows", fail_after_events)
    good = catalog_with_a_bad_pricing()
    good["planTemplates"][0]["pricings"][0]["pricingBands"] = [{"lowerLimit": "0", "unitPrice": "1"}]
    result = await tenant.gql(CREATE_PRODUCT, {"input": good})
    assert result["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert not await Product.filter(organization_id=org, code="rb-product").exists()
    assert await Event.filter(organization_id=org).count() == before


async def test_another_tenant_sees_none_of_it(tenant, other_tenant):
    currency = await currency_history(tenant, "EVB")
    theirs = await events(other_tenant, filter={"entityId": currency})
    assert theirs == {"totalCount": 0, "nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    listed = await events(other_tenant, first=100)
    assert currency not in repr(listed)


async def test_concurrent_updates_number_their_events_without_gaps(tenant):
    """Ten clients update one currency at once, five of them at each of two versions: the
    version check lets one per version through (the rest are CONFLICT, changing nothing),
    and the committed changes' events are numbered 1, 2, 3 with no gap."""
    created = data_of(await tenant.gql(CREATE_CURRENCY, {"code": "EVR"}))["createCurrency"]["currency"]

    async def update(version: int, n: int) -> bool:
        result = data_of(await tenant.gql(UPDATE_CURRENCY, {"id": created["id"], "v": version, "name": f"n{n}"}))
        return result["updateCurrency"]["userErrors"] == []

    first = await asyncio.gather(*(update(1, n) for n in range(5)))
    second = await asyncio.gather(*(update(2, n) for n in range(5, 10)))
    assert (sum(first), sum(second)) == (1, 1)
    listed = await events(tenant, filter={"entityId": created["id"]})
    assert [n["sequence"] for n in listed["nodes"]] == [3, 2, 1]
    assert [n["payload"]["new"]["version"] for n in listed["nodes"]] == [3, 2, 1]
