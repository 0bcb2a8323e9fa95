"""No principal hands out more than it holds (issue 11, finding 1).

The rule (app/services/policies.py): attaching a policy (inviteUser, createServiceUser,
attachPermissionPolicy) needs users:manage on that policy AND every ALLOW of the policy
within the caller's own permissions; writing a policy's statements, detaching a DENY and
issuing a key of a service user are bounded the same way.

The principal of each test is a "user manager": users:manage on everything and every
read, nothing else. Before the fix it invited a user with the Administrator policy,
accepted the invitation itself and was an administrator.
"""

from __future__ import annotations

import uuid

from app.models.access import PolicyAttachment, ServiceUser, User
from tests.conftest import data_of
from tests.graphql.test_access import (
    ACCEPT,
    ATTACH,
    CREATE_KEY,
    CREATE_POLICY,
    CREATE_SERVICE_USER,
    DETACH,
    INVITE,
    LOGIN,
    UPDATE_POLICY,
)
from tests.graphql.test_permissions_enforced import code_of, custom_policy, policy_ids, principal

MANAGER = [{"effect": "ALLOW", "action": ["users:manage", "config:retrieve"], "resource": ["*"]}]
CURRENCY_READER = [{"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["config:currency/*"]}]
WRITE_CURRENCY = (
    'mutation { createCurrency(input: {code: "ESC", name: "Escalated"}) { currency { id } userErrors { code } } }'
)


async def manager(tenant) -> str:
    return await principal(tenant, custom=[await custom_policy(tenant, f"Managers {uuid.uuid4().hex[:6]}", MANAGER)])


async def me(tenant, token: str) -> str:
    return data_of(await tenant.gql("{ me { principalId } }", token=token))["me"]["principalId"]


async def test_invited_administrator_is_refused_and_nothing_is_stored(tenant):
    token = await manager(tenant)
    admin = (await policy_ids(tenant))["Administrator"]
    email = f"escalate.{uuid.uuid4().hex[:8]}@example.com"
    result = await tenant.gql(
        INVITE,
        {"input": {"email": email, "firstName": "E", "lastName": "S", "permissionPolicyIds": [admin]}},
        token=token,
    )
    assert code_of(result) == "FORBIDDEN", result
    assert "Administrator" in result["errors"][0]["message"]
    assert not await User.filter(email=email).exists()


async def test_the_whole_escalation_no_longer_works(tenant):
    """The reviewer's probe: invite with Administrator, accept, log in, write."""
    token = await manager(tenant)
    admin = (await policy_ids(tenant))["Administrator"]
    email = f"probe.{uuid.uuid4().hex[:8]}@example.com"
    invited = await tenant.gql(
        INVITE,
        {"input": {"email": email, "firstName": "E", "lastName": "S", "permissionPolicyIds": [admin]}},
        token=token,
    )
    invitation = (invited.get("data") or {}).get("inviteUser") or {}
    if invitation.get("invitationToken"):  # only ever true without the fix
        await tenant.gql(ACCEPT, {"token": invitation["invitationToken"], "password": "a long password"}, token="")
        logged = data_of(await tenant.gql(LOGIN, {"email": email, "password": "a long password"}, token=""))["login"]
        written = await tenant.gql(WRITE_CURRENCY, token=logged["token"])
        assert code_of(written) == "FORBIDDEN", "the user manager made itself an administrator"
    assert code_of(invited) == "FORBIDDEN", invited


async def test_service_user_with_administrator_is_refused(tenant):
    token = await manager(tenant)
    admin = (await policy_ids(tenant))["Administrator"]
    result = await tenant.gql(
        CREATE_SERVICE_USER, {"input": {"name": "escalated-robot", "permissionPolicyIds": [admin]}}, token=token
    )
    assert code_of(result) == "FORBIDDEN", result
    assert not await ServiceUser.filter(organization_id=tenant.organization_id, name="escalated-robot").exists()


async def test_attaching_administrator_to_itself_is_refused(tenant):
    token = await manager(tenant)
    admin = (await policy_ids(tenant))["Administrator"]
    me_id = await me(tenant, token)
    attachment = {"policyId": admin, "principalType": "SERVICE_USER", "principalId": me_id}
    result = await tenant.gql(ATTACH, {"input": attachment}, token=token)
    assert code_of(result) == "FORBIDDEN", result
    assert not await PolicyAttachment.filter(principal_id=me_id, policy_id=admin).exists()
    assert code_of(await tenant.gql(WRITE_CURRENCY, token=token)) == "FORBIDDEN"


async def test_what_the_caller_holds_can_be_handed_out(tenant):
    token = await manager(tenant)
    reader = await custom_policy(tenant, "Currency reader", CURRENCY_READER)
    email = f"reader.{uuid.uuid4().hex[:8]}@example.com"
    invited = data_of(
        await tenant.gql(
            INVITE,
            {"input": {"email": email, "firstName": "R", "lastName": "D", "permissionPolicyIds": [reader]}},
            token=token,
        )
    )["inviteUser"]
    assert invited["userErrors"] == [] and invited["invitationToken"]
    robot = data_of(
        await tenant.gql(
            CREATE_SERVICE_USER, {"input": {"name": "reader-robot", "permissionPolicyIds": [reader]}}, token=token
        )
    )["createServiceUser"]
    assert robot["userErrors"] == []
    # ReadOnly also gives measurements:retrieve, which a user manager does not hold.
    read_only = (await policy_ids(tenant))["ReadOnly"]
    result = await tenant.gql(
        ATTACH,
        {"input": {"policyId": read_only, "principalType": "SERVICE_USER", "principalId": robot["serviceUser"]["id"]}},
        token=token,
    )
    assert code_of(result) == "FORBIDDEN", result


async def test_writing_a_policy_wider_than_the_caller_is_refused(tenant):
    token = await manager(tenant)
    created = await tenant.gql(
        CREATE_POLICY,
        {"input": {"name": "All", "statements": [{"effect": "ALLOW", "action": ["*"], "resource": ["*"]}]}},
        token=token,
    )
    assert code_of(created) == "FORBIDDEN", created
    # A policy already attached to the caller cannot be widened under it either.
    own = await custom_policy(tenant, "Own", CURRENCY_READER)
    me_id = await me(tenant, token)
    attachment = {"policyId": own, "principalType": "SERVICE_USER", "principalId": me_id}
    attached = data_of(await tenant.gql(ATTACH, {"input": attachment}, token=token))["attachPermissionPolicy"]
    assert attached["userErrors"] == []
    widened = await tenant.gql(
        UPDATE_POLICY,
        {
            "input": {
                "id": own,
                "version": 1,
                "statements": [{"effect": "ALLOW", "action": ["config:*"], "resource": ["*"]}],
            }
        },
        token=token,
    )
    assert code_of(widened) == "FORBIDDEN", widened
    assert code_of(await tenant.gql(WRITE_CURRENCY, token=token)) == "FORBIDDEN"


async def test_detaching_its_own_deny_is_refused(tenant):
    """Removing a DENY widens whoever held it: the caller must hold what it denied."""
    no_currencies = await custom_policy(
        tenant,
        "No currency writes",
        [{"effect": "DENY", "action": ["config:create"], "resource": ["config:currency/*"]}],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[no_currencies])
    me_id = await me(tenant, token)
    result = await tenant.gql(
        DETACH,
        {"input": {"policyId": no_currencies, "principalType": "SERVICE_USER", "principalId": me_id}},
        token=token,
    )
    assert code_of(result) == "FORBIDDEN", result
    assert await PolicyAttachment.filter(principal_id=me_id, policy_id=no_currencies).exists()
    assert code_of(await tenant.gql(WRITE_CURRENCY, token=token)) == "FORBIDDEN"


async def test_a_key_of_an_administrator_service_user_is_refused(tenant):
    """A key lets its holder act as the service user."""
    token = await manager(tenant)
    admin = (await policy_ids(tenant))["Administrator"]
    robot = data_of(
        await tenant.gql(CREATE_SERVICE_USER, {"input": {"name": "admin-robot", "permissionPolicyIds": [admin]}})
    )
    robot_id = robot["createServiceUser"]["serviceUser"]["id"]
    result = await tenant.gql(CREATE_KEY, {"id": robot_id}, token=token)
    assert code_of(result) == "FORBIDDEN", result
    reader = data_of(await tenant.gql(CREATE_SERVICE_USER, {"input": {"name": "plain-robot"}}))["createServiceUser"]
    key = data_of(await tenant.gql(CREATE_KEY, {"id": reader["serviceUser"]["id"]}, token=token))["createAccessKey"]
    assert key["userErrors"] == [] and key["apiSecret"]
