"""A NUL byte in credentials is a failed credential, never a server error (issue 11,
finding 11). PostgreSQL text cannot hold NUL: the lookup itself used to fail (500 on
`/oauth/token`, INTERNAL on `login`)."""

from __future__ import annotations

import base64

import pytest

from tests.case_ids import case_id
from tests.conftest import client_token

LOGIN = 'mutation($email: String!) { login(email: $email, password: "long enough pw") { token userErrors { code } } }'


@pytest.mark.parametrize("key_id", ["AB\x00CD", "\x00", "ABCDEF\x00"], ids=case_id)
async def test_nul_in_the_key_id_is_401(tenant, key_id):
    response = await client_token(tenant.client, key_id, tenant.api_secret)
    assert response.status_code == 401, response.text
    assert response.json() == {"message": "invalid client credentials"}


async def test_nul_after_a_real_key_id_is_401(tenant):
    raw = base64.b64encode(f"{tenant.access_key_id}\x00:{tenant.api_secret}".encode()).decode()
    response = await tenant.client.post(
        "/oauth/token", headers={"Authorization": f"Basic {raw}"}, data={"grant_type": "client_credentials"}
    )
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("email", ["a\x00@example.com", "\x00", "admin@example.com\x00"], ids=case_id)
async def test_nul_in_the_login_email_is_refused_as_bad_input(tenant, email):
    # The input bounds refuse a NUL in any string before the resolver runs, naming the
    # variable; before them this was an INTERNAL error.
    result = await tenant.gql(LOGIN, {"email": email}, token="")
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"], result
    assert "$email" in result["errors"][0]["message"], result
    assert not (result.get("data") or {}).get("login"), result
