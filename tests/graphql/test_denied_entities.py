"""A principal sees only what its policies allow: a DENY on one account or one
bill holds on the reads that show that entity's data without returning the entity itself:
a bill preview and a counter value computed for the denied account, and the event log,
whose payloads are the entities as the API shows them."""

from __future__ import annotations

from tests.conftest import data_of
from tests.graphql.test_permissions_enforced import custom_policy, principal

CREATE_ACCOUNT = """mutation($input: CreateAccountInput!) {
  createAccount(input: $input) { account { id } userErrors { field code message } } }"""
EVENTS = """query($id: ID!) { events(filter: {entityId: $id}) { totalCount nodes { type entityId payload } } }"""
PREVIEW = """query($id: ID!) { billPreview(accountId: $id, billDate: "2026-02-01") { accountId } }"""
COUNTER_VALUE = """query($id: ID!) {
  counterValue(accountId: $id, counterId: "00000000-0000-0000-0000-000000000000", at: "2026-01-01T00:00:00Z") {
    value } }"""


async def _account(tenant, code: str) -> str:
    payload = data_of(
        await tenant.gql(
            CREATE_ACCOUNT, {"input": {"code": code, "name": code.title(), "emailAddress": f"{code}@example.com"}}
        )
    )
    assert payload["createAccount"]["userErrors"] == [], payload
    return payload["createAccount"]["account"]["id"]


async def _denied_one_account(tenant, account_id: str) -> str:
    policy = await custom_policy(
        tenant,
        "all but one account",
        [
            {"effect": "ALLOW", "action": ["*"], "resource": ["*"]},
            {"effect": "DENY", "action": ["config:retrieve"], "resource": [f"config:account/item/{account_id}"]},
        ],
    )
    return await principal(tenant, custom=[policy])


def _codes(result: dict) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors") or ()]


async def test_events_about_a_denied_entity_are_left_out(tenant):
    hidden, shown = await _account(tenant, "hidden"), await _account(tenant, "shown")
    token = await _denied_one_account(tenant, hidden)
    direct = await tenant.gql("query($id: ID!) { account(id: $id) { id } }", {"id": hidden}, token=token)
    assert _codes(direct) == ["FORBIDDEN"]  # the account itself is denied

    admin = data_of(await tenant.gql(EVENTS, {"id": hidden}))["events"]
    assert [e["payload"]["new"]["code"] for e in admin["nodes"]] == ["hidden"]
    restricted = data_of(await tenant.gql(EVENTS, {"id": hidden}, token=token))["events"]
    assert restricted["nodes"] == [], restricted  # the payload is the denied account itself
    other = data_of(await tenant.gql(EVENTS, {"id": shown}, token=token))["events"]
    assert [e["payload"]["new"]["code"] for e in other["nodes"]] == ["shown"]


async def test_a_bill_preview_of_a_denied_account_is_forbidden(tenant):
    hidden, shown = await _account(tenant, "hidden"), await _account(tenant, "shown")
    token = await _denied_one_account(tenant, hidden)
    refused = await tenant.gql(PREVIEW, {"id": hidden}, token=token)
    assert _codes(refused) == ["FORBIDDEN"], refused
    assert hidden in refused["errors"][0]["message"]
    allowed = await tenant.gql(PREVIEW, {"id": shown}, token=token)
    assert "FORBIDDEN" not in _codes(allowed), allowed


async def test_a_counter_value_of_a_denied_account_is_forbidden(tenant):
    hidden, shown = await _account(tenant, "hidden"), await _account(tenant, "shown")
    token = await _denied_one_account(tenant, hidden)
    refused = await tenant.gql(COUNTER_VALUE, {"id": hidden}, token=token)
    assert _codes(refused) == ["FORBIDDEN"], refused
    allowed = await tenant.gql(COUNTER_VALUE, {"id": shown}, token=token)
    assert _codes(allowed) == ["BAD_USER_INPUT"], allowed  # no such counter: the lookup ran


async def test_reading_events_needs_no_allow_on_each_kind_of_entity(tenant):
    """Only a DENY hides an event: a principal allowed the event log alone sees them all."""
    account = await _account(tenant, "acme")
    policy = await custom_policy(
        tenant, "events only", [{"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["config:event/*"]}]
    )
    token = await principal(tenant, custom=[policy])
    events = data_of(await tenant.gql(EVENTS, {"id": account}, token=token))["events"]
    assert [e["payload"]["new"]["code"] for e in events["nodes"]] == ["acme"]


async def test_a_bill_preview_needs_no_allow_on_the_account_only_no_deny(tenant):
    """The preview's own permission (reading bills, running bills) still suffices."""
    account = await _account(tenant, "acme")
    policy = await custom_policy(
        tenant,
        "bills only",
        [
            {"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["config:bill/*"]},
            {"effect": "ALLOW", "action": ["bills:run"], "resource": ["bills:bill/*"]},
        ],
    )
    token = await principal(tenant, custom=[policy])
    assert "FORBIDDEN" not in _codes(await tenant.gql(PREVIEW, {"id": account}, token=token))
