"""Users, service users, access keys and permission policies through GraphQL (SEMANTICS §2.3,
CONTRACT §3)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC

import pytest

from app.models.access import AccessKey, PermissionPolicy, User
from tests.conftest import client_token, data_of

ERRORS = "userErrors { field code message }"
POLICY_FIELDS = "id version name managed statements { effect action resource }"

INVITE = f"""mutation($input: InviteUserInput!) {{
  inviteUser(input: $input) {{ user {{ id version email firstName lastName status }} invitationToken {ERRORS} }}
}}"""
ACCEPT = f"""mutation($token: String!, $password: String!) {{
  acceptInvitation(token: $token, password: $password) {{ user {{ id email status version }} {ERRORS} }}
}}"""
LOGIN = f"""mutation($email: String!, $password: String!, $org: ID) {{
  login(email: $email, password: $password, organizationId: $org) {{ token expiresIn {ERRORS} }}
}}"""
CREATE_SERVICE_USER = f"""mutation($input: CreateServiceUserInput!) {{
  createServiceUser(input: $input) {{
    serviceUser {{ id version name description permissionPolicies {{ id name }} }} {ERRORS}
  }}
}}"""
CREATE_KEY = f"""mutation($id: ID!) {{
  createAccessKey(input: {{serviceUserId: $id}}) {{ accessKey {{ id version accessKeyId status dtCreated }} apiSecret
    {ERRORS} }}
}}"""
UPDATE_KEY = f"""mutation($input: UpdateAccessKeyInput!) {{
  updateAccessKey(input: $input) {{ accessKey {{ id version accessKeyId status }} {ERRORS} }}
}}"""
SERVICE_USERS = """query($first: Int, $after: String) {
  serviceUsers(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id version name description dtCreated permissionPolicies { id name managed }
      accessKeys { totalCount nodes { id version accessKeyId status dtCreated } edges { cursor node { accessKeyId } }
        } }
  }
}"""
USERS = "{ users { totalCount nodes { id version email firstName lastName status permissionPolicies { id name } } } }"
POLICIES = f"{{ permissionPolicies(first: 100) {{ totalCount nodes {{ {POLICY_FIELDS} }} }} }}"
CREATE_POLICY = f"""mutation($input: CreatePermissionPolicyInput!) {{
  createPermissionPolicy(input: $input) {{ permissionPolicy {{ {POLICY_FIELDS} }} {ERRORS} }}
}}"""
UPDATE_POLICY = f"""mutation($input: UpdatePermissionPolicyInput!) {{
  updatePermissionPolicy(input: $input) {{ permissionPolicy {{ {POLICY_FIELDS} }} {ERRORS} }}
}}"""
DELETE_POLICY = f"""mutation($input: DeleteInput!) {{
  deletePermissionPolicy(input: $input) {{ deletedId {ERRORS} }}
}}"""
ATTACH = f"""mutation($input: PolicyAttachmentInput!) {{
  attachPermissionPolicy(input: $input) {{ permissionPolicy {{ id name }} {ERRORS} }}
}}"""
DETACH = f"""mutation($input: PolicyAttachmentInput!) {{
  detachPermissionPolicy(input: $input) {{ permissionPolicy {{ id name }} {ERRORS} }}
}}"""
CREATE_CURRENCY = f"""mutation($code: String!) {{
  createCurrency(input: {{code: $code, name: $code}}) {{ currency {{ id code }} {ERRORS} }}
}}"""
UPDATE_CONFIG = f"""mutation($version: Int!) {{
  updateOrganizationConfig(input: {{version: $version, daysBeforeBillDue: 14}}) {{ organizationConfig {{ version }}
    {ERRORS} }}
}}"""
ME = "{ me { organizationId principalType principalId accessKeyId } }"
CONFIG_PROBE = "{ organizationConfig { version } }"

PASSWORD = "correct horse battery staple"
URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def unique_email(prefix: str = "user") -> str:
    # Emails are global for login (no organization given), so every test uses its own.
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.com"


def errors_of(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def top_level_code(result: dict) -> str:
    assert result.get("errors"), result
    return result["errors"][0]["extensions"]["code"]


async def policy_ids(tenant) -> dict[str, str]:
    nodes = data_of(await tenant.gql(POLICIES))["permissionPolicies"]["nodes"]
    return {p["name"]: p["id"] for p in nodes}


async def create_service_user(tenant, name: str, policies: list[str] = ()) -> dict:
    ids = await policy_ids(tenant)
    payload = data_of(
        await tenant.gql(
            CREATE_SERVICE_USER, {"input": {"name": name, "permissionPolicyIds": [ids[p] for p in policies]}}
        )
    )
    assert payload["createServiceUser"]["userErrors"] == [], payload
    return payload["createServiceUser"]["serviceUser"]


async def create_key(tenant, service_user_id: str) -> dict:
    payload = data_of(await tenant.gql(CREATE_KEY, {"id": service_user_id}))["createAccessKey"]
    assert payload["userErrors"] == [], payload
    return payload


async def token_for(tenant, service_user_id: str) -> str:
    key = await create_key(tenant, service_user_id)
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def invite(tenant, email: str, policies: list[str] = (), **names) -> dict:
    ids = await policy_ids(tenant)
    variables = {
        "input": {
            "email": email,
            "firstName": names.get("first", "Ada"),
            "lastName": names.get("last", "Lovelace"),
            "permissionPolicyIds": [ids[p] for p in policies],
        }
    }
    return data_of(await tenant.gql(INVITE, variables))["inviteUser"]


async def accept(tenant, token: str, password: str) -> dict:
    return data_of(await tenant.gql(ACCEPT, {"token": token, "password": password}, token=""))["acceptInvitation"]


async def login(tenant, email: str, password: str, org: str | None = None) -> dict:
    return await tenant.gql(LOGIN, {"email": email, "password": password, "org": org}, token="")


# ----------------------------------------------------------------------------- users


@pytest.fixture
async def invited_reader(tenant) -> tuple[str, dict]:
    """A user "Ada" invited with the ReadOnly policy, not yet accepted: (email, invitation payload)."""
    email = unique_email("ada")
    return email, await invite(tenant, email, ["ReadOnly"])


@pytest.fixture
async def reader(tenant, invited_reader) -> tuple[str, dict]:
    """The invited ReadOnly user, accepted: (email, the user as invited)."""
    email, invited = invited_reader
    await accept(tenant, invited["invitationToken"], PASSWORD)
    return email, invited["user"]


async def test_an_invited_user_is_invited_with_a_url_safe_token(invited_reader):
    # given a user invited by email with a policy
    email, invited = invited_reader
    # then it is INVITED at version 1, with a long URL-safe invitation token
    assert invited["userErrors"] == []
    user = invited["user"]
    assert (user["email"], user["firstName"], user["lastName"], user["status"], user["version"]) == (
        email,
        "Ada",
        "Lovelace",
        "INVITED",
        1,
    )
    token = invited["invitationToken"]
    assert len(token) >= 43 and URLSAFE.fullmatch(token)


async def test_an_invited_user_cannot_log_in_before_accepting(tenant, invited_reader):
    # given an invited user who has not accepted
    email, _ = invited_reader
    # when it logs in, then it is not authenticated
    assert top_level_code(await login(tenant, email, PASSWORD)) == "UNAUTHENTICATED"


async def test_accepting_activates_the_user_and_stores_only_a_slow_hash(tenant, invited_reader):
    # given an invited user
    _, invited = invited_reader
    user = invited["user"]
    # when it accepts with a password
    accepted = await accept(tenant, invited["invitationToken"], PASSWORD)
    # then it is ACTIVE at version 2, and the password is stored only as a slow salted hash
    assert accepted["userErrors"] == []
    assert accepted["user"]["id"] == user["id"]
    assert accepted["user"]["status"] == "ACTIVE"
    assert accepted["user"]["version"] == 2
    row = await User.get(id=user["id"])
    assert row.password_hash != PASSWORD and PASSWORD not in row.password_hash
    assert row.password_hash.startswith("$argon2id$")
    assert row.invitation_token_hash is None


async def test_an_invitation_is_accepted_once(tenant, invited_reader, reader):
    # given an invitation already accepted
    email, invited = invited_reader
    # when the same token is accepted again with another password
    again = await accept(tenant, invited["invitationToken"], "another long password")
    # then it is refused and changes nothing
    assert again["user"] is None
    assert errors_of(again) == [(["token"], "INVALID")]
    assert top_level_code(await login(tenant, email, "another long password")) == "UNAUTHENTICATED"


async def test_an_accepted_user_logs_in_by_email_in_any_case(tenant, reader):
    # given an accepted user
    email, user = reader
    # when it logs in with its email in capitals
    logged_in = data_of(await login(tenant, email.upper(), PASSWORD))["login"]
    # then it gets a token for five hours, in which it is that user
    assert logged_in["userErrors"] == []
    assert logged_in["expiresIn"] == 18000
    me = data_of(await tenant.gql(ME, token=logged_in["token"]))["me"]
    assert me == {
        "organizationId": tenant.organization_id,
        "principalType": "USER",
        "principalId": user["id"],
        "accessKeyId": None,
    }


async def test_a_read_only_user_reads_but_cannot_write(tenant, reader):
    # given a logged-in user with the ReadOnly policy
    email, _ = reader
    user_token = data_of(await login(tenant, email, PASSWORD))["login"]["token"]
    # when it reads, then writes
    config = data_of(await tenant.gql("{ organizationConfig { version daysBeforeBillDue } }", token=user_token))[
        "organizationConfig"
    ]
    # then reads work, writes are FORBIDDEN and change nothing
    assert config == {"version": 1, "daysBeforeBillDue": 30}
    assert top_level_code(await tenant.gql(UPDATE_CONFIG, {"version": 1}, token=user_token)) == "FORBIDDEN"
    assert top_level_code(await tenant.gql(CREATE_CURRENCY, {"code": "NOPE"}, token=user_token)) == "FORBIDDEN"
    assert (
        top_level_code(
            await tenant.gql(
                INVITE, {"input": {"email": unique_email(), "firstName": "a", "lastName": "b"}}, token=user_token
            )
        )
        == "FORBIDDEN"
    )
    config = data_of(await tenant.gql("{ organizationConfig { version daysBeforeBillDue } }"))["organizationConfig"]
    assert config == {"version": 1, "daysBeforeBillDue": 30}


async def test_user_invited_with_administrator_can_write(tenant):
    email = unique_email("admin")
    invited = await invite(tenant, email, ["Administrator"])
    await accept(tenant, invited["invitationToken"], PASSWORD)
    user_token = data_of(await login(tenant, email, PASSWORD, tenant.organization_id))["login"]["token"]
    payload = data_of(await tenant.gql(UPDATE_CONFIG, {"version": 1}, token=user_token))["updateOrganizationConfig"]
    assert payload["userErrors"] == []
    assert payload["organizationConfig"]["version"] == 2


async def test_user_without_policies_is_forbidden(tenant):
    email = unique_email("nobody")
    invited = await invite(tenant, email)
    await accept(tenant, invited["invitationToken"], PASSWORD)
    user_token = data_of(await login(tenant, email, PASSWORD))["login"]["token"]
    assert top_level_code(await tenant.gql(CONFIG_PROBE, token=user_token)) == "FORBIDDEN"
    # `me` needs only authentication: a caller without policies may still ask who it is.
    assert data_of(await tenant.gql(ME, token=user_token))["me"]["principalType"] == "USER"
    assert top_level_code(await tenant.gql("{ organizationConfig { version } }", token=user_token)) == "FORBIDDEN"


async def test_short_password_refused_and_invitation_still_usable(tenant):
    email = unique_email("short")
    invited = await invite(tenant, email)
    short = await accept(tenant, invited["invitationToken"], "123456789")  # 9 characters
    assert short["user"] is None
    assert errors_of(short) == [(["password"], "INVALID")]
    assert (await User.get(id=invited["user"]["id"])).status == "INVITED"
    ok = await accept(tenant, invited["invitationToken"], "1234567890")  # exactly 10
    assert ok["userErrors"] == []
    assert ok["user"]["status"] == "ACTIVE"


async def test_unknown_invitation_token_refused(tenant):
    payload = await accept(tenant, "not-a-real-invitation-token", PASSWORD)
    assert payload["user"] is None
    assert errors_of(payload) == [(["token"], "INVALID")]


async def test_login_with_wrong_password_or_unknown_email_is_unauthenticated(tenant):
    email = unique_email("wrong")
    invited = await invite(tenant, email)
    await accept(tenant, invited["invitationToken"], PASSWORD)
    results = [
        await login(tenant, email, PASSWORD + "x"),
        await login(tenant, email, ""),
        await login(tenant, unique_email("ghost"), PASSWORD),
        await login(tenant, email, PASSWORD, str(uuid.uuid4())),  # right password, other organization
    ]
    for result in results:
        assert top_level_code(result) == "UNAUTHENTICATED"
        assert result["data"] is None
    # One message for all: it does not reveal which emails exist.
    assert len({r["errors"][0]["message"] for r in results}) == 1
    assert data_of(await login(tenant, email, PASSWORD))["login"]["token"]


async def test_duplicate_email_refused(tenant):
    email = unique_email("dup")
    assert (await invite(tenant, email))["userErrors"] == []
    for variant in (email, email.upper(), f"  {email} "):
        payload = await invite(tenant, variant)
        assert payload["user"] is None and payload["invitationToken"] is None
        assert errors_of(payload) == [(["input", "email"], "DUPLICATE")]
    users = data_of(await tenant.gql(USERS))["users"]
    assert [u["email"] for u in users["nodes"]] == [email]
    assert users["totalCount"] == 1


async def test_invalid_invite_input_reports_every_problem(tenant):
    for bad in ("not-an-email", "a@b", "two@@example.com", "spaces in@example.com", ""):
        payload = await invite(tenant, bad)
        assert payload["user"] is None
        assert errors_of(payload) == [(["input", "email"], "INVALID")], bad
    ids = await policy_ids(tenant)
    missing = str(uuid.uuid4())
    payload = data_of(
        await tenant.gql(
            INVITE,
            {
                "input": {
                    "email": "x",
                    "firstName": "",
                    "lastName": "L",
                    "permissionPolicyIds": [ids["ReadOnly"], missing],
                }
            },
        )
    )["inviteUser"]
    assert sorted(errors_of(payload)) == sorted(
        [
            (["input", "email"], "INVALID"),
            (["input", "firstName"], "INVALID"),
            (["input", "permissionPolicyIds", "1"], "NOT_FOUND"),
        ]
    )
    assert data_of(await tenant.gql(USERS))["users"]["totalCount"] == 0


async def test_users_query_lists_users_with_their_policies(tenant):
    a, b = unique_email("a"), unique_email("b")
    await invite(tenant, a, ["ReadOnly", "IngestOnly"])
    await invite(tenant, b)
    users = data_of(await tenant.gql(USERS))["users"]
    assert users["totalCount"] == 2
    by_email = {u["email"]: u for u in users["nodes"]}
    assert sorted(p["name"] for p in by_email[a]["permissionPolicies"]) == ["IngestOnly", "ReadOnly"]
    assert by_email[b]["permissionPolicies"] == []
    assert {u["status"] for u in users["nodes"]} == {"INVITED"}


# --------------------------------------------------------------------- service users


async def test_a_service_user_is_created_with_its_policies(tenant):
    # when a service user is created with the ReadOnly policy
    reader = await create_service_user(tenant, "reader", ["ReadOnly"])
    # then it is at version 1 and holds the policy
    assert reader["version"] == 1
    assert [p["name"] for p in reader["permissionPolicies"]] == ["ReadOnly"]


async def test_a_service_user_name_is_unique(tenant):
    # given a service user "reader"
    await create_service_user(tenant, "reader", ["ReadOnly"])
    # when another is created with that name
    duplicate = data_of(await tenant.gql(CREATE_SERVICE_USER, {"input": {"name": "reader"}}))["createServiceUser"]
    # then it is a duplicate and none is created
    assert duplicate["serviceUser"] is None
    assert errors_of(duplicate) == [(["input", "name"], "DUPLICATE")]


async def test_a_bad_service_user_input_is_refused_at_every_path(tenant):
    # when a service user is created with an empty name, a long description and an unknown policy
    bad = data_of(
        await tenant.gql(
            CREATE_SERVICE_USER,
            {"input": {"name": "", "description": "d" * 201, "permissionPolicyIds": [str(uuid.uuid4())]}},
        )
    )["createServiceUser"]
    # then each is reported at its path
    assert sorted(errors_of(bad)) == sorted(
        [
            (["input", "name"], "INVALID"),
            (["input", "description"], "INVALID"),
            (["input", "permissionPolicyIds", "0"], "NOT_FOUND"),
        ]
    )


@pytest.fixture
async def service_users(tenant) -> tuple[dict, dict]:
    """Service users "reader" (no key) and "ingest" (two keys), beside the bootstrap admin: the two keys."""
    await create_service_user(tenant, "reader", ["ReadOnly"])
    ingest = await create_service_user(tenant, "ingest", ["IngestOnly"])
    return await create_key(tenant, ingest["id"]), await create_key(tenant, ingest["id"])


async def test_service_users_are_listed_with_their_policies_and_keys(tenant, service_users):
    # given the bootstrap admin, "reader" and "ingest" with two keys
    first_key, second_key = service_users
    # when they are listed
    listed = data_of(await tenant.gql(SERVICE_USERS))["serviceUsers"]
    # then each shows its policies and its keys in the order they were made
    assert listed["totalCount"] == 3  # the bootstrap admin, reader, ingest
    by_name = {n["name"]: n for n in listed["nodes"]}
    assert sorted(by_name) == ["admin", "ingest", "reader"]
    assert [p["name"] for p in by_name["admin"]["permissionPolicies"]] == ["Administrator"]
    assert by_name["admin"]["accessKeys"]["totalCount"] == 1
    assert by_name["admin"]["accessKeys"]["nodes"][0]["accessKeyId"] == tenant.access_key_id
    assert by_name["reader"]["accessKeys"]["totalCount"] == 0
    keys = by_name["ingest"]["accessKeys"]
    assert keys["totalCount"] == 2
    assert [k["accessKeyId"] for k in keys["nodes"]] == [
        first_key["accessKey"]["accessKeyId"],
        second_key["accessKey"]["accessKeyId"],
    ]
    assert {k["status"] for k in keys["nodes"]} == {"ACTIVE"}


async def test_service_users_are_paged_by_name(tenant, service_users):
    # given three service users
    # when they are listed two at a time
    page = data_of(await tenant.gql(SERVICE_USERS, {"first": 2}))["serviceUsers"]
    rest = data_of(await tenant.gql(SERVICE_USERS, {"first": 2, "after": page["pageInfo"]["endCursor"]}))[
        "serviceUsers"
    ]
    # then the pages follow their names
    assert [n["name"] for n in page["nodes"]] == ["admin", "ingest"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [n["name"] for n in rest["nodes"]] == ["reader"]
    assert rest["pageInfo"]["hasNextPage"] is False


# ---------------------------------------------------------------------- access keys


async def test_access_key_secret_is_random_shown_once_and_stored_hashed(tenant):
    robot = await create_service_user(tenant, "robot", ["ReadOnly"])
    issued = await create_key(tenant, robot["id"])
    other = await create_key(tenant, robot["id"])
    secret = issued["apiSecret"]
    assert len(secret) >= 43 and URLSAFE.fullmatch(secret)  # 32 random bytes, url-safe base64
    assert secret != other["apiSecret"]
    assert issued["accessKey"]["accessKeyId"] != other["accessKey"]["accessKeyId"]
    assert issued["accessKey"]["status"] == "ACTIVE" and issued["accessKey"]["version"] == 1

    row = await AccessKey.get(access_key_id=issued["accessKey"]["accessKeyId"])
    assert str(row.id) == issued["accessKey"]["id"]
    assert str(row.service_user_id) == robot["id"]
    assert row.secret_hash != secret
    assert secret not in row.secret_hash
    assert len(row.secret_hash) == 64  # an HMAC-SHA256 hex digest

    # The key works, and says so in `me`.
    response = await client_token(tenant.client, issued["accessKey"]["accessKeyId"], secret)
    assert response.status_code == 200
    me = data_of(await tenant.gql(ME, token=response.json()["access_token"]))["me"]
    assert me == {
        "organizationId": tenant.organization_id,
        "principalType": "SERVICE_USER",
        "principalId": robot["id"],
        "accessKeyId": issued["accessKey"]["accessKeyId"],
    }

    # Never shown again: not in any list, not after an update.
    listed = data_of(await tenant.gql(SERVICE_USERS))
    updated = data_of(
        await tenant.gql(UPDATE_KEY, {"input": {"id": issued["accessKey"]["id"], "version": 1, "status": "INACTIVE"}})
    )
    assert updated["updateAccessKey"]["accessKey"]["status"] == "INACTIVE"
    for result in (listed, updated, data_of(await tenant.gql(USERS)), data_of(await tenant.gql(POLICIES))):
        text = json.dumps(result)
        assert secret not in text
        assert row.secret_hash not in text


async def test_access_key_for_unknown_service_user_refused(tenant):
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        payload = data_of(await tenant.gql(CREATE_KEY, {"id": bad}))["createAccessKey"]
        assert payload["accessKey"] is None and payload["apiSecret"] is None
        assert errors_of(payload) == [(["input", "serviceUserId"], "NOT_FOUND")]


async def test_update_access_key_version_checked(tenant):
    robot = await create_service_user(tenant, "robot")
    key = (await create_key(tenant, robot["id"]))["accessKey"]
    stale = data_of(await tenant.gql(UPDATE_KEY, {"input": {"id": key["id"], "version": 7, "status": "INACTIVE"}}))[
        "updateAccessKey"
    ]
    assert stale["accessKey"] is None
    assert errors_of(stale) == [(["input", "version"], "CONFLICT")]
    assert (await AccessKey.get(id=key["id"])).status == "ACTIVE"
    missing = data_of(
        await tenant.gql(UPDATE_KEY, {"input": {"id": str(uuid.uuid4()), "version": 1, "status": "INACTIVE"}})
    )["updateAccessKey"]
    assert errors_of(missing) == [(["input", "id"], "NOT_FOUND")]


# ------------------------------------------------------------------------- policies


async def test_custom_policy_created_with_normalized_statements(tenant):
    payload = data_of(
        await tenant.gql(
            CREATE_POLICY,
            {
                "input": {
                    "name": "Currency admin",
                    "statements": [
                        {
                            "effect": "ALLOW",
                            "action": ["CONFIG_CREATE", "config:retrieve"],
                            "resource": ["config:currency/*"],
                        },
                        {"effect": "DENY", "action": ["config:delete"], "resource": ["config:currency/item/abc-123"]},
                    ],
                }
            },
        )
    )["createPermissionPolicy"]
    assert payload["userErrors"] == []
    policy = payload["permissionPolicy"]
    assert (policy["name"], policy["managed"], policy["version"]) == ("Currency admin", False, 1)
    assert policy["statements"] == [
        {"effect": "ALLOW", "action": ["config:create", "config:retrieve"], "resource": ["config:currency/*"]},
        {"effect": "DENY", "action": ["config:delete"], "resource": ["config:currency/item/abc-123"]},
    ]
    listed = data_of(await tenant.gql(POLICIES))["permissionPolicies"]
    assert listed["totalCount"] == 4
    assert sorted(p["name"] for p in listed["nodes"]) == ["Administrator", "Currency admin", "IngestOnly", "ReadOnly"]

    duplicate = data_of(
        await tenant.gql(
            CREATE_POLICY,
            {
                "input": {
                    "name": "Currency admin",
                    "statements": [{"effect": "ALLOW", "action": ["*"], "resource": ["*"]}],
                }
            },
        )
    )["createPermissionPolicy"]
    assert errors_of(duplicate) == [(["input", "name"], "DUPLICATE")]
    managed_name = data_of(
        await tenant.gql(
            CREATE_POLICY,
            {
                "input": {
                    "name": "Administrator",
                    "statements": [{"effect": "ALLOW", "action": ["*"], "resource": ["*"]}],
                }
            },
        )
    )["createPermissionPolicy"]
    assert errors_of(managed_name) == [(["input", "name"], "DUPLICATE")]


async def test_bad_statements_refused_with_paths(tenant):
    payload = data_of(
        await tenant.gql(
            CREATE_POLICY,
            {
                "input": {
                    "name": "Broken",
                    "statements": [
                        {"effect": "ALLOW", "action": ["config:destroy"], "resource": ["config:meter/*"]},
                        {
                            "effect": "ALLOW",
                            "action": ["config:retrieve", "config:create"],
                            "resource": ["config:meter/item/*", "nope:meter"],
                        },
                        {"effect": "MAYBE", "action": ["*"], "resource": ["*"]},
                        {"effect": "DENY", "action": [], "resource": [" *"]},
                    ],
                }
            },
        )
    )["createPermissionPolicy"]
    assert payload["permissionPolicy"] is None
    assert sorted(errors_of(payload)) == sorted(
        [
            (["input", "statements", "0", "action", "0"], "INVALID"),
            (["input", "statements", "1", "resource", "1"], "INVALID"),
            (["input", "statements", "2", "effect"], "INVALID"),
            (["input", "statements", "3", "action"], "INVALID"),
            (["input", "statements", "3", "resource", "0"], "INVALID"),
        ]
    )
    assert all(e["message"] for e in payload["userErrors"])

    empty = data_of(await tenant.gql(CREATE_POLICY, {"input": {"name": "Empty", "statements": []}}))[
        "createPermissionPolicy"
    ]
    assert errors_of(empty) == [(["input", "statements"], "REQUIRED")]
    assert "Broken" not in await policy_ids(tenant) and "Empty" not in await policy_ids(tenant)


async def test_managed_policies_cannot_be_changed(tenant):
    ids = await policy_ids(tenant)
    for name in ("Administrator", "ReadOnly", "IngestOnly"):
        updated = data_of(
            await tenant.gql(
                UPDATE_POLICY,
                {
                    "input": {
                        "id": ids[name],
                        "version": 1,
                        "name": "Mine",
                        "statements": [{"effect": "ALLOW", "action": ["*"], "resource": ["*"]}],
                    }
                },
            )
        )["updatePermissionPolicy"]
        assert updated["permissionPolicy"] is None
        assert errors_of(updated) == [(["input", "id"], "INVALID_STATE")]
        deleted = data_of(await tenant.gql(DELETE_POLICY, {"input": {"id": ids[name], "version": 1}}))[
            "deletePermissionPolicy"
        ]
        assert deleted["deletedId"] is None
        assert errors_of(deleted) == [(["input", "id"], "INVALID_STATE")]
    rows = {p.name: p for p in await PermissionPolicy.filter(organization_id=tenant.organization_id, managed=True)}
    assert sorted(rows) == ["Administrator", "IngestOnly", "ReadOnly"]
    assert {p.version for p in rows.values()} == {1}
    assert rows["ReadOnly"].statements == [
        {"effect": "ALLOW", "action": ["config:retrieve", "measurements:retrieve"], "resource": ["*"]}
    ]


RENAMED_STATEMENTS = [
    {"effect": "ALLOW", "action": ["config:create", "config:retrieve"], "resource": ["config:currency"]}
]


class Currencies:
    """A policy letting its holder create currencies, and a service user "robot" with a token."""

    def __init__(self, tenant, policy: dict, robot: dict, robot_token: str) -> None:
        self.tenant, self.policy, self.robot_token = tenant, policy, robot_token
        self.attachment = {"policyId": policy["id"], "principalType": "SERVICE_USER", "principalId": robot["id"]}

    async def run(self, operation: str, payload: str, **input_: object) -> dict:
        return data_of(await self.tenant.gql(operation, {"input": input_}))[payload]

    async def attach(self) -> dict:
        return await self.run(ATTACH, "attachPermissionPolicy", **self.attachment)

    async def detach(self) -> dict:
        return await self.run(DETACH, "detachPermissionPolicy", **self.attachment)

    async def robot_creates(self, code: str) -> dict:
        return await self.tenant.gql(CREATE_CURRENCY, {"code": code}, token=self.robot_token)

    async def rename(self) -> dict:
        return await self.run(
            UPDATE_POLICY,
            "updatePermissionPolicy",
            id=self.policy["id"],
            version=1,
            name="Renamed",
            statements=RENAMED_STATEMENTS,
        )


@pytest.fixture
async def currencies(tenant) -> Currencies:
    created = data_of(
        await tenant.gql(
            CREATE_POLICY,
            {
                "input": {
                    "name": "Currencies",
                    "statements": [{"effect": "ALLOW", "action": ["config:create"], "resource": ["config:currency/*"]}],
                }
            },
        )
    )["createPermissionPolicy"]
    robot = await create_service_user(tenant, "robot")
    return Currencies(tenant, created["permissionPolicy"], robot, await token_for(tenant, robot["id"]))


async def test_without_the_policy_the_service_user_is_forbidden(currencies):
    # given a service user the policy is not attached to
    # when it creates a currency, then it is forbidden
    assert top_level_code(await currencies.robot_creates("AAA")) == "FORBIDDEN"


async def test_an_attached_policy_takes_effect_at_once(currencies):
    # given the policy
    policy = currencies.policy
    # when it is attached to the service user
    attached = await currencies.attach()
    # then the service user may create currencies (this process's cached principal included)
    assert attached["userErrors"] == []
    assert attached["permissionPolicy"] == {"id": policy["id"], "name": "Currencies"}
    made = data_of(await currencies.robot_creates("AAA"))["createCurrency"]
    assert made["userErrors"] == [] and made["currency"]["code"] == "AAA"


async def test_attaching_a_policy_twice_is_a_duplicate(currencies):
    # given the policy attached
    await currencies.attach()
    # when it is attached again, then the second is a duplicate
    again = await currencies.attach()
    assert errors_of(again) == [(["input", "policyId"], "DUPLICATE")]


async def test_an_attached_policy_cannot_be_deleted(currencies):
    # given the policy attached
    await currencies.attach()
    # when it is deleted
    in_use = await currencies.run(DELETE_POLICY, "deletePermissionPolicy", id=currencies.policy["id"], version=1)
    # then it is in use, and stays
    assert in_use["deletedId"] is None
    assert errors_of(in_use) == [(["input", "id"], "IN_USE")]


async def test_updating_a_policy_with_a_stale_version_is_a_conflict(currencies):
    # given the policy at version 1
    # when it is updated at version 5
    stale = await currencies.run(
        UPDATE_POLICY, "updatePermissionPolicy", id=currencies.policy["id"], version=5, name="Renamed"
    )
    # then it is a conflict and nothing changes
    assert stale["permissionPolicy"] is None
    assert errors_of(stale) == [(["input", "version"], "CONFLICT")]


async def test_an_update_renames_replaces_statements_and_is_in_force(currencies):
    # given the policy attached and a currency the service user created
    await currencies.attach()
    await currencies.robot_creates("AAA")
    # when the policy is renamed and its statements replaced at the right version
    updated = await currencies.rename()
    # then it is version 2 with the new name and statements, which are in force at once
    assert updated["userErrors"] == []
    assert updated["permissionPolicy"]["version"] == 2
    assert updated["permissionPolicy"]["name"] == "Renamed"
    assert updated["permissionPolicy"]["statements"] == [
        {"effect": "ALLOW", "action": ["config:create", "config:retrieve"], "resource": ["config:currency"]}
    ]
    # The new statement is in force: the robot can now list currencies.
    codes = data_of(await currencies.tenant.gql("{ currencies { nodes { code } } }", token=currencies.robot_token))
    assert sorted(c["code"] for c in codes["currencies"]["nodes"]) == ["AAA", "USD"]


async def test_an_update_with_a_bad_resource_is_refused_at_its_path(currencies):
    # given the policy updated once (version 2)
    await currencies.rename()
    # when a statement names a resource with too many parts
    bad_update = await currencies.run(
        UPDATE_POLICY,
        "updatePermissionPolicy",
        id=currencies.policy["id"],
        version=2,
        statements=[{"effect": "ALLOW", "action": ["config:create"], "resource": ["config:currency/item/a/b"]}],
    )
    # then the resource is refused where it stands
    assert errors_of(bad_update) == [(["input", "statements", "0", "resource", "0"], "INVALID")]


async def test_a_detached_policy_is_no_longer_in_force(currencies):
    # given the policy attached
    await currencies.attach()
    # when it is detached
    detached = await currencies.detach()
    # then the service user is forbidden again
    assert detached["userErrors"] == []
    assert top_level_code(await currencies.robot_creates("BBB")) == "FORBIDDEN"


async def test_detaching_a_policy_not_attached_is_not_found(currencies):
    # given the policy attached, then detached
    await currencies.attach()
    await currencies.detach()
    # when it is detached again, then it is not found
    not_attached = await currencies.detach()
    assert errors_of(not_attached) == [(["input", "policyId"], "NOT_FOUND")]


async def test_a_policy_is_deleted_at_its_version_only(tenant, currencies):
    # given the policy updated once (version 2), attached to no one
    await currencies.rename()
    policy_id = currencies.policy["id"]
    # when it is deleted at version 1, then at version 2
    stale_delete = await currencies.run(DELETE_POLICY, "deletePermissionPolicy", id=policy_id, version=1)
    deleted = await currencies.run(DELETE_POLICY, "deletePermissionPolicy", id=policy_id, version=2)
    # then the first is a conflict and the second deletes it
    assert errors_of(stale_delete) == [(["input", "version"], "CONFLICT")]
    assert deleted == {"deletedId": policy_id, "userErrors": []}
    assert "Renamed" not in await policy_ids(tenant)


async def test_attach_to_user_and_unknown_principals(tenant):
    ids = await policy_ids(tenant)
    email = unique_email("attach")
    invited = await invite(tenant, email)
    await accept(tenant, invited["invitationToken"], PASSWORD)
    user_token = data_of(await login(tenant, email, PASSWORD))["login"]["token"]
    assert top_level_code(await tenant.gql(CONFIG_PROBE, token=user_token)) == "FORBIDDEN"
    # `me` needs only authentication: a caller without policies may still ask who it is.
    assert data_of(await tenant.gql(ME, token=user_token))["me"]["principalType"] == "USER"

    attached = data_of(
        await tenant.gql(
            ATTACH,
            {"input": {"policyId": ids["ReadOnly"], "principalType": "USER", "principalId": invited["user"]["id"]}},
        )
    )["attachPermissionPolicy"]
    assert attached["userErrors"] == []
    assert data_of(await tenant.gql(ME, token=user_token))["me"]["principalType"] == "USER"

    # A user's id is not a service user's id: principalType matters.
    wrong_type = data_of(
        await tenant.gql(
            ATTACH,
            {
                "input": {
                    "policyId": ids["ReadOnly"],
                    "principalType": "SERVICE_USER",
                    "principalId": invited["user"]["id"],
                }
            },
        )
    )["attachPermissionPolicy"]
    assert errors_of(wrong_type) == [(["input", "principalId"], "NOT_FOUND")]
    unknown_policy = data_of(
        await tenant.gql(
            ATTACH,
            {"input": {"policyId": str(uuid.uuid4()), "principalType": "USER", "principalId": invited["user"]["id"]}},
        )
    )["attachPermissionPolicy"]
    assert errors_of(unknown_policy) == [(["input", "policyId"], "NOT_FOUND")]


async def test_policy_update_input_problems(tenant):
    def make(name: str):
        statements = [{"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["*"]}]
        return tenant.gql(CREATE_POLICY, {"input": {"name": name, "statements": statements}})

    first = data_of(await make("First"))["createPermissionPolicy"]["permissionPolicy"]
    data_of(await make("Second"))
    cases = [
        ({"name": None}, [(["input", "name"], "REQUIRED")]),
        ({"name": ""}, [(["input", "name"], "INVALID")]),
        ({"name": "Second"}, [(["input", "name"], "DUPLICATE")]),
        ({"name": "ReadOnly"}, [(["input", "name"], "DUPLICATE")]),
        ({"statements": None}, [(["input", "statements"], "REQUIRED")]),
        ({"statements": []}, [(["input", "statements"], "REQUIRED")]),
        (
            {"name": None, "statements": [{"effect": "deny", "action": ["*"], "resource": ["*"]}]},
            [(["input", "name"], "REQUIRED"), (["input", "statements", "0", "effect"], "INVALID")],
        ),
    ]
    for changes, expected in cases:
        payload = data_of(await tenant.gql(UPDATE_POLICY, {"input": {"id": first["id"], "version": 1, **changes}}))[
            "updatePermissionPolicy"
        ]
        assert payload["permissionPolicy"] is None, changes
        assert sorted(errors_of(payload)) == sorted(expected), changes
    row = await PermissionPolicy.get(id=first["id"])
    assert (row.name, row.version) == ("First", 1)


async def test_invitation_expires_after_seven_days(tenant):
    from datetime import datetime, timedelta, timezone

    from app.services import users
    from app.services.errors import InputErrors

    invited = await invite(tenant, unique_email("late"))
    later = datetime.now(UTC) + timedelta(days=7, minutes=1)
    try:
        await users.accept_invitation(invited["invitationToken"], PASSWORD, now=later)
    except InputErrors as exc:
        assert [(list(p.path), p.code.value) for p in exc.problems] == [(["token"], "INVALID")]
    else:
        raise AssertionError("an expired invitation was accepted")
    assert (await User.get(id=invited["user"]["id"])).status == "INVITED"
    in_time = datetime.now(UTC) + timedelta(days=6, hours=23)
    assert (await users.accept_invitation(invited["invitationToken"], PASSWORD, now=in_time)).status == "ACTIVE"


async def test_login_ambiguity_is_revealed_only_to_the_password_holder(tenant, other_tenant):
    email = unique_email("twice")
    for org in (tenant, other_tenant):
        invited = await invite(org, email)
        await accept(org, invited["invitationToken"], PASSWORD)
    wrong = await login(tenant, email, "not-the-password-123")
    assert top_level_code(wrong) == "UNAUTHENTICATED"
    ambiguous = data_of(await login(tenant, email, PASSWORD))["login"]
    assert ambiguous["token"] is None
    assert [(e["field"], e["code"]) for e in ambiguous["userErrors"]] == [(["organizationId"], "REQUIRED")]
