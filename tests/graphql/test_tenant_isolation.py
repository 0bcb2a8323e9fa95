"""Nothing is ever readable or writable across organizations (SEMANTICS §1).

Tenant A owns data; tenant B, with its own Administrator token, runs every root query and
mutation of the schema against it. Queries must show B only its own data; mutations naming
A's ids must answer NOT_FOUND and leave A exactly as it was (versions included, checked
through A's own API and straight in the database).

The table below must cover every root Query and Mutation field of the schema: adding a
root field makes `test_every_root_field_is_covered` fail until its isolation check is
written here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from app.graphql.schema import schema
from app.models.access import AccessKey, PolicyAttachment
from tests.conftest import Tenant, client_token, data_of

ERRORS = "userErrors { field code message }"
PASSWORD_A = "password of tenant A"
PASSWORD_B = "password of tenant B"

SNAPSHOT = """{
  organizationConfig { id version timezone currency daysBeforeBillDue customFields }
  currencies(first: 100) { totalCount nodes { id version code name maxDecimalPlaces roundingMode } }
  users(first: 100) { totalCount nodes { id version email firstName lastName status permissionPolicies { id } } }
  serviceUsers(first: 100) { totalCount nodes { id version name description
    permissionPolicies { id } accessKeys { totalCount nodes { id version accessKeyId status } } } }
  permissionPolicies(first: 100) { totalCount nodes { id version name managed statements { effect action resource } } }
}"""


def root_fields() -> dict[str, list[str]]:
    graphql_schema = schema._schema
    return {
        "Query": sorted(graphql_schema.query_type.fields),
        "Mutation": sorted(graphql_schema.mutation_type.fields) if graphql_schema.mutation_type else [],
    }


def errors_of(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def not_found(payload: dict, *path: str) -> None:
    assert errors_of(payload) == [(["input", *path], "NOT_FOUND")], payload
    entity = [v for k, v in payload.items() if k != "userErrors"]
    assert all(v is None for v in entity), payload


@dataclass
class World:
    a: Tenant
    b: Tenant
    ids: dict[str, str] = field(default_factory=dict)

    async def as_b(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        return data_of(await self.b.gql(query, variables, token=token))


async def _policies(tenant: Tenant) -> dict[str, str]:
    nodes = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    return {p["name"]: p["id"] for p in nodes}


async def _service_user(tenant: Tenant, name: str, policy_ids: list[str]) -> str:
    result = data_of(await tenant.gql(f"""mutation($input: CreateServiceUserInput!) {{
      createServiceUser(input: $input) {{ serviceUser {{ id }} {ERRORS} }} }}""",
                                      {"input": {"name": name, "permissionPolicyIds": policy_ids}}))["createServiceUser"]
    assert result["userErrors"] == []
    return result["serviceUser"]["id"]


async def _invite(tenant: Tenant, email: str, policy_ids: list[str]) -> tuple[str, str]:
    result = data_of(await tenant.gql(f"""mutation($input: InviteUserInput!) {{
      inviteUser(input: $input) {{ user {{ id }} invitationToken {ERRORS} }} }}""",
                                      {"input": {"email": email, "firstName": "A", "lastName": "User",
                                                 "permissionPolicyIds": policy_ids}}))["inviteUser"]
    assert result["userErrors"] == []
    return result["user"]["id"], result["invitationToken"]


async def _accept(tenant: Tenant, token: str, password: str) -> dict:
    return data_of(await tenant.gql(f"""mutation($t: String!, $p: String!) {{
      acceptInvitation(token: $t, password: $p) {{ user {{ id status }} {ERRORS} }} }}""",
                                    {"t": token, "p": password}, token=""))["acceptInvitation"]


@pytest.fixture
async def world(tenant, other_tenant) -> World:
    a, b = tenant, other_tenant
    w = World(a, b)
    ids = w.ids
    ids["a_org"], ids["b_org"] = a.organization_id, b.organization_id
    currency = data_of(await a.gql(f"""mutation {{ createCurrency(input: {{code: "EUR2", name: "Euro two"}}) {{
      currency {{ id }} {ERRORS} }} }}"""))["createCurrency"]
    ids["a_currency"] = currency["currency"]["id"]
    policy = data_of(await a.gql(f"""mutation {{ createPermissionPolicy(input: {{name: "A custom", statements: [
      {{effect: "ALLOW", action: ["config:retrieve"], resource: ["config:currency/*"]}}]}}) {{
      permissionPolicy {{ id }} {ERRORS} }} }}"""))["createPermissionPolicy"]
    ids["a_policy"] = policy["permissionPolicy"]["id"]
    a_policies = await _policies(a)
    ids["a_readonly"] = a_policies["ReadOnly"]
    ids["a_service_user"] = await _service_user(a, "a-robot", [ids["a_policy"]])
    key = data_of(await a.gql(f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ id accessKeyId }} apiSecret {ERRORS} }} }}""", {"id": ids["a_service_user"]}))["createAccessKey"]
    ids["a_key"], ids["a_key_id"], ids["a_secret"] = key["accessKey"]["id"], key["accessKey"]["accessKeyId"], key["apiSecret"]
    tag = uuid.uuid4().hex[:10]
    ids["a_active_email"], ids["a_pending_email"] = f"active.{tag}@a.example.com", f"pending.{tag}@a.example.com"
    ids["a_active_user"], token = await _invite(a, ids["a_active_email"], [ids["a_readonly"]])
    assert (await _accept(a, token, PASSWORD_A))["userErrors"] == []
    ids["a_pending_user"], ids["a_pending_token"] = await _invite(a, ids["a_pending_email"], [ids["a_policy"]])

    b_policies = await _policies(b)
    ids["b_admin_policy"] = b_policies["Administrator"]
    ids["b_service_user"] = await _service_user(b, "b-robot", [])
    ids["b_admin_principal"] = data_of(await b.gql("{ me { principalId } }"))["me"]["principalId"]
    return w


async def snapshot(w: World) -> dict:
    """Everything of A, through A's API and through the database (cross-organization rows
    would be invisible to A's scoped queries)."""
    seen = data_of(await w.a.gql(SNAPSHOT))
    principals = [u["id"] for u in seen["users"]["nodes"]] + [u["id"] for u in seen["serviceUsers"]["nodes"]]
    policies = [p["id"] for p in seen["permissionPolicies"]["nodes"]]
    attachments = await PolicyAttachment.filter(principal_id__in=principals).values_list(
        "organization_id", "policy_id", "principal_type", "principal_id", "version")
    attachments += await PolicyAttachment.filter(policy_id__in=policies).values_list(
        "organization_id", "policy_id", "principal_type", "principal_id", "version")
    keys = await AccessKey.filter(service_user_id__in=principals).values_list(
        "organization_id", "access_key_id", "status", "version")
    seen["db"] = {"attachments": sorted(map(str, set(attachments))), "keys": sorted(map(str, keys))}
    return seen


# -------------------------------------------------------------------- root queries


async def q_me(w: World) -> None:
    me = (await w.as_b("{ me { organizationId principalType principalId } }"))["me"]
    assert me == {"organizationId": w.ids["b_org"], "principalType": "SERVICE_USER", "principalId": w.ids["b_admin_principal"]}


async def q_organization_config(w: World) -> None:
    b_config = (await w.as_b("{ organizationConfig { id } }"))["organizationConfig"]
    a_config = data_of(await w.a.gql("{ organizationConfig { id } }"))["organizationConfig"]
    assert b_config["id"] != a_config["id"]
    # Changes by A are not what B reads.
    data_of(await w.a.gql("mutation { updateOrganizationConfig(input: {version: 1, daysBeforeBillDue: 7}) { userErrors { code } } }"))
    assert (await w.as_b("{ organizationConfig { id version daysBeforeBillDue } }"))["organizationConfig"] == {
        "id": b_config["id"], "version": 1, "daysBeforeBillDue": 30}


async def q_currencies(w: World) -> None:
    listed = (await w.as_b("{ currencies { totalCount nodes { id code } } }"))["currencies"]
    assert listed["totalCount"] == 1
    assert [c["code"] for c in listed["nodes"]] == ["USD"]
    assert listed["nodes"][0]["id"] != w.ids["a_currency"]
    filtered = (await w.as_b('{ currencies(codes: ["EUR2"]) { totalCount nodes { id } } }'))["currencies"]
    assert filtered == {"totalCount": 0, "nodes": []}


async def q_currency(w: World) -> None:
    by_id = await w.as_b("query($id: ID!) { currency(id: $id) { id code } }", {"id": w.ids["a_currency"]})
    assert by_id["currency"] is None
    by_code = await w.as_b('{ currency(code: "EUR2") { id code } }')
    assert by_code["currency"] is None
    both = await w.as_b('query($id: ID!) { currency(id: $id, code: "EUR2") { id } }', {"id": w.ids["a_currency"]})
    assert both["currency"] is None
    a_usd = data_of(await w.a.gql('{ currency(code: "USD") { id } }'))["currency"]["id"]
    b_usd = (await w.as_b('{ currency(code: "USD") { id } }'))["currency"]["id"]
    assert a_usd != b_usd
    assert (await w.as_b("query($id: ID!) { currency(id: $id) { id } }", {"id": a_usd}))["currency"] is None


async def q_users(w: World) -> None:
    users = (await w.as_b("{ users { totalCount nodes { id email } } }"))["users"]
    assert users == {"totalCount": 0, "nodes": []}


async def q_service_users(w: World) -> None:
    listed = (await w.as_b("{ serviceUsers { totalCount nodes { id name permissionPolicies { id } accessKeys { nodes { accessKeyId } } } } }"))["serviceUsers"]
    assert listed["totalCount"] == 2
    assert sorted(n["name"] for n in listed["nodes"]) == ["admin", "b-robot"]
    assert w.ids["a_service_user"] not in {n["id"] for n in listed["nodes"]}
    key_ids = {k["accessKeyId"] for n in listed["nodes"] for k in n["accessKeys"]["nodes"]}
    assert key_ids == {w.b.access_key_id}
    policy_ids = {p["id"] for n in listed["nodes"] for p in n["permissionPolicies"]}
    assert policy_ids == {w.ids["b_admin_policy"]}


async def q_permission_policies(w: World) -> None:
    listed = (await w.as_b("{ permissionPolicies { totalCount nodes { id name } } }"))["permissionPolicies"]
    assert listed["totalCount"] == 3
    assert sorted(p["name"] for p in listed["nodes"]) == ["Administrator", "IngestOnly", "ReadOnly"]
    assert not {w.ids["a_policy"], w.ids["a_readonly"]} & {p["id"] for p in listed["nodes"]}


# ------------------------------------------------------------------ root mutations


async def m_update_organization_config(w: World) -> None:
    payload = (await w.as_b(f"""mutation {{ updateOrganizationConfig(input: {{version: 1, timezone: "Europe/Berlin"}}) {{
      organizationConfig {{ id version timezone }} {ERRORS} }} }}"""))["updateOrganizationConfig"]
    assert payload["userErrors"] == []
    assert payload["organizationConfig"]["version"] == 2
    a_config = data_of(await w.a.gql("{ organizationConfig { id timezone version } }"))["organizationConfig"]
    assert payload["organizationConfig"]["id"] != a_config["id"]
    assert (a_config["timezone"], a_config["version"]) == ("UTC", 1)


async def m_create_currency(w: World) -> None:
    # Codes are unique per organization: B may have its own EUR2.
    payload = (await w.as_b(f"""mutation {{ createCurrency(input: {{code: "EUR2", name: "B's euro"}}) {{
      currency {{ id code name }} {ERRORS} }} }}"""))["createCurrency"]
    assert payload["userErrors"] == []
    assert payload["currency"]["id"] != w.ids["a_currency"]


async def m_update_currency(w: World) -> None:
    payload = (await w.as_b(f"""mutation($id: ID!) {{ updateCurrency(input: {{id: $id, version: 1, name: "hijacked"}}) {{
      currency {{ id }} {ERRORS} }} }}""", {"id": w.ids["a_currency"]}))["updateCurrency"]
    not_found(payload, "id")


async def m_delete_currency(w: World) -> None:
    payload = (await w.as_b(f"""mutation($id: ID!) {{ deleteCurrency(input: {{id: $id, version: 1}}) {{ deletedId {ERRORS} }} }}""",
                            {"id": w.ids["a_currency"]}))["deleteCurrency"]
    not_found(payload, "id")


INVITE = f"""mutation($input: InviteUserInput!) {{ inviteUser(input: $input) {{ user {{ id }} invitationToken {ERRORS} }} }}"""


async def m_invite_user(w: World) -> None:
    with_a_policy = (await w.as_b(INVITE, {"input": {"email": f"x.{uuid.uuid4().hex[:8]}@b.example.com", "firstName": "B",
                                                      "lastName": "B", "permissionPolicyIds": [w.ids["a_readonly"]]}}))["inviteUser"]
    not_found(with_a_policy, "permissionPolicyIds", "0")
    # Emails are unique per organization: B may invite A's user's email.
    same_email = (await w.as_b(INVITE, {"input": {"email": w.ids["a_active_email"], "firstName": "B", "lastName": "B"}}))["inviteUser"]
    assert same_email["userErrors"] == []
    assert same_email["user"]["id"] != w.ids["a_active_user"]


async def m_accept_invitation(w: World) -> None:
    # B invites the email A has a pending invitation for; B's token activates B's user only.
    b_invite = (await w.as_b(INVITE, {"input": {"email": w.ids["a_pending_email"], "firstName": "B", "lastName": "B"}}))["inviteUser"]
    accepted = await _accept(w.b, b_invite["invitationToken"], PASSWORD_B)
    assert accepted["userErrors"] == []
    assert accepted["user"] == {"id": b_invite["user"]["id"], "status": "ACTIVE"}
    assert accepted["user"]["id"] != w.ids["a_pending_user"]


async def m_login(w: World) -> None:
    login = f"""mutation($e: String!, $p: String!, $o: ID) {{ login(email: $e, password: $p, organizationId: $o) {{ token {ERRORS} }} }}"""
    # A's user, A's password, B's organization: no such user there.
    result = await w.b.gql(login, {"e": w.ids["a_active_email"], "p": PASSWORD_A, "o": w.ids["b_org"]}, token="")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # B gets a user with the same email and another password.
    b_invite = (await w.as_b(INVITE, {"input": {"email": w.ids["a_active_email"], "firstName": "B", "lastName": "B",
                                               "permissionPolicyIds": [w.ids["b_admin_policy"]]}}))["inviteUser"]
    assert (await _accept(w.b, b_invite["invitationToken"], PASSWORD_B))["userErrors"] == []
    for org, password in ((w.ids["b_org"], PASSWORD_A), (w.ids["a_org"], PASSWORD_B)):
        result = await w.b.gql(login, {"e": w.ids["a_active_email"], "p": password, "o": org}, token="")
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", org
    # Without an organization, the password decides: B's password logs into B only.
    only_b = data_of(await w.b.gql(login, {"e": w.ids["a_active_email"], "p": PASSWORD_B, "o": None}, token=""))["login"]
    me_b = data_of(await w.b.gql("{ me { organizationId } }", token=only_b["token"]))["me"]
    assert me_b == {"organizationId": w.ids["b_org"]}
    for org, password, user in ((w.ids["b_org"], PASSWORD_B, b_invite["user"]["id"]), (w.ids["a_org"], PASSWORD_A, w.ids["a_active_user"])):
        token = data_of(await w.b.gql(login, {"e": w.ids["a_active_email"], "p": password, "o": org}, token=""))["login"]["token"]
        me = data_of(await w.b.gql("{ me { organizationId principalId } }", token=token))["me"]
        assert me == {"organizationId": org, "principalId": user}


CREATE_SERVICE_USER = f"""mutation($input: CreateServiceUserInput!) {{
  createServiceUser(input: $input) {{ serviceUser {{ id name }} {ERRORS} }} }}"""


async def m_create_service_user(w: World) -> None:
    with_a_policy = (await w.as_b(CREATE_SERVICE_USER, {"input": {"name": "x", "permissionPolicyIds": [w.ids["a_policy"]]}}))["createServiceUser"]
    not_found(with_a_policy, "permissionPolicyIds", "0")
    same_name = (await w.as_b(CREATE_SERVICE_USER, {"input": {"name": "a-robot"}}))["createServiceUser"]
    assert same_name["userErrors"] == []
    assert same_name["serviceUser"]["id"] != w.ids["a_service_user"]


async def m_delete_service_user(w: World) -> None:
    payload = (await w.as_b(f"""mutation($id: ID!) {{ deleteServiceUser(input: {{id: $id, version: 1}}) {{ deletedId {ERRORS} }} }}""",
                            {"id": w.ids["a_service_user"]}))["deleteServiceUser"]
    not_found(payload, "id")


async def m_create_access_key(w: World) -> None:
    payload = (await w.as_b(f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ id }} apiSecret {ERRORS} }} }}""", {"id": w.ids["a_service_user"]}))["createAccessKey"]
    not_found(payload, "serviceUserId")


async def m_update_access_key(w: World) -> None:
    payload = (await w.as_b(f"""mutation($id: ID!) {{ updateAccessKey(input: {{id: $id, version: 1, status: INACTIVE}}) {{
      accessKey {{ id status }} {ERRORS} }} }}""", {"id": w.ids["a_key"]}))["updateAccessKey"]
    not_found(payload, "id")
    response = await client_token(w.a.client, w.ids["a_key_id"], w.ids["a_secret"])
    assert response.status_code == 200


async def m_create_permission_policy(w: World) -> None:
    payload = (await w.as_b(f"""mutation {{ createPermissionPolicy(input: {{name: "A custom", statements: [
      {{effect: "DENY", action: ["*"], resource: ["*"]}}]}}) {{ permissionPolicy {{ id }} {ERRORS} }} }}"""))["createPermissionPolicy"]
    assert payload["userErrors"] == []
    assert payload["permissionPolicy"]["id"] != w.ids["a_policy"]


async def m_update_permission_policy(w: World) -> None:
    payload = (await w.as_b(f"""mutation($id: ID!) {{ updatePermissionPolicy(input: {{id: $id, version: 1, name: "owned",
      statements: [{{effect: "ALLOW", action: ["*"], resource: ["*"]}}]}}) {{ permissionPolicy {{ id }} {ERRORS} }} }}""",
                            {"id": w.ids["a_policy"]}))["updatePermissionPolicy"]
    not_found(payload, "id")
    managed = (await w.as_b(f"""mutation($id: ID!) {{ updatePermissionPolicy(input: {{id: $id, version: 1, name: "owned"}}) {{
      permissionPolicy {{ id }} {ERRORS} }} }}""", {"id": w.ids["a_readonly"]}))["updatePermissionPolicy"]
    not_found(managed, "id")


async def m_delete_permission_policy(w: World) -> None:
    for policy in (w.ids["a_policy"], w.ids["a_readonly"]):
        payload = (await w.as_b(f"""mutation($id: ID!) {{ deletePermissionPolicy(input: {{id: $id, version: 1}}) {{ deletedId {ERRORS} }} }}""",
                                {"id": policy}))["deletePermissionPolicy"]
        not_found(payload, "id")


def _attachment(mutation: str) -> str:
    return f"""mutation($input: PolicyAttachmentInput!) {{ {mutation}(input: $input) {{ permissionPolicy {{ id }} {ERRORS} }} }}"""


async def _attachment_cases(w: World, mutation: str) -> None:
    cases = [
        ({"policyId": w.ids["a_policy"], "principalType": "SERVICE_USER", "principalId": w.ids["b_service_user"]}, "policyId"),
        ({"policyId": w.ids["b_admin_policy"], "principalType": "SERVICE_USER", "principalId": w.ids["a_service_user"]}, "principalId"),
        ({"policyId": w.ids["b_admin_policy"], "principalType": "USER", "principalId": w.ids["a_active_user"]}, "principalId"),
        ({"policyId": w.ids["a_policy"], "principalType": "SERVICE_USER", "principalId": w.ids["a_service_user"]}, "policyId"),
    ]
    for attachment, path in cases:
        payload = (await w.as_b(_attachment(mutation), {"input": attachment}))[mutation]
        not_found(payload, path)


async def m_attach_permission_policy(w: World) -> None:
    await _attachment_cases(w, "attachPermissionPolicy")


async def m_detach_permission_policy(w: World) -> None:
    await _attachment_cases(w, "detachPermissionPolicy")


Check = Callable[[World], Awaitable[None]]
CHECKS: dict[str, dict[str, Check]] = {
    "Query": {
        "me": q_me,
        "organizationConfig": q_organization_config,
        "currencies": q_currencies,
        "currency": q_currency,
        "users": q_users,
        "serviceUsers": q_service_users,
        "permissionPolicies": q_permission_policies,
    },
    "Mutation": {
        "updateOrganizationConfig": m_update_organization_config,
        "createCurrency": m_create_currency,
        "updateCurrency": m_update_currency,
        "deleteCurrency": m_delete_currency,
        "inviteUser": m_invite_user,
        "acceptInvitation": m_accept_invitation,
        "login": m_login,
        "createServiceUser": m_create_service_user,
        "deleteServiceUser": m_delete_service_user,
        "createAccessKey": m_create_access_key,
        "updateAccessKey": m_update_access_key,
        "createPermissionPolicy": m_create_permission_policy,
        "updatePermissionPolicy": m_update_permission_policy,
        "deletePermissionPolicy": m_delete_permission_policy,
        "attachPermissionPolicy": m_attach_permission_policy,
        "detachPermissionPolicy": m_detach_permission_policy,
    },
}

SCHEMA_FIELDS = [(kind, name) for kind, names in root_fields().items() for name in names]


def test_every_root_field_is_covered():
    in_schema = {kind: set(names) for kind, names in root_fields().items()}
    in_table = {kind: set(checks) for kind, checks in CHECKS.items()}
    missing = {kind: sorted(in_schema[kind] - in_table.get(kind, set())) for kind in in_schema}
    stale = {kind: sorted(in_table[kind] - in_schema.get(kind, set())) for kind in in_table}
    assert missing == {"Query": [], "Mutation": []}, f"root fields without a tenant-isolation check: {missing}"
    assert stale == {"Query": [], "Mutation": []}, f"checks for fields no longer in the schema: {stale}"


@pytest.mark.parametrize(("kind", "name"), SCHEMA_FIELDS, ids=[f"{k}.{n}" for k, n in SCHEMA_FIELDS])
async def test_root_field_is_isolated(world, kind, name):
    check = CHECKS[kind].get(name)
    assert check is not None, f"{kind}.{name} has no tenant-isolation check in {__name__}.CHECKS"
    before = await snapshot(world)
    await check(world)
    after = await snapshot(world)
    if name == "organizationConfig":  # that check has A change its own config to prove B does not read it
        before["organizationConfig"].update(version=2, daysBeforeBillDue=7)
    assert after == before
    # A's own credentials are still good.
    response = await client_token(world.a.client, world.ids["a_key_id"], world.ids["a_secret"])
    assert response.status_code == 200
