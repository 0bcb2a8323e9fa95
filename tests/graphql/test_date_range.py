"""Dates stored on entities lie within the range billing computes with (1900-01-01 to
2999-12-31, `app.domain.date_range`). Found by probing: a commitment ending 9999-12-31
failed every bill job of its organization at initialization (its fee schedule stepped
into year 10000), a balance credit dated 0001-01-01T00:00:00Z was stored as -infinity and
read back without its offset (a server error on the balance, the account's previews and
its jobs). Each is now refused with its input path and nothing is written."""

from __future__ import annotations

import pytest

from tests.conftest import data_of
from tests.fuzz.test_graphql_fuzz import seeded_tenant

ERRORS = "userErrors { field code message }"


async def ids(tenant) -> dict[str, str]:
    found = data_of(await tenant.gql('{ account(code: "acme") { id } plan(code: "std-plan") { id } }'))
    return {"account": found["account"]["id"], "plan": found["plan"]["id"]}


def cases(known: dict[str, str]) -> list[tuple[str, dict, list[str]]]:
    account, plan = known["account"], known["plan"]
    commitment = {"accountId": account, "currency": "USD", "amount": "100", "billingPlanId": plan}
    balance = {"accountId": account, "code": "b", "name": "B", "currency": "USD"}
    return [
        ("createCommitment", {**commitment, "startDate": "2026-01-01", "endDate": "9999-12-31"}, ["input", "endDate"]),
        (
            "createCommitment",
            {**commitment, "startDate": "1899-12-31", "endDate": "2027-01-01"},
            ["input", "startDate"],
        ),
        (
            "createBalance",
            {**balance, "startDate": "0001-01-01T00:00:00Z", "endDate": "2027-01-01T00:00:00Z"},
            ["input", "startDate"],
        ),
        (
            "createBalance",
            {**balance, "startDate": "2026-01-01T00:00:00Z", "endDate": "2999-12-31T23:00:00-01:00"},  # 3000 in UTC
            ["input", "endDate"],
        ),
        (
            "createAccountPlan",
            {
                "accountId": account,
                "planId": plan,
                "startDate": "2027-01-01T00:00:00Z",
                "endDate": "9999-12-31T00:00:00Z",
            },
            ["input", "endDate"],
        ),
        (
            "createCharge",
            {
                "accountId": account,
                "code": "c",
                "name": "C",
                "currency": "USD",
                "billDate": "9999-12-31",
                "servicePeriodStartDate": "2026-01-01T00:00:00Z",
                "servicePeriodEndDate": "2026-02-01T00:00:00Z",
                "amount": "1",
            },
            ["input", "billDate"],
        ),
    ]


@pytest.mark.parametrize("case", range(6))
async def test_an_entity_date_outside_the_range_is_refused_with_its_path(client, case):
    tenant = await seeded_tenant(client)
    name, given, path = cases(await ids(tenant))[case]
    kind = name[0].upper() + name[1:]
    events = data_of(await tenant.gql("{ events { totalCount } }"))["events"]["totalCount"]
    payload = data_of(
        await tenant.gql(f"mutation($i: {kind}Input!) {{ {name}(input: $i) {{ {ERRORS} }} }}", {"i": given})
    )[name]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(path, "INVALID")], payload
    assert "between 1900-01-01 and 2999-12-31" in payload["userErrors"][0]["message"]
    assert data_of(await tenant.gql("{ events { totalCount } }"))["events"]["totalCount"] == events  # nothing written


async def test_the_range_s_own_ends_are_accepted(client):
    tenant = await seeded_tenant(client)
    known = await ids(tenant)
    given = {
        "accountId": known["account"],
        "currency": "USD",
        "amount": "100",
        "startDate": "1900-01-01",
        "endDate": "2999-12-31",
    }
    payload = data_of(
        await tenant.gql(
            "mutation($i: CreateCommitmentInput!) {"
            f" createCommitment(input: $i) {{ commitment {{ id }} {ERRORS} }} }}",
            {"i": given},
        )
    )["createCommitment"]
    assert payload["userErrors"] == [] and payload["commitment"]["id"]
