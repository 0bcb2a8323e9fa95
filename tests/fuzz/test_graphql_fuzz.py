"""hypothesis-graphql writes queries and mutations from `schema.graphql`; each runs against
the real application and database as an organization's administrator, over a small
catalog. Whatever the document, the answer is never a 5xx and no error is INTERNAL:
bad input is the client's (userErrors, BAD_USER_INPUT, NOT_FOUND...), not a crash."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from hypothesis import given
from hypothesis_graphql import Mode, mutations, queries

from tests.conftest import Tenant, data_of, new_tenant
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import SCALARS

SCHEMA = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
QUEUE = f"metergraph:test-fuzz:{uuid.uuid4().hex[:10]}"
PRODUCT = {
    "code": "fuzz",
    "name": "Fuzz",
    "meters": [
        {
            "code": "calls",
            "name": "Calls",
            "dataFields": [
                {"category": "MEASURE", "code": "n", "name": "N"},
                {"category": "WHO", "code": "user", "name": "User"},
            ],
            "aggregations": [{"code": "calls_sum", "name": "Sum", "targetField": "n", "aggregation": "SUM"}],
        }
    ],
    "planTemplates": [
        {
            "code": "std",
            "name": "Std",
            "currency": "USD",
            "billFrequency": "MONTHLY",
            "pricings": [
                {
                    "aggregationCode": "calls_sum",
                    "startDate": "2026-01-01T00:00:00Z",
                    "pricingBands": [{"lowerLimit": "0", "unitPrice": "0.1"}],
                }
            ],
            "plans": [{"code": "std-plan", "name": "Std plan"}],
        }
    ],
}


async def seeded_tenant(client) -> Tenant:
    """An organization with a product, a meter, a plan and an account."""
    tenant = await new_tenant(client, "Fuzz")
    created = data_of(
        await tenant.gql(
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { userErrors { message } } }", {"i": PRODUCT}
        )
    )
    assert created["createProduct"]["userErrors"] == []
    account = {
        "code": "acme",
        "name": "Acme",
        "emailAddress": "a@example.com",
        "accountPlans": [{"planCode": "std-plan", "startDate": "2026-01-01T00:00:00Z"}],
    }
    created = data_of(
        await tenant.gql(
            "mutation($i: CreateAccountInput!) { createAccount(input: $i) { userErrors { message } } }", {"i": account}
        )
    )
    assert created["createAccount"]["userErrors"] == []
    return tenant


class Fuzzer:
    """Sends generated documents as an administrator of a seeded organization. Generated
    mutations may take the administrator's own rights away (detach its policy, deactivate
    its key, lower its rate limits): after a refusal that says so, the next document goes
    to a fresh organization, so that later examples still reach the resolvers."""

    LOST = {"FORBIDDEN", "UNAUTHENTICATED", "RATE_LIMITED"}

    def __init__(self, client, tenant: Tenant) -> None:  # noqa: ANN001
        self.client, self.tenant, self.renewed = client, tenant, 0

    async def send(self, document: str) -> None:
        codes = await assert_not_internal(self.tenant, document)
        if codes & self.LOST:
            self.tenant, self.renewed = await seeded_tenant(self.client), self.renewed + 1


@pytest_asyncio.fixture
async def fuzz_tenant(app, client) -> AsyncIterator[Tenant]:
    """A seeded organization; anything the fuzz enqueues (ingest batches, bill jobs) goes
    to a queue of its own, dropped afterwards."""
    arq = app.state.arq
    previous, arq.default_queue_name = arq.default_queue_name, QUEUE
    try:
        yield await seeded_tenant(client)
    finally:
        arq.default_queue_name = previous
        await arq.delete(QUEUE)


@pytest_asyncio.fixture
async def fuzzer(fuzz_tenant, client) -> Fuzzer:
    return Fuzzer(client, fuzz_tenant)


async def assert_not_internal(tenant: Tenant, document: str) -> set[str]:
    """The error codes of the answer to `document`, none of them INTERNAL, and no 5xx."""
    response = await tenant.client.post(
        "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {tenant.token}"}
    )
    assert response.status_code < 500, (response.status_code, response.text[:2000])
    errors = response.json().get("errors") or []
    internal = [e for e in errors if (e.get("extensions") or {}).get("code") == "INTERNAL"]
    assert not internal, json.dumps(internal)
    return {(e.get("extensions") or {}).get("code") for e in errors}


@given(document=queries(SCHEMA, custom_scalars=SCALARS))
@fuzz_settings()
async def test_generated_queries_never_fail_internally(fuzzer, document):
    await fuzzer.send(document)


@given(document=mutations(SCHEMA, custom_scalars=SCALARS))
@fuzz_settings()
async def test_generated_mutations_never_fail_internally(fuzzer, document):
    await fuzzer.send(document)


@given(
    document=queries(SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE)
    | mutations(SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE)
)
@fuzz_settings()
async def test_invalid_documents_are_refused_not_crashed(fuzzer, document):
    """Documents with one violation of the schema (a wrong type, a missing argument)."""
    await fuzzer.send(document)


async def test_nul_in_a_string_argument_is_refused_not_crashed(fuzz_tenant):
    """Found by the fuzz: NUL in a String argument (a code, a filter) reached PostgreSQL,
    which refused it: INTERNAL."""
    for field in ("product", "meter", "aggregation", "plan", "pricing", "account"):
        await assert_not_internal(fuzz_tenant, f'{{ {field}(code: "a\\u0000b") {{ id }} }}')


async def test_over_long_code_argument_is_refused_not_crashed(fuzz_tenant):
    """Found by the fuzz: a String argument longer than its column failed Tortoise's length
    check of the filter value: INTERNAL."""
    code = "c" * 3000
    for document in (
        '{ product(code: "%s") { id } }',
        '{ accounts(filter: {codes: ["%s"]}) { totalCount } }',
        '{ currencies(codes: ["%s"]) { totalCount } }',
    ):
        await assert_not_internal(fuzz_tenant, document % code)


async def test_instant_past_the_calendar_is_refused_with_its_path(fuzz_tenant):
    """Found by the fuzz: a date-time whose offset takes it before year 1 (or after 9999)
    in UTC overflowed while being converted, INTERNAL; first in mutations, then in the
    measurements filter, which handed it to the database driver. The DateTime scalar now
    refuses it wherever it is written, naming where, and nothing is created."""
    plan_template = data_of(await fuzz_tenant.gql('{ planTemplate(code: "std") { id } }'))["planTemplate"]["id"]
    pricing = {
        "planTemplateId": plan_template,
        "aggregationCode": "calls_sum",
        "startDate": "0001-01-01T00:00:00+14:00",
        "pricingBands": [{"lowerLimit": "0", "unitPrice": "1"}],
    }
    answer = await fuzz_tenant.gql(
        "mutation($i: CreatePricingInput!) { createPricing(input: $i) { pricing { id } } }", {"i": pricing}
    )
    [error] = answer["errors"]
    assert "$i' has invalid value at .startDate:" in error["message"] and "out of range" in error["message"], error
    assert answer.get("data") is None
    account = {
        "code": "late",
        "name": "Late",
        "emailAddress": "e@example.com",
        "accountPlans": [{"planCode": "std-plan", "startDate": "9999-12-31T23:59:59-12:00"}],
    }
    answer = await fuzz_tenant.gql(
        "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }", {"i": account}
    )
    [error] = answer["errors"]
    assert (
        "$i' has invalid value at .accountPlans[0].startDate:" in error["message"]
        and "out of range" in error["message"]
    ), error
    codes = data_of(await fuzz_tenant.gql("{ accounts { nodes { code } } }"))["accounts"]["nodes"]
    assert codes == [{"code": "acme"}]
    for document in (
        '{ measurements(filter: {from: "0001-01-01T00:00:00+14:00"}) { totalCount } }',
        '{ measurements(filter: {to: "9999-12-31T23:59:59-12:00"}) { nodes { ts } } }',
    ):
        [error] = (await fuzz_tenant.gql(document))["errors"]
        assert "out of range" in error["message"] and error["locations"][0]["column"] > 20, error
    # The edges of the calendar that stay inside it are ordinary instants.
    within = (
        '{ measurements(filter: {from: "0001-01-01T00:00:00-01:00", to: "9999-12-31T23:00:00+00:00"}) { totalCount } }'
    )
    assert data_of(await fuzz_tenant.gql(within))["measurements"]["totalCount"] == 0


async def test_json_nested_thousands_deep_is_a_400(fuzz_tenant):
    """Found while fuzzing the plain routes: a request body (or its variables) nested
    thousands deep made `json.loads` run out of recursion, a 500."""
    headers = {"Authorization": f"Bearer {fuzz_tenant.token}", "Content-Type": "application/json"}
    deep = "[" * 100_000 + "]" * 100_000
    for body in (deep, '{"query": "{ me { organizationId } }", "variables": {"v": ' + deep + "}}"):
        response = await fuzz_tenant.client.post("/graphql", content=body.encode(), headers=headers)
        assert response.status_code == 400, response.text[:200]
