"""Reactivating an access key is bounded like issuing one (SEMANTICS §2.3, the grant rule of
app/services/policies.py).

A key lets whoever holds its secret act as its service user, so issuing one needs all the
service user holds. Setting a key INACTIVE is how it is rotated away from a holder who
should no longer act as the service user; before the fix a user manager, holding far less,
could set that key ACTIVE again and, with the old secret, act as an administrator.

These tests call the service with the caller's permissions (`grantor`), as the
`updateAccessKey` resolver passes them (the last test goes through it).
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.permissions import MANAGED_POLICIES, PermissionSet, Statement
from app.models.access import AccessKey
from app.services.errors import PermissionDenied
from app.services.service_users import SetAccessKeyStatus, set_access_key_status
from tests.conftest import client_token
from tests.graphql.test_tokens import robot

MANAGER = PermissionSet([Statement.of("ALLOW", ["users:manage", "config:retrieve"], ["*"])])
ADMIN = PermissionSet(MANAGED_POLICIES["Administrator"])


async def _key(bot: dict) -> AccessKey:
    return await AccessKey.get(id=bot["keyUuid"])


async def _set(tenant, key: AccessKey, status: str, grantor: PermissionSet | None) -> AccessKey:
    command = SetAccessKeyStatus(access_key_id=key.id, status=status, version=key.version)
    return await set_access_key_status(uuid.UUID(tenant.organization_id), command, actor="test", grantor=grantor)


async def test_a_user_manager_cannot_reactivate_an_administrators_key(tenant):
    bot = await robot(tenant, f"admin-{uuid.uuid4().hex[:6]}", "Administrator")
    # Deactivating takes nothing from anybody: a user manager may.
    inactive = await _set(tenant, await _key(bot), "INACTIVE", MANAGER)
    assert inactive.status == "INACTIVE"

    with pytest.raises(PermissionDenied, match="reactivating this key"):
        await _set(tenant, inactive, "ACTIVE", MANAGER)
    after = await _key(bot)
    assert (after.status, after.version) == ("INACTIVE", inactive.version)
    assert (await client_token(tenant.client, bot["accessKeyId"], bot["secret"])).status_code == 401

    # Someone holding all the service user holds may bring it back.
    assert (await _set(tenant, after, "ACTIVE", ADMIN)).status == "ACTIVE"
    assert (await client_token(tenant.client, bot["accessKeyId"], bot["secret"])).status_code == 200


async def test_a_key_within_the_callers_permissions_is_reactivated(tenant):
    bot = await robot(tenant, f"reader-{uuid.uuid4().hex[:6]}", "ReadOnly")
    inactive = await _set(tenant, await _key(bot), "INACTIVE", ADMIN)
    reader_manager = PermissionSet(
        [Statement.of("ALLOW", ["users:manage", "config:retrieve", "measurements:retrieve"], ["*"])]
    )
    assert (await _set(tenant, inactive, "ACTIVE", reader_manager)).status == "ACTIVE"


async def test_an_active_key_set_active_again_needs_nothing_more(tenant):
    bot = await robot(tenant, f"again-{uuid.uuid4().hex[:6]}", "Administrator")
    key = await _key(bot)
    assert (await _set(tenant, key, "ACTIVE", MANAGER)).version == key.version + 1


async def test_update_access_key_refuses_a_user_manager_reactivating_an_administrators_key(tenant):
    """The same rule through the API: the resolver passes the caller's permissions."""
    from tests.conftest import data_of
    from tests.graphql.test_permissions_enforced import custom_policy, principal
    from tests.graphql.test_tokens import UPDATE_KEY

    bot = await robot(tenant, f"admin-{uuid.uuid4().hex[:6]}", "Administrator")
    manager_policy = await custom_policy(
        tenant, "user manager", [{"effect": "ALLOW", "action": ["users:manage", "config:retrieve"], "resource": ["*"]}]
    )
    manager = await principal(tenant, custom=[manager_policy])
    deactivate = {"input": {"id": bot["keyUuid"], "version": 1, "status": "INACTIVE"}}
    assert data_of(await tenant.gql(UPDATE_KEY, deactivate, token=manager))["updateAccessKey"]["userErrors"] == []

    refused = await tenant.gql(
        UPDATE_KEY, {"input": {"id": bot["keyUuid"], "version": 2, "status": "ACTIVE"}}, token=manager
    )
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"], refused
    assert (await _key(bot)).status == "INACTIVE"
    assert (await client_token(tenant.client, bot["accessKeyId"], bot["secret"])).status_code == 401
