"""Deactivating a user (`updateUser`, SEMANTICS §2.3): their tokens stop, for good.

Someone who leaves must lose access: setting them INACTIVE stops their login tokens (at
once in this process, within the principal cache's 30 s elsewhere) and their logins. Made
ACTIVE again they can log in, but no token from before the deactivation works again: every
token carries the generation it was issued under, which each deactivation raises.
"""

from __future__ import annotations

import time
import uuid
from types import SimpleNamespace

from app.models.access import User
from app.services import principals
from tests.conftest import data_of
from tests.graphql.test_access import (
    ERRORS,
    ME,
    PASSWORD,
    accept,
    errors_of,
    invite,
    login,
    top_level_code,
    unique_email,
)
from tests.graphql.test_permissions_enforced import custom_policy, principal

UPDATE_USER = f"""mutation($input: UpdateUserInput!) {{
  updateUser(input: $input) {{ user {{ id version email status }} {ERRORS} }}
}}"""


async def active_user(tenant, policies: list[str]) -> tuple[str, dict]:
    """A user invited with `policies` who accepted: (email, the user as accepted)."""
    email = unique_email("leaver")
    invited = await invite(tenant, email, policies)
    accepted = await accept(tenant, invited["invitationToken"], PASSWORD)
    assert accepted["userErrors"] == [], accepted
    return email, accepted["user"]


async def token_of(tenant, email: str) -> str:
    payload = data_of(await login(tenant, email, PASSWORD))["login"]
    assert payload["userErrors"] == [] and payload["token"], payload
    return payload["token"]


async def set_status(tenant, user_id: str, version: int, status: str, token: str | None = None) -> dict:
    variables = {"input": {"id": user_id, "version": version, "status": status}}
    return data_of(await tenant.gql(UPDATE_USER, variables, token=token))["updateUser"]


def unauthenticated(result: dict) -> bool:
    return top_level_code(result) == "UNAUTHENTICATED"


async def test_a_deactivated_user_loses_tokens_and_login_and_old_tokens_stay_dead(tenant):
    email, user = await active_user(tenant, ["ReadOnly"])
    old_token = await token_of(tenant, email)
    assert data_of(await tenant.gql(ME, token=old_token))["me"]["principalId"] == user["id"]

    payload = await set_status(tenant, user["id"], user["version"], "INACTIVE")
    assert payload == {
        "user": {"id": user["id"], "version": user["version"] + 1, "email": email, "status": "INACTIVE"},
        "userErrors": [],
    }
    assert unauthenticated(await tenant.gql(ME, token=old_token))
    assert unauthenticated(await login(tenant, email, PASSWORD))

    payload = await set_status(tenant, user["id"], user["version"] + 1, "ACTIVE")
    assert (payload["userErrors"], payload["user"]["status"]) == ([], "ACTIVE")
    new_token = await token_of(tenant, email)
    assert data_of(await tenant.gql(ME, token=new_token))["me"]["principalId"] == user["id"]
    # The token from before the deactivation is revoked for good.
    assert unauthenticated(await tenant.gql(ME, token=old_token))


async def test_a_user_deactivated_by_another_process_stops_within_the_cache_bound(tenant, monkeypatch):
    """Here the row is changed straight in the database, as another API process would, so this
    process's cached principal is not dropped: it serves the token until it expires, and once
    read again the raised generation refuses the token even though the user is ACTIVE again."""
    email, user = await active_user(tenant, ["ReadOnly"])
    token = await token_of(tenant, email)
    assert data_of(await tenant.gql(ME, token=token))["me"]["principalId"] == user["id"]  # now cached

    row = await User.get(id=user["id"])
    # Deactivated and made ACTIVE again elsewhere, both within this process's cache bound.
    await User.filter(id=row.id).update(token_generation=row.token_generation + 1, version=row.version + 2)
    assert data_of(await tenant.gql(ME, token=token))["me"]["principalId"] == user["id"]

    real_monotonic = time.monotonic
    monkeypatch.setattr(principals, "time", SimpleNamespace(monotonic=lambda: real_monotonic() + 31))
    assert unauthenticated(await tenant.gql(ME, token=token))
    assert data_of(await tenant.gql(ME, token=await token_of(tenant, email)))["me"]["principalId"] == user["id"]


async def test_nobody_deactivates_themselves(tenant):
    email, user = await active_user(tenant, ["Administrator"])
    token = await token_of(tenant, email)

    payload = await set_status(tenant, user["id"], user["version"], "INACTIVE", token=token)
    assert errors_of(payload) == [(["input", "id"], "INVALID_STATE")]
    assert payload["user"] is None
    row = await User.get(id=user["id"])
    assert (row.status, row.version) == ("ACTIVE", user["version"])
    assert data_of(await tenant.gql(ME, token=token))["me"]["principalId"] == user["id"]


async def test_an_invitation_is_revoked_by_deactivating_the_invited_user(tenant):
    email = unique_email("invitee")
    invited = await invite(tenant, email, ["ReadOnly"])
    user = invited["user"]

    payload = await set_status(tenant, user["id"], user["version"], "INACTIVE")
    assert (payload["userErrors"], payload["user"]["status"]) == ([], "INACTIVE")
    refused = await accept(tenant, invited["invitationToken"], PASSWORD)
    assert errors_of(refused) == [(["token"], "INVALID")]

    # Never accepted, so there is no password to log in with: it cannot be made ACTIVE.
    payload = await set_status(tenant, user["id"], user["version"] + 1, "ACTIVE")
    assert errors_of(payload) == [(["input", "status"], "INVALID_STATE")]
    assert (await User.get(id=user["id"])).status == "INACTIVE"


async def test_bad_input_is_refused_at_its_path_and_changes_nothing(tenant):
    email, user = await active_user(tenant, ["ReadOnly"])
    version = user["version"]

    assert errors_of(await set_status(tenant, user["id"], version, "INVITED")) == [(["input", "status"], "INVALID")]
    assert errors_of(await set_status(tenant, user["id"], version + 5, "INACTIVE")) == [
        (["input", "version"], "CONFLICT")
    ]
    assert errors_of(await set_status(tenant, str(uuid.uuid4()), 1, "INACTIVE")) == [(["input", "id"], "NOT_FOUND")]
    row = await User.get(id=user["id"])
    assert (row.status, row.version, row.token_generation) == ("ACTIVE", version, 0)
    assert data_of(await tenant.gql(ME, token=await token_of(tenant, email)))["me"]["principalId"] == user["id"]


async def test_another_organizations_user_is_not_found(tenant, other_tenant):
    _, user = await active_user(other_tenant, ["ReadOnly"])
    payload = await set_status(tenant, user["id"], user["version"], "INACTIVE")
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert (await User.get(id=user["id"])).status == "ACTIVE"


async def test_only_a_user_manager_sets_a_status(tenant):
    _, user = await active_user(tenant, ["ReadOnly"])
    reader = await principal(tenant, managed=["ReadOnly"])
    result = await tenant.gql(
        UPDATE_USER, {"input": {"id": user["id"], "version": user["version"], "status": "INACTIVE"}}, token=reader
    )
    assert top_level_code(result) == "FORBIDDEN"
    assert (await User.get(id=user["id"])).status == "ACTIVE"


async def test_a_user_manager_cannot_reactivate_an_administrator(tenant):
    """Making a user ACTIVE gives their password back their policies: as for a key, the caller
    must hold all of those. Deactivating takes nothing from anybody, so a manager may."""
    _, admin = await active_user(tenant, ["Administrator"])
    manager_policy = await custom_policy(
        tenant, "user manager", [{"effect": "ALLOW", "action": ["users:manage", "config:retrieve"], "resource": ["*"]}]
    )
    manager = await principal(tenant, custom=[manager_policy])

    payload = await set_status(tenant, admin["id"], admin["version"], "INACTIVE", token=manager)
    assert payload["userErrors"] == []
    refused = await tenant.gql(
        UPDATE_USER, {"input": {"id": admin["id"], "version": admin["version"] + 1, "status": "ACTIVE"}}, token=manager
    )
    assert top_level_code(refused) == "FORBIDDEN"
    assert (await User.get(id=admin["id"])).status == "INACTIVE"

    # Someone holding everything may.
    payload = await set_status(tenant, admin["id"], admin["version"] + 1, "ACTIVE")
    assert (payload["userErrors"], payload["user"]["status"]) == ([], "ACTIVE")
