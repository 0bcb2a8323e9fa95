"""GraphQL rate limits (CONTRACT §5): an operation beyond its organization's or access
key's limit is a top-level RATE_LIMITED error with extensions.retryAfter (over HTTP, a 429
with a Retry-After header); an administrator sets the limits in organizationConfig.rateLimits."""

from __future__ import annotations

from tests.conftest import client_token, data_of
from tests.graphql.test_access import create_key, create_service_user
from tests.http.test_rate_limits import set_limits

ME = "{ me { organizationId } }"
LIMITS = """{ organizationConfig { version rateLimits {
  graphqlPerOrganization { requestsPerSecond burst } graphqlPerAccessKey { requestsPerSecond burst }
  ingestPerOrganization { requestsPerSecond burst } ingestPerAccessKey { requestsPerSecond burst } } } }"""
UPDATE = """mutation($input: UpdateOrganizationConfigInput!) { updateOrganizationConfig(input: $input) {
  organizationConfig { version rateLimits { graphqlPerAccessKey { requestsPerSecond burst }
    ingestPerOrganization { requestsPerSecond burst } } }
  userErrors { field code message } } }"""


async def _post(tenant, query: str, token: str | None = None):
    return await tenant.client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token or tenant.token}"}
    )


async def test_operations_beyond_the_access_key_limit_are_rate_limited(tenant):
    await set_limits(tenant, graphqlPerAccessKey=(1, 3))
    for _ in range(3):
        assert "errors" not in (await _post(tenant, ME)).json()
    response = await _post(tenant, ME)
    assert response.status_code == 429
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1
    assert "access key" in error["message"]
    assert int(response.headers["Retry-After"]) == error["extensions"]["retryAfter"]


async def test_a_refused_mutation_changes_nothing(tenant):
    await set_limits(tenant, graphqlPerAccessKey=(1, 1))
    assert "errors" not in (await _post(tenant, ME)).json()
    refused = await _post(tenant, 'mutation { createCurrency(input: {code: "EUR", name: "Euro"}) { currency { id } } }')
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    await set_limits(tenant, graphqlPerAccessKey=None)
    currencies = data_of(await tenant.gql('{ currencies(codes: ["EUR"]) { totalCount } }'))
    assert currencies["currencies"]["totalCount"] == 0


async def test_the_organization_limit_spans_its_access_keys(tenant):
    service_user = await create_service_user(tenant, "second", ["ReadOnly"])
    key = await create_key(tenant, service_user["id"])
    exchanged = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    second = exchanged.json()["access_token"]
    await set_limits(tenant, graphqlPerOrganization=(1, 2))
    assert "errors" not in (await _post(tenant, ME)).json()
    assert "errors" not in (await _post(tenant, ME, second)).json()
    for token in (tenant.token, second):
        assert (await _post(tenant, ME, token)).json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_limits_are_per_organization(tenant, other_tenant):
    await set_limits(tenant, graphqlPerOrganization=(1, 1))
    assert "errors" not in (await _post(tenant, ME)).json()
    assert (await _post(tenant, ME)).json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "errors" not in (await _post(other_tenant, ME)).json()


async def test_an_administrator_reads_and_changes_the_limits(tenant):
    config = data_of(await tenant.gql(LIMITS))["organizationConfig"]
    assert config["rateLimits"]["graphqlPerAccessKey"] == {"requestsPerSecond": 100, "burst": 500}
    changed = data_of(
        await tenant.gql(
            UPDATE,
            {
                "input": {
                    "version": config["version"],
                    "rateLimits": {"graphqlPerAccessKey": {"requestsPerSecond": 50, "burst": 60}},
                }
            },
        )
    )["updateOrganizationConfig"]
    assert changed["userErrors"] == []
    limits = changed["organizationConfig"]["rateLimits"]
    assert limits["graphqlPerAccessKey"] == {"requestsPerSecond": 50, "burst": 60}
    assert limits["ingestPerOrganization"] == {"requestsPerSecond": 100, "burst": 200}  # untouched: the default
    reset = data_of(
        await tenant.gql(
            UPDATE,
            {
                "input": {
                    "version": changed["organizationConfig"]["version"],
                    "rateLimits": {"graphqlPerAccessKey": None},
                }
            },
        )
    )
    assert reset["updateOrganizationConfig"]["organizationConfig"]["rateLimits"]["graphqlPerAccessKey"] == {
        "requestsPerSecond": 100,
        "burst": 500,
    }


async def test_out_of_range_limits_are_refused_by_path_and_change_nothing(tenant):
    version = data_of(await tenant.gql(LIMITS))["organizationConfig"]["version"]
    refused = data_of(
        await tenant.gql(
            UPDATE,
            {
                "input": {
                    "version": version,
                    "rateLimits": {
                        "graphqlPerAccessKey": {"requestsPerSecond": 0, "burst": 100_001},
                        "ingestPerOrganization": {"requestsPerSecond": 10, "burst": 10},
                    },
                }
            },
        )
    )["updateOrganizationConfig"]
    assert refused["organizationConfig"] is None
    assert sorted(e["field"] for e in refused["userErrors"]) == [
        ["input", "rateLimits", "graphqlPerAccessKey", "burst"],
        ["input", "rateLimits", "graphqlPerAccessKey", "requestsPerSecond"],
    ]
    after = data_of(await tenant.gql(LIMITS))["organizationConfig"]
    assert after["version"] == version
    assert after["rateLimits"]["ingestPerOrganization"] == {"requestsPerSecond": 100, "burst": 200}


async def test_login_without_a_token_is_not_counted_against_an_organization(tenant):
    """Operations without a principal have no organization to count against; their guesses
    are throttled on their own (tests/services/test_login_throttle.py)."""
    await set_limits(tenant, graphqlPerOrganization=(1, 1))
    for _ in range(3):
        result = await tenant.gql('mutation { login(email: "nobody@example.com", password: "x") { token } }', token="")
        assert result["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED",), result
    assert "errors" not in (await _post(tenant, ME)).json()
