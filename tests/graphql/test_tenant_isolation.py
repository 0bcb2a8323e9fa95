"""Nothing is ever readable or writable across organizations (SEMANTICS §1).

Tenant A owns data: access (currency, policies, service user and key, users), a whole
catalog, accounts with a plan and a commitment, processed measurements, a bill job and its
bill. Tenant B, with its own Administrator token, runs every root query, mutation and
subscription of the schema against it.
Queries must show B only its own data; mutations naming A's ids must answer NOT_FOUND and
leave A exactly as it was (versions included, checked through A's own API and straight in
the database, where rows of any organization naming A's entities are included too).

A is built once for the module (through the public API; see `isolation.world`) and the
snapshot is compared around every check, so each check starts from the same A. B is new
for every check.

`CHECKS` must cover every root Query, Mutation and Subscription field of the schema:
adding a root field makes `test_every_root_field_is_covered` fail until its isolation
check is written, here (access) or in `tests/graphql/isolation/` (generated per catalog
and account kind in `entities`, references to A's things in `references`, `ingest`,
`billing`). A field with checks in several tables runs them all.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio

from app.graphql.schema import schema
from app.models.access import User
from tests.conftest import client_token, data_of, new_tenant
from tests.graphql.isolation import (
    balances,
    billing,
    charges_groups,
    counters,
    entities,
    events,
    exports,
    ingest,
    memos,
    references,
)
from tests.graphql.isolation.world import (
    ERRORS,
    PASSWORD_A,
    PASSWORD_B,
    World,
    build_a,
    not_found,
    on_session_queue,
    snapshot,
)
from tests.graphql.isolation.world import (
    accept as _accept,
)
from tests.graphql.isolation.world import (
    policies as _policies,
)
from tests.graphql.isolation.world import (
    service_user as _service_user,
)
from tests.graphql.test_webhooks_isolation import generated as webhook_checks
from tests.workers import INGEST_QUEUE


def root_fields() -> dict[str, list[str]]:
    graphql_schema = schema._schema
    return {
        "Query": sorted(graphql_schema.query_type.fields),
        "Mutation": sorted(graphql_schema.mutation_type.fields) if graphql_schema.mutation_type else [],
        "Subscription": sorted(graphql_schema.subscription_type.fields) if graphql_schema.subscription_type else [],
    }


@pytest_asyncio.fixture(scope="module")
async def tenant_a(app):
    """A and everything it owns, built once for the module."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        a = await new_tenant(client, "Acme")
        async with on_session_queue(app):
            ids, has = await build_a(app, a)
        yield a, ids, has


@pytest.fixture
async def world(app, tenant_a, other_tenant) -> AsyncIterator[World]:
    a, a_ids, a_has = tenant_a
    b = other_tenant
    w = World(a, b, ids=dict(a_ids), a_has={k: dict(v) for k, v in a_has.items()}, app=app)
    ids = w.ids
    ids["b_org"] = b.organization_id
    b_policies = await _policies(b)
    ids["b_admin_policy"] = b_policies["Administrator"]
    ids["b_service_user"] = await _service_user(b, "b-robot", [])
    ids["b_admin_principal"] = data_of(await b.gql("{ me { principalId } }"))["me"]["principalId"]
    # Whatever a check enqueues (even by mistake) goes to this session's own queue, and is
    # dropped afterwards: no other worker takes it, no later check processes it.
    async with on_session_queue(app):
        yield w
    await app.state.arq.delete(INGEST_QUEUE)


# -------------------------------------------------------------------- root queries


async def q_me(w: World) -> None:
    me = (await w.as_b("{ me { organizationId principalType principalId } }"))["me"]
    assert me == {
        "organizationId": w.ids["b_org"],
        "principalType": "SERVICE_USER",
        "principalId": w.ids["b_admin_principal"],
    }


async def q_organization_config(w: World) -> None:
    b_config = (await w.as_b("{ organizationConfig { id } }"))["organizationConfig"]
    a_config = data_of(await w.a.gql("{ organizationConfig { id } }"))["organizationConfig"]
    assert b_config["id"] != a_config["id"]
    # Changes by A are not what B reads (the test expects this one change of A).
    version = data_of(await w.a.gql("{ organizationConfig { version } }"))["organizationConfig"]["version"]
    changed = data_of(
        await w.a.gql(
            (
                "mutation($v: Int!) { updateOrganizationConfig(input: {version: $v, daysBeforeBillDue: "
                "7}) { userErrors { code } } }"
            ),
            {"v": version},
        )
    )["updateOrganizationConfig"]
    assert changed["userErrors"] == []
    assert (await w.as_b("{ organizationConfig { id version daysBeforeBillDue } }"))["organizationConfig"] == {
        "id": b_config["id"],
        "version": 1,
        "daysBeforeBillDue": 30,
    }


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
    listed = (
        await w.as_b(
            "{ serviceUsers { totalCount nodes { id name permissionPolicies { id } accessKeys { nodes "
            "{ accessKeyId } } } } }"
        )
    )["serviceUsers"]
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


async def q_pricing_preview(w: World) -> None:
    # A preview is a pure function of its input: it reads nothing stored, so B gets
    # exactly what A gets for the same bands, and nothing of A's catalog.
    query = """query($input: PricingPreviewInput!) { pricingPreview(input: $input) {
      charge { units subtotal bands { lowerLimit bandSubtotal } } userErrors { code } } }"""
    bands = [{"lowerLimit": "0", "unitPrice": "0.15"}, {"lowerLimit": "500", "unitPrice": "0.10"}]
    variables = {"input": {"pricingBands": bands, "cumulative": True, "units": "700"}}
    b_preview = (await w.as_b(query, variables))["pricingPreview"]
    assert b_preview == (await w.as_a(query, variables))["pricingPreview"]
    assert b_preview["userErrors"] == [] and b_preview["charge"]["subtotal"] in ("95", "95.00", "95.0000")


async def q_system(w: World) -> None:
    # Workers and queues are the deployment's, not an organization's: nothing of A shows.
    seen = await w.as_b("{ system { workers { id host pid jobsDone } queues { name depth oldestAgeSeconds } } }")
    shown = repr(seen)
    assert not [value for value in w.ids.values() if isinstance(value, str) and value in shown]


# ------------------------------------------------------------------ root mutations


async def m_update_organization_config(w: World) -> None:
    a_before = data_of(await w.a.gql("{ organizationConfig { id timezone version } }"))["organizationConfig"]
    payload = (
        await w.as_b(f"""mutation {{ updateOrganizationConfig(input: {{version: 1, timezone: "Europe/Berlin"}}) {{
      organizationConfig {{ id version timezone }} {ERRORS} }} }}""")
    )["updateOrganizationConfig"]
    assert payload["userErrors"] == []
    assert payload["organizationConfig"]["version"] == 2
    a_config = data_of(await w.a.gql("{ organizationConfig { id timezone version } }"))["organizationConfig"]
    assert payload["organizationConfig"]["id"] != a_config["id"]
    assert a_config == a_before and a_config["timezone"] == "UTC"


async def m_create_currency(w: World) -> None:
    # Codes are unique per organization: B may have its own EUR2.
    payload = (
        await w.as_b(f"""mutation {{ createCurrency(input: {{code: "EUR2", name: "B's euro"}}) {{
      currency {{ id code name }} {ERRORS} }} }}""")
    )["createCurrency"]
    assert payload["userErrors"] == []
    assert payload["currency"]["id"] != w.ids["a_currency"]


async def m_update_currency(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ updateCurrency(input: {{id: $id, version: 1, name: "hijacked"}}) {{
      currency {{ id }} {ERRORS} }} }}""",
            {"id": w.ids["a_currency"]},
        )
    )["updateCurrency"]
    not_found(payload, "id")


async def m_delete_currency(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ deleteCurrency(input: {{id: $id, version: 1}}) {{ deletedId {ERRORS} }} }}""",
            {"id": w.ids["a_currency"]},
        )
    )["deleteCurrency"]
    not_found(payload, "id")


INVITE = f"""mutation($input: InviteUserInput!) {{ inviteUser(input: $input) {{ user {{ id }} invitationToken {ERRORS}
  }} }}"""


async def m_invite_user(w: World) -> None:
    with_a_policy = (
        await w.as_b(
            INVITE,
            {
                "input": {
                    "email": f"x.{uuid.uuid4().hex[:8]}@b.example.com",
                    "firstName": "B",
                    "lastName": "B",
                    "permissionPolicyIds": [w.ids["a_readonly"]],
                }
            },
        )
    )["inviteUser"]
    not_found(with_a_policy, "permissionPolicyIds", "0")
    # Emails are unique per organization: B may invite A's user's email.
    same_email = (
        await w.as_b(INVITE, {"input": {"email": w.ids["a_active_email"], "firstName": "B", "lastName": "B"}})
    )["inviteUser"]
    assert same_email["userErrors"] == []
    assert same_email["user"]["id"] != w.ids["a_active_user"]


async def m_accept_invitation(w: World) -> None:
    # B invites the email A has a pending invitation for; B's token activates B's user only.
    b_invite = (
        await w.as_b(INVITE, {"input": {"email": w.ids["a_pending_email"], "firstName": "B", "lastName": "B"}})
    )["inviteUser"]
    accepted = await _accept(w.b, b_invite["invitationToken"], PASSWORD_B)
    assert accepted["userErrors"] == []
    assert accepted["user"] == {"id": b_invite["user"]["id"], "status": "ACTIVE"}
    assert accepted["user"]["id"] != w.ids["a_pending_user"]


async def m_login(w: World) -> None:
    login = f"""mutation($e: String!, $p: String!, $o: ID) {{ login(email: $e, password: $p, organizationId: $o) {{
      token {ERRORS} }} }}"""
    # A's user, A's password, B's organization: no such user there.
    result = await w.b.gql(login, {"e": w.ids["a_active_email"], "p": PASSWORD_A, "o": w.ids["b_org"]}, token="")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # B gets a user with the same email and another password.
    b_invite = (
        await w.as_b(
            INVITE,
            {
                "input": {
                    "email": w.ids["a_active_email"],
                    "firstName": "B",
                    "lastName": "B",
                    "permissionPolicyIds": [w.ids["b_admin_policy"]],
                }
            },
        )
    )["inviteUser"]
    assert (await _accept(w.b, b_invite["invitationToken"], PASSWORD_B))["userErrors"] == []
    for org, password in ((w.ids["b_org"], PASSWORD_A), (w.ids["a_org"], PASSWORD_B)):
        result = await w.b.gql(login, {"e": w.ids["a_active_email"], "p": password, "o": org}, token="")
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", org
    # Without an organization, the password decides: B's password logs into B only.
    only_b = data_of(await w.b.gql(login, {"e": w.ids["a_active_email"], "p": PASSWORD_B, "o": None}, token=""))[
        "login"
    ]
    me_b = data_of(await w.b.gql("{ me { organizationId } }", token=only_b["token"]))["me"]
    assert me_b == {"organizationId": w.ids["b_org"]}
    for org, password, user in (
        (w.ids["b_org"], PASSWORD_B, b_invite["user"]["id"]),
        (w.ids["a_org"], PASSWORD_A, w.ids["a_active_user"]),
    ):
        token = data_of(await w.b.gql(login, {"e": w.ids["a_active_email"], "p": password, "o": org}, token=""))[
            "login"
        ]["token"]
        me = data_of(await w.b.gql("{ me { organizationId principalId } }", token=token))["me"]
        assert me == {"organizationId": org, "principalId": user}


CREATE_SERVICE_USER = f"""mutation($input: CreateServiceUserInput!) {{
  createServiceUser(input: $input) {{ serviceUser {{ id name }} {ERRORS} }} }}"""


async def m_create_service_user(w: World) -> None:
    with_a_policy = (
        await w.as_b(CREATE_SERVICE_USER, {"input": {"name": "x", "permissionPolicyIds": [w.ids["a_policy"]]}})
    )["createServiceUser"]
    not_found(with_a_policy, "permissionPolicyIds", "0")
    same_name = (await w.as_b(CREATE_SERVICE_USER, {"input": {"name": "a-robot"}}))["createServiceUser"]
    assert same_name["userErrors"] == []
    assert same_name["serviceUser"]["id"] != w.ids["a_service_user"]


async def m_delete_service_user(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ deleteServiceUser(input: {{id: $id, version: 1}}) {{ deletedId {ERRORS} }} }}""",
            {"id": w.ids["a_service_user"]},
        )
    )["deleteServiceUser"]
    not_found(payload, "id")


async def m_create_access_key(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ id }} apiSecret {ERRORS} }} }}""",
            {"id": w.ids["a_service_user"]},
        )
    )["createAccessKey"]
    not_found(payload, "serviceUserId")


async def m_update_access_key(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ updateAccessKey(input: {{id: $id, version: 1, status: INACTIVE}}) {{
      accessKey {{ id status }} {ERRORS} }} }}""",
            {"id": w.ids["a_key"]},
        )
    )["updateAccessKey"]
    not_found(payload, "id")
    response = await client_token(w.a.client, w.ids["a_key_id"], w.ids["a_secret"])
    assert response.status_code == 200


async def m_update_user(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ updateUser(input: {{id: $id, version: 2, status: "INACTIVE"}}) {{
      user {{ id status }} {ERRORS} }} }}""",
            {"id": w.ids["a_active_user"]},
        )
    )["updateUser"]
    not_found(payload, "id")
    assert (await User.get(id=w.ids["a_active_user"])).status == "ACTIVE"


async def m_create_permission_policy(w: World) -> None:
    payload = (
        await w.as_b(f"""mutation {{ createPermissionPolicy(input: {{name: "A custom", statements: [
      {{effect: "DENY", action: ["*"], resource: ["*"]}}]}}) {{ permissionPolicy {{ id }} {ERRORS} }} }}""")
    )["createPermissionPolicy"]
    assert payload["userErrors"] == []
    assert payload["permissionPolicy"]["id"] != w.ids["a_policy"]


async def m_update_permission_policy(w: World) -> None:
    payload = (
        await w.as_b(
            f"""mutation($id: ID!) {{ updatePermissionPolicy(input: {{id: $id, version: 1, name: "owned",
      statements: [{{effect: "ALLOW", action: ["*"], resource: ["*"]}}]}}) {{ permissionPolicy {{ id }} {ERRORS} }}
        }}""",
            {"id": w.ids["a_policy"]},
        )
    )["updatePermissionPolicy"]
    not_found(payload, "id")
    managed = (
        await w.as_b(
            f"""mutation($id: ID!) {{ updatePermissionPolicy(input: {{id: $id, version: 1, name: "owned"}}) {{
      permissionPolicy {{ id }} {ERRORS} }} }}""",
            {"id": w.ids["a_readonly"]},
        )
    )["updatePermissionPolicy"]
    not_found(managed, "id")


async def m_delete_permission_policy(w: World) -> None:
    for policy in (w.ids["a_policy"], w.ids["a_readonly"]):
        payload = (
            await w.as_b(
                f"""mutation($id: ID!) {{ deletePermissionPolicy(input: {{id: $id, version: 1}}) {{ deletedId {ERRORS}
                  }} }}""",
                {"id": policy},
            )
        )["deletePermissionPolicy"]
        not_found(payload, "id")


def _attachment(mutation: str) -> str:
    return f"""mutation($input: PolicyAttachmentInput!) {{ {mutation}(input: $input) {{ permissionPolicy {{ id }}
      {ERRORS} }} }}"""


async def _attachment_cases(w: World, mutation: str) -> None:
    cases = [
        (
            {"policyId": w.ids["a_policy"], "principalType": "SERVICE_USER", "principalId": w.ids["b_service_user"]},
            "policyId",
        ),
        (
            {
                "policyId": w.ids["b_admin_policy"],
                "principalType": "SERVICE_USER",
                "principalId": w.ids["a_service_user"],
            },
            "principalId",
        ),
        (
            {"policyId": w.ids["b_admin_policy"], "principalType": "USER", "principalId": w.ids["a_active_user"]},
            "principalId",
        ),
        (
            {"policyId": w.ids["a_policy"], "principalType": "SERVICE_USER", "principalId": w.ids["a_service_user"]},
            "policyId",
        ),
    ]
    for attachment, path in cases:
        payload = (await w.as_b(_attachment(mutation), {"input": attachment}))[mutation]
        not_found(payload, path)


async def m_attach_permission_policy(w: World) -> None:
    await _attachment_cases(w, "attachPermissionPolicy")


async def m_detach_permission_policy(w: World) -> None:
    await _attachment_cases(w, "detachPermissionPolicy")


Check = Callable[[World], Awaitable[None]]
ACCESS_CHECKS: dict[str, dict[str, Check]] = {
    "Query": {
        "me": q_me,
        "organizationConfig": q_organization_config,
        "currencies": q_currencies,
        "currency": q_currency,
        "users": q_users,
        "serviceUsers": q_service_users,
        "permissionPolicies": q_permission_policies,
        "pricingPreview": q_pricing_preview,
        "system": q_system,
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
        "updateUser": m_update_user,
        "createPermissionPolicy": m_create_permission_policy,
        "updatePermissionPolicy": m_update_permission_policy,
        "deletePermissionPolicy": m_delete_permission_policy,
        "attachPermissionPolicy": m_attach_permission_policy,
        "detachPermissionPolicy": m_detach_permission_policy,
    },
}


def merged(*tables: dict[str, dict[str, Check]]) -> dict[str, dict[str, Check]]:
    """The tables together; a field in several runs each of its checks."""
    out: dict[str, dict[str, Check]] = {"Query": {}, "Mutation": {}, "Subscription": {}}
    for table in tables:
        for kind, checks in table.items():
            for name, check in checks.items():
                present = out[kind].get(name)
                out[kind][name] = entities.both(present, check) if present else check
    return out


CHECKS = merged(
    ACCESS_CHECKS,
    entities.generated(),
    references.generated(),
    ingest.generated(),
    billing.generated(),
    memos.generated(),
    events.generated(),
    exports.generated(),
    webhook_checks(),
    counters.generated(),
    balances.generated(),
    charges_groups.generated(),
)

SCHEMA_FIELDS = [(kind, name) for kind, names in root_fields().items() for name in names]


def test_every_root_field_is_covered():
    in_schema = {kind: set(names) for kind, names in root_fields().items()}
    in_table = {kind: set(checks) for kind, checks in CHECKS.items()}
    missing = {kind: sorted(in_schema[kind] - in_table.get(kind, set())) for kind in in_schema}
    stale = {kind: sorted(in_table[kind] - in_schema.get(kind, set())) for kind in in_table}
    assert all(not names for names in missing.values()), f"root fields without a tenant-isolation check: {missing}"
    assert all(not names for names in stale.values()), f"checks for fields no longer in the schema: {stale}"


@pytest.mark.parametrize(("kind", "name"), SCHEMA_FIELDS, ids=[f"{k}.{n}" for k, n in SCHEMA_FIELDS])
async def test_root_field_is_isolated(world, kind, name):
    check = CHECKS[kind].get(name)
    assert check is not None, f"{kind}.{name} has no tenant-isolation check in {__name__}.CHECKS"
    before = await snapshot(world)
    await check(world)
    after = await snapshot(world)
    if name == "organizationConfig":  # that check has A change its own config to prove B does not read it
        before["organizationConfig"].update(version=before["organizationConfig"]["version"] + 1, daysBeforeBillDue=7)
    assert after == before
    # A's own credentials are still good.
    response = await client_token(world.a.client, world.ids["a_key_id"], world.ids["a_secret"])
    assert response.status_code == 200
