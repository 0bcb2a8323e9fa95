"""Login (finding 9): argon2 runs off the event loop in a bounded pool, and wrong guesses
are throttled per email and per client address, through the real GraphQL `login`.

Each test logs in from a client address of its own (httpx's ASGI transport lets a test
choose it): a routable one, since loopback is throttled per identity only.
"""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest_asyncio

from app.services.rate_limits import config
from tests.graphql.test_access import LOGIN, PASSWORD, accept, invite, unique_email

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest_asyncio.fixture
async def from_address(app):
    """A client of the app whose requests come from an address of this test only."""
    transport = httpx.ASGITransport(app=app, client=(next(_addresses), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _user(tenant) -> str:
    email = unique_email("login")
    invited = await invite(tenant, email, ["ReadOnly"])
    await accept(tenant, invited["invitationToken"], PASSWORD)
    return email


async def _login(client: httpx.AsyncClient, email: str, password: str) -> dict:
    response = await client.post("/graphql", json={"query": LOGIN, "variables": {"email": email, "password": password}})
    assert response.status_code == 200, response.text
    return response.json()


def _code(result: dict) -> str | None:
    return result["errors"][0]["extensions"]["code"] if result.get("errors") else None


async def test_healthz_answers_while_logins_hash(tenant, from_address, client):
    """Ten concurrent logins; from the moment the first has its token until the last has
    its own, /healthz is called again and again. The nine remaining hashes run one after
    another in the pool, and meanwhile the loop serves /healthz many times: at least once
    per login still to finish. With argon2 on the loop, the ready logins ran back to back,
    each holding the loop for its whole hash, and /healthz got through once or twice."""
    email = await _user(tenant)
    logins = [asyncio.create_task(_login(from_address, email, PASSWORD)) for _ in range(10)]
    await asyncio.wait(logins, return_when=asyncio.FIRST_COMPLETED)
    remaining = sum(not task.done() for task in logins)
    served = 0
    while not all(task.done() for task in logins):
        assert (await client.get("/healthz")).status_code == 200
        served += 1
    results = await asyncio.gather(*logins)
    assert all(result["data"]["login"]["token"] for result in results)
    assert served >= remaining, f"/healthz served {served} times while {remaining} logins finished: loop blocked"


async def test_guesses_per_email_are_throttled_right_ones_are_not(tenant, from_address):
    email = await _user(tenant)
    # A right password is handed back: logging in more times than the budget never throttles.
    for _ in range(3):
        assert _code(await _login(from_address, email, PASSWORD)) is None
    budget = config.GUESSES_PER_IDENTITY.burst
    for _ in range(budget):
        assert _code(await _login(from_address, email, "a wrong password")) == "UNAUTHENTICATED"
    refused = await _login(from_address, email, PASSWORD)  # even the right password: no more guesses now
    assert _code(refused) == "RATE_LIMITED", refused
    assert refused["errors"][0]["extensions"]["retryAfter"] >= 1
    assert refused["data"] is None


async def test_guesses_per_address_are_throttled_across_emails(tenant, app, monkeypatch):
    """Spraying many emails from one address runs out of the address's budget. The budget
    is lowered for this test so that it needs a few argon2 hashes, not a hundred."""
    monkeypatch.setattr(config, "GUESSES_PER_ADDRESS", config.Rate(per_second=1 / 60, burst=3))
    transport = httpx.ASGITransport(app=app, client=(next(_addresses), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as sprayer:
        for n in range(3):
            assert _code(await _login(sprayer, unique_email(f"spray{n}"), "a wrong password")) == "UNAUTHENTICATED"
        assert _code(await _login(sprayer, unique_email("spray"), "a wrong password")) == "RATE_LIMITED"
    # Another address guessing at a fresh email is unaffected.
    transport = httpx.ASGITransport(app=app, client=(next(_addresses), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        assert _code(await _login(other, unique_email("spray"), "a wrong password")) == "UNAUTHENTICATED"
