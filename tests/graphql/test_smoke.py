from tests.conftest import data_of


async def test_me_and_config(tenant):
    result = await tenant.gql(
        "{ me { organizationId principalType } organizationConfig { timezone currency version dayEpoch weekEpoch } }"
    )
    data = data_of(result)
    assert data["me"] == {"organizationId": tenant.organization_id, "principalType": "SERVICE_USER"}
    assert data["organizationConfig"]["timezone"] == "UTC"
    assert data["organizationConfig"]["currency"] == "USD"
    assert data["organizationConfig"]["weekEpoch"] == "2022-01-04"
