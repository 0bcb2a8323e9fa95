"""Permission policies are enforced on every root field (SEMANTICS §2.3, CONTRACT §3).

Each principal here is a service user with exactly the policies named, authenticating
through the real token endpoint.
"""

from __future__ import annotations

import uuid

import pytest

from app.auth.permissions import ACTIONS
from app.graphql.authorization import Authenticated, Authorize, Public
from app.graphql.schema import Mutation, Query, schema
from app.models.organization import Currency
from tests.conftest import client_token, data_of

ERRORS = "userErrors { field code message }"
PUBLIC_FIELDS = {"login", "acceptInvitation"}
# Any authenticated caller may ask who it is, whatever its policies.
AUTHENTICATED_FIELDS = {"me"}
RANDOM_ID = str(uuid.uuid4())

# One representative operation per root field (arguments are well-formed; the check runs
# before the resolver, so they need not name anything real).
OPERATIONS: dict[str, str] = {
    "me": "{ me { principalId } }",
    "organizationConfig": "{ organizationConfig { version } }",
    "currencies": "{ currencies { totalCount } }",
    "currency": '{ currency(code: "USD") { id } }',
    "users": "{ users { totalCount } }",
    "serviceUsers": "{ serviceUsers { totalCount } }",
    "permissionPolicies": "{ permissionPolicies { totalCount } }",
    "updateOrganizationConfig": f"mutation {{ updateOrganizationConfig(input: {{version: 1, daysBeforeBillDue: 9}}) {{ {ERRORS} }} }}",
    "createCurrency": f'mutation {{ createCurrency(input: {{code: "PERM", name: "Perm"}}) {{ {ERRORS} }} }}',
    "updateCurrency": f'mutation {{ updateCurrency(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}',
    "deleteCurrency": f'mutation {{ deleteCurrency(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "inviteUser": f'mutation {{ inviteUser(input: {{email: "perm.{uuid.uuid4().hex[:8]}@example.com", firstName: "P", lastName: "Q"}}) {{ {ERRORS} }} }}',
    "acceptInvitation": f'mutation {{ acceptInvitation(token: "no-such-token", password: "long enough pw") {{ {ERRORS} }} }}',
    "login": 'mutation { login(email: "nobody@example.com", password: "long enough pw") { token } }',
    "createServiceUser": f'mutation {{ createServiceUser(input: {{name: "perm-robot"}}) {{ {ERRORS} }} }}',
    "deleteServiceUser": f'mutation {{ deleteServiceUser(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createAccessKey": f'mutation {{ createAccessKey(input: {{serviceUserId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}',
    "updateAccessKey": f'mutation {{ updateAccessKey(input: {{id: "{RANDOM_ID}", version: 1, status: INACTIVE}}) {{ {ERRORS} }} }}',
    "createPermissionPolicy": f'mutation {{ createPermissionPolicy(input: {{name: "perm", statements: [{{effect: "ALLOW", action: ["*"], resource: ["*"]}}]}}) {{ {ERRORS} }} }}',
    "updatePermissionPolicy": f'mutation {{ updatePermissionPolicy(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}',
    "deletePermissionPolicy": f'mutation {{ deletePermissionPolicy(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "attachPermissionPolicy": f'mutation {{ attachPermissionPolicy(input: {{policyId: "{RANDOM_ID}", principalType: SERVICE_USER, principalId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}',
    "detachPermissionPolicy": f'mutation {{ detachPermissionPolicy(input: {{policyId: "{RANDOM_ID}", principalType: SERVICE_USER, principalId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}',
}

CREATE_CURRENCY = f"""mutation($code: String!) {{ createCurrency(input: {{code: $code, name: $code}}) {{ currency {{ id version code }} {ERRORS} }} }}"""
UPDATE_CURRENCY = f"""mutation($id: ID!, $version: Int!, $name: String!) {{
  updateCurrency(input: {{id: $id, version: $version, name: $name}}) {{ currency {{ id version name }} {ERRORS} }} }}"""
DELETE_CURRENCY = f"""mutation($id: ID!, $version: Int!) {{ deleteCurrency(input: {{id: $id, version: $version}}) {{ deletedId {ERRORS} }} }}"""


def root_field_names() -> set[str]:
    graphql_schema = schema._schema
    names = set(graphql_schema.query_type.fields)
    for root in (graphql_schema.mutation_type, graphql_schema.subscription_type):
        if root is not None:
            names |= set(root.fields)
    return names


def code_of(result: dict) -> str | None:
    errors = result.get("errors")
    return errors[0]["extensions"]["code"] if errors else None


async def policy_ids(tenant) -> dict[str, str]:
    nodes = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    return {p["name"]: p["id"] for p in nodes}


async def custom_policy(tenant, name: str, statements: list[dict]) -> str:
    payload = data_of(await tenant.gql(f"""mutation($input: CreatePermissionPolicyInput!) {{
      createPermissionPolicy(input: $input) {{ permissionPolicy {{ id }} {ERRORS} }} }}""",
                                       {"input": {"name": name, "statements": statements}}))["createPermissionPolicy"]
    assert payload["userErrors"] == [], payload
    return payload["permissionPolicy"]["id"]


async def principal(tenant, *, managed: list[str] = (), custom: list[str] = ()) -> str:
    """A new service user with these policies; returns its bearer token."""
    ids = await policy_ids(tenant)
    payload = data_of(await tenant.gql(f"""mutation($input: CreateServiceUserInput!) {{
      createServiceUser(input: $input) {{ serviceUser {{ id }} {ERRORS} }} }}""",
                                       {"input": {"name": f"robot-{uuid.uuid4().hex[:8]}",
                                                  "permissionPolicyIds": [ids[m] for m in managed] + list(custom)}}))
    user_id = payload["createServiceUser"]["serviceUser"]["id"]
    key = data_of(await tenant.gql(f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ accessKeyId }} apiSecret {ERRORS} }} }}""", {"id": user_id}))["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def add_currency(tenant, code: str) -> dict:
    payload = data_of(await tenant.gql(CREATE_CURRENCY, {"code": code}))["createCurrency"]
    assert payload["userErrors"] == []
    return payload["currency"]


async def assert_forbidden_everywhere(tenant, token: str) -> None:
    assert set(OPERATIONS) == root_field_names(), "OPERATIONS must hold one operation per root field"
    for name, operation in sorted(OPERATIONS.items()):
        result = await tenant.gql(operation, token=token)
        if name in PUBLIC_FIELDS or name in AUTHENTICATED_FIELDS:
            assert code_of(result) != "FORBIDDEN", (name, result)
        else:
            assert code_of(result) == "FORBIDDEN", (name, result)
            assert result["data"] is None or set(result["data"].values()) == {None}, (name, result)
    # Nothing was written by any of the refused mutations.
    assert await Currency.filter(organization_id=tenant.organization_id, code="PERM").count() == 0
    names = data_of(await tenant.gql("{ serviceUsers { nodes { name } } permissionPolicies { nodes { name } } }"))
    assert "perm-robot" not in {n["name"] for n in names["serviceUsers"]["nodes"]}
    assert "perm" not in {n["name"] for n in names["permissionPolicies"]["nodes"]}
    assert data_of(await tenant.gql("{ organizationConfig { version } }"))["organizationConfig"]["version"] == 1


# --------------------------------------------------------------------------- tests


async def test_ingest_only_cannot_read_configuration(tenant):
    token = await principal(tenant, managed=["IngestOnly"])
    assert data_of(await tenant.gql(OPERATIONS["me"], token=token))["me"]["principalId"]
    for name in ("organizationConfig", "currencies", "currency", "serviceUsers", "users", "permissionPolicies",
                 "createCurrency", "updateOrganizationConfig"):
        result = await tenant.gql(OPERATIONS[name], token=token)
        assert code_of(result) == "FORBIDDEN", (name, result)


async def test_read_only_reads_but_cannot_write(tenant):
    token = await principal(tenant, managed=["ReadOnly"])
    data = data_of(await tenant.gql("""{ organizationConfig { version } currencies { totalCount nodes { code } }
      users { totalCount } serviceUsers { totalCount } permissionPolicies { totalCount } me { principalType } }""", token=token))
    assert data["organizationConfig"]["version"] == 1
    assert data["currencies"] == {"totalCount": 1, "nodes": [{"code": "USD"}]}
    assert data["serviceUsers"]["totalCount"] == 2
    assert data["permissionPolicies"]["totalCount"] == 3
    assert data["me"]["principalType"] == "SERVICE_USER"
    for name in ("createCurrency", "updateCurrency", "deleteCurrency", "updateOrganizationConfig", "inviteUser",
                 "createServiceUser", "createAccessKey", "updateAccessKey", "createPermissionPolicy",
                 "attachPermissionPolicy", "deleteServiceUser"):
        result = await tenant.gql(OPERATIONS[name], token=token)
        assert code_of(result) == "FORBIDDEN", (name, result)
    assert await Currency.filter(organization_id=tenant.organization_id).count() == 1


async def test_allow_all_with_deny_on_currency_updates(tenant):
    policy = await custom_policy(tenant, "All but currency updates", [
        {"effect": "ALLOW", "action": ["*"], "resource": ["*"]},
        {"effect": "DENY", "action": ["config:update"], "resource": ["config:currency/*"]},
    ])
    token = await principal(tenant, custom=[policy])
    created = data_of(await tenant.gql(CREATE_CURRENCY, {"code": "GBP"}, token=token))["createCurrency"]
    assert created["userErrors"] == [] and created["currency"]["code"] == "GBP"
    usd = data_of(await tenant.gql('{ currency(code: "USD") { id version } }', token=token))["currency"]
    for currency in (created["currency"], usd):
        result = await tenant.gql(UPDATE_CURRENCY, {"id": currency["id"], "version": currency["version"], "name": "Changed"}, token=token)
        assert code_of(result) == "FORBIDDEN"
    assert {c.name for c in await Currency.filter(organization_id=tenant.organization_id)} == {"GBP", "US Dollar"}
    # The DENY is about currencies only: other updates and other currency actions pass.
    config = data_of(await tenant.gql(OPERATIONS["updateOrganizationConfig"], token=token))["updateOrganizationConfig"]
    assert config["userErrors"] == []
    deleted = data_of(await tenant.gql(DELETE_CURRENCY, {"id": created["currency"]["id"], "version": 1}, token=token))["deleteCurrency"]
    assert deleted == {"deletedId": created["currency"]["id"], "userErrors": []}


async def test_deny_on_one_currency_item(tenant):
    eur, gbp = await add_currency(tenant, "EUR"), await add_currency(tenant, "GBP")
    deny = await custom_policy(tenant, "Hands off EUR", [
        {"effect": "DENY", "action": ["config:update"], "resource": [f"config:currency/item/{eur['id']}"]}])
    token = await principal(tenant, managed=["Administrator"], custom=[deny])

    for spelling in (eur["id"], eur["id"].upper()):
        result = await tenant.gql(UPDATE_CURRENCY, {"id": spelling, "version": 1, "name": "Changed"}, token=token)
        assert code_of(result) == "FORBIDDEN", spelling
    updated = data_of(await tenant.gql(UPDATE_CURRENCY, {"id": gbp["id"], "version": 1, "name": "Pound"}, token=token))["updateCurrency"]
    assert updated["userErrors"] == [] and updated["currency"]["version"] == 2
    # Only config:update is denied on EUR; reading and the collection are untouched.
    assert data_of(await tenant.gql("query($id: ID!) { currency(id: $id) { code } }", {"id": eur["id"]}, token=token))["currency"]["code"] == "EUR"
    assert (await Currency.get(id=eur["id"])).name == "EUR"


def _spellings(id_: str) -> list[str]:
    plain = uuid.UUID(id_)
    return [plain.hex, plain.hex.upper(), "{" + str(plain) + "}", plain.urn]


async def test_deny_on_one_item_cannot_be_dodged_by_respelling_the_id(tenant):
    """Ids are UUIDs: any spelling the resolver accepts for the denied item must be denied
    too (hex without hyphens, braces, urn:uuid:...)."""
    eur = await add_currency(tenant, "EUR")
    deny = await custom_policy(tenant, "Hands off EUR", [
        {"effect": "DENY", "action": ["config:update"], "resource": [f"config:currency/item/{eur['id']}"]}])
    token = await principal(tenant, managed=["Administrator"], custom=[deny])
    for spelling in _spellings(eur["id"]):
        result = await tenant.gql(UPDATE_CURRENCY, {"id": spelling, "version": 1, "name": "Changed"}, token=token)
        assert code_of(result) == "FORBIDDEN" or data_of(result)["updateCurrency"]["currency"] is None, (spelling, result)
    row = await Currency.get(id=eur["id"])
    assert (row.name, row.version) == ("EUR", 1)


async def test_deny_on_one_access_key_cannot_be_dodged_by_respelling_the_id(tenant):
    keys = data_of(await tenant.gql("{ serviceUsers { nodes { accessKeys { nodes { id accessKeyId } } } } }"))["serviceUsers"]["nodes"]
    admin_key = next(k for n in keys for k in n["accessKeys"]["nodes"] if k["accessKeyId"] == tenant.access_key_id)
    deny = await custom_policy(tenant, "Keep the admin key", [
        {"effect": "DENY", "action": ["users:manage"], "resource": [f"users:accessKey/item/{admin_key['id']}"]}])
    token = await principal(tenant, managed=["Administrator"], custom=[deny])
    update = f"""mutation($id: ID!) {{ updateAccessKey(input: {{id: $id, version: 1, status: INACTIVE}}) {{ accessKey {{ status }} {ERRORS} }} }}"""
    for spelling in [admin_key["id"], *_spellings(admin_key["id"])]:
        result = await tenant.gql(update, {"id": spelling}, token=token)
        assert code_of(result) == "FORBIDDEN" or data_of(result)["updateAccessKey"]["accessKey"] is None, (spelling, result)
    assert (await client_token(tenant.client, tenant.access_key_id, tenant.api_secret)).status_code == 200


async def test_no_policy_is_forbidden_everywhere(tenant):
    token = await principal(tenant)
    await assert_forbidden_everywhere(tenant, token)


async def test_deny_beats_administrator(tenant):
    no_reads = await custom_policy(tenant, "No reads", [{"effect": "DENY", "action": ["config:retrieve"], "resource": ["*"]}])
    token = await principal(tenant, managed=["Administrator"], custom=[no_reads])
    for name in ("organizationConfig", "currencies", "currency", "users", "serviceUsers", "permissionPolicies"):
        assert code_of(await tenant.gql(OPERATIONS[name], token=token)) == "FORBIDDEN", name
    created = data_of(await tenant.gql(CREATE_CURRENCY, {"code": "CHF"}, token=token))["createCurrency"]
    assert created["userErrors"] == [] and created["currency"]["code"] == "CHF"

    deny_all = await custom_policy(tenant, "Nothing", [{"effect": "DENY", "action": ["*"], "resource": ["*"]}])
    token = await principal(tenant, managed=["Administrator", "ReadOnly", "IngestOnly"], custom=[deny_all])
    await assert_forbidden_everywhere(tenant, token)


async def test_administrator_alone_passes_every_check(tenant):
    token = await principal(tenant, managed=["Administrator"])
    for name, operation in sorted(OPERATIONS.items()):
        if name in PUBLIC_FIELDS:
            continue  # no authorization to pass; their operations above use unknown credentials
        result = await tenant.gql(operation, token=token)
        assert code_of(result) is None, (name, result)


# ------------------------------------------------------------ declared on every field


def _root_fields() -> list[tuple[str, object]]:
    fields = []
    for root in (Query, Mutation):
        for field in root.__strawberry_definition__.fields:
            fields.append((schema.config.name_converter.get_graphql_name(field), field))
    subscription = schema.subscription
    if subscription is not None:
        for field in subscription.__strawberry_definition__.fields:
            fields.append((schema.config.name_converter.get_graphql_name(field), field))
    return fields


def test_every_root_field_declares_authorization():
    fields = _root_fields()
    assert {name for name, _ in fields} == root_field_names()
    public, authenticated = set(), set()
    for name, field in fields:
        marks = [e for e in field.extensions if isinstance(e, (Authorize, Authenticated, Public))]
        assert len(marks) == 1, f"{name} must carry exactly one Authorize, Authenticated or Public extension, has {field.extensions}"
        mark = marks[0]
        if isinstance(mark, Public):
            public.add(name)
            continue
        if isinstance(mark, Authenticated):
            authenticated.add(name)
            continue
        assert mark.action in ACTIONS, f"{name}: {mark.action!r} is not a concrete action"
        assert mark.kind and mark.kind.isidentifier(), name
    assert public == PUBLIC_FIELDS
    assert authenticated == AUTHENTICATED_FIELDS


def test_reads_need_retrieve_and_writes_do_not():
    for field in Query.__strawberry_definition__.fields:
        mark = next((e for e in field.extensions if isinstance(e, Authorize)), None)
        if mark is None:
            assert schema.config.name_converter.get_graphql_name(field) in AUTHENTICATED_FIELDS
            continue
        assert mark.action.endswith(":retrieve"), field.python_name
    for field in Mutation.__strawberry_definition__.fields:
        marks = [e for e in field.extensions if isinstance(e, Authorize)]
        assert not marks or not marks[0].action.endswith(":retrieve"), field.python_name


@pytest.mark.parametrize("name", sorted(PUBLIC_FIELDS))
def test_public_fields_are_mutations(name):
    mutation_names = {schema.config.name_converter.get_graphql_name(f) for f in Mutation.__strawberry_definition__.fields}
    assert name in mutation_names
