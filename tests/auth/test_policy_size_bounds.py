"""Policies and attachments are bounded ("Every input is bounded", SEMANTICS §2.3).

Every request loads its principal's statements and indexes them, and each grant is checked
pair by pair. Before the bounds a user manager could write a policy of thousands of
single-item DENYs (1 MB of input; a DENY needs nothing held), attach it to itself as
often as it liked, and make every later check, and every grant it asked for, cost seconds
of the one event loop that serves every tenant of the process. Now a policy holds at most
100 statements, 25 actions per statement and 500 resources in all, and a user or service
user at most 20 policies; beyond that the input is refused by path and nothing changes.
"""

from __future__ import annotations

import uuid

from app.models.access import PermissionPolicy, PolicyAttachment, ServiceUser, User
from app.services.policies import (
    MAX_ACTIONS_PER_STATEMENT,
    MAX_POLICIES_PER_PRINCIPAL,
    MAX_RESOURCES_PER_POLICY,
    MAX_STATEMENTS,
)
from tests.conftest import data_of
from tests.graphql.test_access import (
    ATTACH,
    CREATE_POLICY,
    CREATE_SERVICE_USER,
    INVITE,
    create_service_user,
    errors_of,
    unique_email,
)

ITEM = "config:meter/item/{}"


def deny_items(count: int) -> dict:
    return {
        "effect": "DENY",
        "action": ["config:retrieve"],
        "resource": [ITEM.format(uuid.uuid4()) for _ in range(count)],
    }


async def create_policy(tenant, statements: list[dict], name: str | None = None) -> dict:
    name = name or f"Bounded {uuid.uuid4().hex[:8]}"
    payload = data_of(await tenant.gql(CREATE_POLICY, {"input": {"name": name, "statements": statements}}))
    return payload["createPermissionPolicy"]


async def test_a_policy_of_too_many_statements_is_refused_and_not_stored(tenant):
    name = f"Too many {uuid.uuid4().hex[:8]}"
    payload = await create_policy(tenant, [deny_items(1) for _ in range(MAX_STATEMENTS + 1)], name)
    assert payload["permissionPolicy"] is None
    assert errors_of(payload) == [(["input", "statements"], "INVALID")]
    assert not await PermissionPolicy.filter(name=name).exists()

    at_the_bound = await create_policy(tenant, [deny_items(1) for _ in range(MAX_STATEMENTS)])
    assert at_the_bound["userErrors"] == [], at_the_bound


async def test_a_policy_naming_too_many_resources_is_refused_and_not_stored(tenant):
    name = f"Too wide {uuid.uuid4().hex[:8]}"
    half = MAX_RESOURCES_PER_POLICY // 2
    payload = await create_policy(tenant, [deny_items(half), deny_items(MAX_RESOURCES_PER_POLICY - half + 1)], name)
    assert payload["permissionPolicy"] is None
    assert errors_of(payload) == [(["input", "statements"], "INVALID")]
    assert str(MAX_RESOURCES_PER_POLICY) in payload["userErrors"][0]["message"]
    assert not await PermissionPolicy.filter(name=name).exists()

    at_the_bound = await create_policy(tenant, [deny_items(half), deny_items(MAX_RESOURCES_PER_POLICY - half)])
    assert at_the_bound["userErrors"] == [], at_the_bound


async def test_a_statement_of_too_many_actions_is_refused_at_its_path(tenant):
    actions = ["config:retrieve"] * (MAX_ACTIONS_PER_STATEMENT + 1)
    payload = await create_policy(tenant, [deny_items(1), {"effect": "ALLOW", "action": actions, "resource": ["*"]}])
    assert payload["permissionPolicy"] is None
    assert errors_of(payload) == [(["input", "statements", "1", "action"], "INVALID")]


async def test_an_update_beyond_the_bounds_changes_nothing(tenant):
    from tests.graphql.test_access import UPDATE_POLICY

    created = (await create_policy(tenant, [deny_items(1)]))["permissionPolicy"]
    payload = data_of(
        await tenant.gql(
            UPDATE_POLICY,
            {"input": {"id": created["id"], "version": 1, "statements": [deny_items(MAX_RESOURCES_PER_POLICY + 1)]}},
        )
    )["updatePermissionPolicy"]
    assert errors_of(payload) == [(["input", "statements"], "INVALID")]
    stored = await PermissionPolicy.get(id=created["id"])
    assert (stored.version, stored.statements) == (1, created["statements"])


async def _policies(tenant, count: int) -> list[str]:
    return [(await create_policy(tenant, [deny_items(1)]))["permissionPolicy"]["id"] for _ in range(count)]


async def test_a_principal_holds_a_bounded_number_of_policies(tenant):
    ids = await _policies(tenant, MAX_POLICIES_PER_PRINCIPAL + 1)
    robot = await create_service_user(tenant, f"holder-{uuid.uuid4().hex[:6]}")
    for policy_id in ids[:MAX_POLICIES_PER_PRINCIPAL]:
        attach = {"policyId": policy_id, "principalType": "SERVICE_USER", "principalId": robot["id"]}
        assert data_of(await tenant.gql(ATTACH, {"input": attach}))["attachPermissionPolicy"]["userErrors"] == []
    attach = {"policyId": ids[-1], "principalType": "SERVICE_USER", "principalId": robot["id"]}
    payload = data_of(await tenant.gql(ATTACH, {"input": attach}))["attachPermissionPolicy"]
    assert payload["permissionPolicy"] is None
    assert errors_of(payload) == [(["input", "principalId"], "INVALID_STATE")]
    assert await PolicyAttachment.filter(principal_id=robot["id"]).count() == MAX_POLICIES_PER_PRINCIPAL
    # Attaching one it already holds is still a duplicate, not "too many".
    attach["policyId"] = ids[0]
    payload = data_of(await tenant.gql(ATTACH, {"input": attach}))["attachPermissionPolicy"]
    assert errors_of(payload) == [(["input", "policyId"], "DUPLICATE")]


async def test_creating_or_inviting_with_too_many_policies_is_refused_and_stores_nothing(tenant):
    ids = await _policies(tenant, MAX_POLICIES_PER_PRINCIPAL + 1)
    name = f"crowded-{uuid.uuid4().hex[:6]}"
    payload = data_of(await tenant.gql(CREATE_SERVICE_USER, {"input": {"name": name, "permissionPolicyIds": ids}}))
    assert errors_of(payload["createServiceUser"]) == [(["input", "permissionPolicyIds"], "INVALID")]
    assert not await ServiceUser.filter(name=name).exists()

    email = unique_email("crowded")
    invite = {"email": email, "firstName": "C", "lastName": "D", "permissionPolicyIds": ids}
    payload = data_of(await tenant.gql(INVITE, {"input": invite}))["inviteUser"]
    assert payload["invitationToken"] is None
    assert errors_of(payload) == [(["input", "permissionPolicyIds"], "INVALID")]
    assert not await User.filter(email=email).exists()

    # The same policy named twice is one policy: the bound counts distinct ones.
    repeated = [ids[0]] * (MAX_POLICIES_PER_PRINCIPAL + 1)
    payload = data_of(
        await tenant.gql(CREATE_SERVICE_USER, {"input": {"name": name, "permissionPolicyIds": repeated}})
    )["createServiceUser"]
    assert payload["userErrors"] == [], payload
