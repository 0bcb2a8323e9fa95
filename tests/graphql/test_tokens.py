"""`POST /oauth/token` and bearer tokens (SEMANTICS §2.3, CONTRACT §2–3)."""

from __future__ import annotations

import base64
import json
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import jwt
import pytest

from app.auth.tokens import issue_token
from app.models.access import AccessKey
from app.services import principals
from app.settings import get_settings
from tests.case_ids import case_id
from tests.conftest import TEST_SECRET_KEY, client_token, data_of

ME = "{ me { organizationId principalType principalId accessKeyId } }"
ERRORS = "userErrors { field code message }"
UPDATE_KEY = f"""mutation($input: UpdateAccessKeyInput!) {{
  updateAccessKey(input: $input) {{ accessKey {{ id version status }} {ERRORS} }}
}}"""
KEYS = "{ serviceUsers { nodes { id name accessKeys { nodes { id version accessKeyId status } } } } }"
POLICIES = "{ permissionPolicies { nodes { id name } } }"
CREATE_SERVICE_USER = f"""mutation($input: CreateServiceUserInput!) {{
  createServiceUser(input: $input) {{ serviceUser {{ id version }} {ERRORS} }}
}}"""
CREATE_KEY = f"""mutation($id: ID!) {{
  createAccessKey(input: {{serviceUserId: $id}}) {{ accessKey {{ id version accessKeyId }} apiSecret {ERRORS} }}
}}"""
DELETE_SERVICE_USER = (
    f"""mutation($input: DeleteInput!) {{ deleteServiceUser(input: $input) {{ deletedId {ERRORS} }} }}"""
)


def code_of(result: dict) -> str:
    assert result.get("errors"), result
    assert result["data"] is None or result["data"].get("me") is None
    return result["errors"][0]["extensions"]["code"]


async def graphql_with_header(client, authorization: str | bytes | None) -> dict:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.post("/graphql", json={"query": ME}, headers=headers)
    assert response.status_code in (200, 400), response.text
    return response.json()


async def robot(tenant, name: str = "robot", policy: str = "ReadOnly") -> dict:
    """A service user with one policy and one key: {id, keyUuid, accessKeyId, secret, token}."""
    policies = {p["name"]: p["id"] for p in data_of(await tenant.gql(POLICIES))["permissionPolicies"]["nodes"]}
    user = data_of(
        await tenant.gql(CREATE_SERVICE_USER, {"input": {"name": name, "permissionPolicyIds": [policies[policy]]}})
    )
    user_id = user["createServiceUser"]["serviceUser"]["id"]
    key = data_of(await tenant.gql(CREATE_KEY, {"id": user_id}))["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    assert response.status_code == 200, response.text
    return {
        "id": user_id,
        "keyUuid": key["accessKey"]["id"],
        "accessKeyId": key["accessKey"]["accessKeyId"],
        "secret": key["apiSecret"],
        "token": response.json()["access_token"],
    }


def _sign(payload: dict, key: str = TEST_SECRET_KEY, algorithm: str = "HS256") -> str:
    with warnings.catch_warnings():  # HS512 with the test key warns about its length
        warnings.simplefilter("ignore")
        return jwt.encode(payload, key, algorithm=algorithm)


def _claims(tenant_org: str, principal_id: str, key_id: str, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": "metergraph",
        "org": tenant_org,
        "typ": "SERVICE_USER",
        "sub": principal_id,
        "key": key_id,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


# -------------------------------------------------------------------- token endpoint


async def test_client_credentials_give_a_bearer_token(tenant, client):
    response = await client_token(client, tenant.access_key_id, tenant.api_secret)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 18000
    claims = jwt.decode(body["access_token"], TEST_SECRET_KEY, algorithms=["HS256"], issuer="metergraph")
    assert claims["exp"] - claims["iat"] == 18000
    assert claims["org"] == tenant.organization_id
    me = data_of(await tenant.gql(ME, token=body["access_token"]))["me"]
    assert me["organizationId"] == tenant.organization_id
    assert me["principalType"] == "SERVICE_USER"
    assert me["accessKeyId"] == tenant.access_key_id


async def test_wrong_secret_unknown_key_and_missing_auth_are_401(tenant, client):
    cases = [
        await client_token(client, tenant.access_key_id, tenant.api_secret + "x"),
        await client_token(client, tenant.access_key_id, tenant.api_secret[:-1]),
        await client_token(client, "0" * 24, tenant.api_secret),
        await client_token(client, tenant.access_key_id.lower(), tenant.api_secret),
        await client.post("/oauth/token", data={"grant_type": "client_credentials"}),
        await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Bearer " + tenant.token},
        ),
        await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic !!!not-base64!!!"},
        ),
        await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic " + base64.b64encode(tenant.access_key_id.encode()).decode()},
        ),
    ]
    for response in cases:
        assert response.status_code == 401, response.text
        body = response.json()
        assert set(body) == {"message"} and body["message"]
        assert "access_token" not in response.text
    # The wrong-secret and unknown-key answers are the same: no hint which key ids exist.
    assert cases[0].json() == cases[2].json()


async def test_grant_type_must_be_client_credentials(tenant, client):
    for data in ({"grant_type": "password"}, {"grant_type": "authorization_code"}, {}):
        response = await client.post("/oauth/token", auth=(tenant.access_key_id, tenant.api_secret), data=data)
        assert response.status_code == 400, response.text
        assert set(response.json()) == {"message"}
    # JSON bodies are accepted too (some m3ter clients send them).
    response = await client.post(
        "/oauth/token", auth=(tenant.access_key_id, tenant.api_secret), json={"grant_type": "client_credentials"}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    # A media type ignores case: this was read as a form body (400).
    response = await client.post(
        "/oauth/token",
        auth=(tenant.access_key_id, tenant.api_secret),
        content='{"grant_type": "client_credentials"}',
        headers={"Content-Type": "Application/JSON; charset=UTF-8"},
    )
    assert response.status_code == 200, response.text


# ----------------------------------------------------------------- inactive keys


async def test_inactive_key_gets_no_token_and_its_tokens_stop_at_once(tenant, client):
    bot = await robot(tenant)
    assert data_of(await tenant.gql(ME, token=bot["token"]))["me"]["principalId"] == bot["id"]

    payload = data_of(
        await tenant.gql(UPDATE_KEY, {"input": {"id": bot["keyUuid"], "version": 1, "status": "INACTIVE"}})
    )
    assert payload["updateAccessKey"]["accessKey"] == {"id": bot["keyUuid"], "version": 2, "status": "INACTIVE"}

    refused = await client_token(client, bot["accessKeyId"], bot["secret"])
    assert refused.status_code == 401
    assert set(refused.json()) == {"message"}
    # This process dropped its cached principal: the old token is refused immediately.
    assert code_of(await tenant.gql(ME, token=bot["token"])) == "UNAUTHENTICATED"
    # The organization's other keys are unaffected.
    assert data_of(await tenant.gql(ME))["me"]["accessKeyId"] == tenant.access_key_id

    listed = data_of(await tenant.gql(KEYS))["serviceUsers"]["nodes"]
    assert [k["status"] for u in listed if u["id"] == bot["id"] for k in u["accessKeys"]["nodes"]] == ["INACTIVE"]

    # Made ACTIVE again, the secret obtains new tokens; the ones from before stay revoked.
    payload = data_of(await tenant.gql(UPDATE_KEY, {"input": {"id": bot["keyUuid"], "version": 2, "status": "ACTIVE"}}))
    assert payload["updateAccessKey"]["userErrors"] == []
    renewed = await client_token(client, bot["accessKeyId"], bot["secret"])
    assert renewed.status_code == 200
    assert data_of(await tenant.gql(ME, token=renewed.json()["access_token"]))["me"]["principalId"] == bot["id"]
    assert code_of(await tenant.gql(ME, token=bot["token"])) == "UNAUTHENTICATED"


async def test_a_key_reactivated_by_another_process_does_not_revive_its_old_tokens(tenant, client, monkeypatch):
    """Deactivated and made ACTIVE again elsewhere (straight in the database, so this process
    keeps its cached principal until it expires): once read again, the raised generation
    refuses the old token although the key is ACTIVE."""
    bot = await robot(tenant)
    assert data_of(await tenant.gql(ME, token=bot["token"]))["me"]["principalId"] == bot["id"]  # now cached
    key = await AccessKey.get(access_key_id=bot["accessKeyId"])
    await AccessKey.filter(id=key.id).update(token_generation=key.token_generation + 1, version=key.version + 2)

    real_monotonic = time.monotonic
    monkeypatch.setattr(principals, "time", SimpleNamespace(monotonic=lambda: real_monotonic() + 31))
    assert code_of(await tenant.gql(ME, token=bot["token"])) == "UNAUTHENTICATED"
    renewed = await client_token(client, bot["accessKeyId"], bot["secret"])
    assert data_of(await tenant.gql(ME, token=renewed.json()["access_token"]))["me"]["principalId"] == bot["id"]


async def test_key_deactivated_elsewhere_stops_working_within_the_cache_bound(tenant, client, monkeypatch):
    """Another process deactivated the key (here: straight in the database, so this
    process's cache is not dropped). The token keeps working only until the cached
    principal expires, which is well inside the 60 s of SEMANTICS §2.3."""
    assert get_settings().principal_cache_seconds <= 60
    bot = await robot(tenant)
    assert data_of(await tenant.gql(ME, token=bot["token"]))["me"]["principalId"] == bot["id"]  # now cached

    updated = await AccessKey.filter(access_key_id=bot["accessKeyId"]).update(status="INACTIVE", version=2)
    assert updated == 1
    # New tokens are refused at once (the endpoint reads the database)...
    assert (await client_token(client, bot["accessKeyId"], bot["secret"])).status_code == 401
    # ...but the cached principal still serves the old token for a while.
    assert data_of(await tenant.gql(ME, token=bot["token"]))["me"]["principalId"] == bot["id"]

    real_monotonic = time.monotonic
    monkeypatch.setattr(principals, "time", SimpleNamespace(monotonic=lambda: real_monotonic() + 20))
    assert data_of(await tenant.gql(ME, token=bot["token"]))["me"]["principalId"] == bot["id"]

    monkeypatch.setattr(principals, "time", SimpleNamespace(monotonic=lambda: real_monotonic() + 31))
    assert code_of(await tenant.gql(ME, token=bot["token"])) == "UNAUTHENTICATED"
    # Other principals of the organization keep working after their own refresh.
    assert data_of(await tenant.gql(ME))["me"]["accessKeyId"] == tenant.access_key_id


# ------------------------------------------------------------------- bad tokens


async def _admin_identity(tenant) -> tuple[str, str]:
    me = data_of(await tenant.gql(ME))["me"]
    return me["principalId"], me["accessKeyId"]


async def test_expired_token_is_unauthenticated(tenant):
    principal_id, key_id = await _admin_identity(tenant)
    now = datetime.now(UTC)

    def token(issued: datetime, lifetime: int) -> str:
        return issue_token(
            TEST_SECRET_KEY,
            organization_id=uuid.UUID(tenant.organization_id),
            principal_type="SERVICE_USER",
            principal_id=uuid.UUID(principal_id),
            access_key_id=key_id,
            now=issued,
            lifetime_seconds=lifetime,
            generation=0,
        )

    # The same claims minus the time are accepted, so only the expiry is being tested.
    assert data_of(await tenant.gql(ME, token=token(now, 60)))["me"]["principalId"] == principal_id
    for issued, lifetime in ((now - timedelta(hours=6), 18000), (now - timedelta(seconds=120), 60)):
        result = await tenant.gql(ME, token=token(issued, lifetime))
        assert code_of(result) == "UNAUTHENTICATED"


async def test_tampered_or_foreign_tokens_are_unauthenticated(tenant, other_tenant):
    principal_id, key_id = await _admin_identity(tenant)
    head, payload, signature = tenant.token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    claims = _claims(tenant.organization_id, principal_id, key_id)
    # Control. It has no `gen` claim, like the tokens issued before it existed: read as 0.
    assert data_of(await tenant.gql(ME, token=_sign(claims)))["me"]["principalId"] == principal_id
    assert data_of(await tenant.gql(ME, token=_sign({**claims, "gen": 0})))["me"]["principalId"] == principal_id

    # Claims edited without re-signing: point the admin's token at the other organization.
    forged_payload = (
        base64.urlsafe_b64encode(
            json.dumps(
                {**jwt.decode(tenant.token, options={"verify_signature": False}), "org": other_tenant.organization_id}
            ).encode()
        )
        .decode()
        .rstrip("=")
    )
    bad_tokens = {
        "flipped signature": f"{head}.{payload}.{flipped}",
        "no signature": f"{head}.{payload}.",
        "edited claims": f"{head}.{forged_payload}.{signature}",
        "other key": _sign(claims, key="another-secret-key-" + "y" * 32),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "HS512": _sign(claims, algorithm="HS512"),
        "wrong issuer": _sign({**claims, "iss": "someone-else"}),
        "no exp": _sign(_claims(tenant.organization_id, principal_id, key_id, exp=None)),
        "other organization": _sign({**claims, "org": other_tenant.organization_id}),
        "unknown principal": _sign({**claims, "sub": str(uuid.uuid4())}),
        "unknown key": _sign({**claims, "key": "F" * 24}),
        "no key": _sign({**claims, "key": None}),
        "user type for a service user": _sign({**claims, "typ": "USER", "key": None}),
        "unknown type": _sign({**claims, "typ": "ROBOT"}),
        "not a uuid": _sign({**claims, "sub": "admin"}),
        "another generation": _sign({**claims, "gen": 1}),
        "generation as text": _sign({**claims, "gen": "0"}),
        "generation as bool": _sign({**claims, "gen": False}),
        "generation as float": _sign({**claims, "gen": 0.0}),
    }
    for name, token in bad_tokens.items():
        result = await tenant.gql(ME, token=token)
        assert result.get("errors") and code_of(result) == "UNAUTHENTICATED", name
    # The genuine token still works after all that.
    assert data_of(await tenant.gql(ME))["me"]["principalId"] == principal_id


async def test_token_of_deleted_service_user_is_unauthenticated(tenant, client):
    bot = await robot(tenant, policy="Administrator")
    assert data_of(await tenant.gql(ME, token=bot["token"]))["me"]["principalId"] == bot["id"]
    deleted = data_of(await tenant.gql(DELETE_SERVICE_USER, {"input": {"id": bot["id"], "version": 1}}))[
        "deleteServiceUser"
    ]
    assert deleted == {"deletedId": bot["id"], "userErrors": []}
    assert code_of(await tenant.gql(ME, token=bot["token"])) == "UNAUTHENTICATED"
    assert (await client_token(client, bot["accessKeyId"], bot["secret"])).status_code == 401
    assert await AccessKey.filter(access_key_id=bot["accessKeyId"]).count() == 0


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Bearer a.b.c",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "garbage",
        "Bearer \u00e9\u00e9\u00e9".encode("latin-1"),
    ],
    ids=case_id,
)
async def test_missing_or_garbage_authorization_is_unauthenticated(client, authorization):
    result = await graphql_with_header(client, authorization)
    assert code_of(result) == "UNAUTHENTICATED"
    assert result["data"] is None


async def test_public_fields_work_without_a_token_but_nothing_else(tenant, client):
    # login is public: a wrong password says UNAUTHENTICATED, not "no token".
    result = await tenant.gql(
        'mutation { login(email: "nobody@example.com", password: "whatever-long") { token } }', token=""
    )
    assert code_of(result) == "UNAUTHENTICATED"
    result = await tenant.gql(
        (
            'mutation { acceptInvitation(token: "nope", password: "long enough!") { user { id } '
            "userErrors { field code } } }"
        ),
        token="",
    )
    assert data_of(result)["acceptInvitation"] == {
        "user": None,
        "userErrors": [{"field": ["token"], "code": "INVALID"}],
    }
    for query in (
        "{ organizationConfig { version } }",
        "{ currencies { totalCount } }",
        'mutation { createCurrency(input: {code: "XXX", name: "x"}) { currency { id } } }',
    ):
        assert code_of(await tenant.gql(query, token="")) == "UNAUTHENTICATED"
