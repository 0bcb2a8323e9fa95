"""`metergraph demo`, run twice on one database as a user would (the entry point, in a
subprocess): the first run loads the organization and its bills, the second creates
nothing and says so. What it made is read back through the public API with the
credentials it printed.

No `metergraph dev` runs here, so the demo runs a worker of its own; it consumes this
test's own queue (`--queue-name`), away from other sessions sharing the Redis.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from decimal import Decimal

import asyncpg
from redis import Redis

from app.models.accounts import Account
from app.models.billing import Bill, BillJob
from app.models.ingest import MeasurementBatch
from app.models.organization import Organization
from app.services.demo import CREDENTIALS_MARK, DEMO_NAME
from tests.conftest import Tenant, client_token, data_of
from tests.test_dev_walkthrough import fresh_database  # noqa: F401 - fixture
from tests.test_embedded_dev import METERGRAPH, ROOT

QUEUE = f"metergraph:test-demo:{uuid.uuid4().hex[:10]}"
READ = """{ accounts(first: 100) { totalCount nodes { code parentAccountId commitments { totalCount } } }
  billJobs { totalCount nodes { status lastDateInBillingPeriod } }
  bills(first: 100) { totalCount nodes { accountCode billDate billTotal
    lineItems(first: 100) { nodes { lineItemType } } } }
  products { nodes { code meters { nodes { code derivedFields { code } } } compoundAggregations { totalCount } } } }"""


def demo(settings, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METERGRAPH_")}
    env.update(
        DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url, METERGRAPH_SECRET_KEY=settings.secret_key
    )
    return subprocess.run(
        [str(METERGRAPH), "demo", "--data-dir", str(tmp_path / "data"), "--queue-name", QUEUE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def counts(organization_id) -> tuple[int, ...]:  # noqa: ANN001
    """Demo organizations, accounts, batches, measurements stored, bill jobs, bills."""
    stored = await MeasurementBatch.filter(organization_id=organization_id).values_list("stored", flat=True)
    return (
        await Organization.filter(name=DEMO_NAME).count(),
        await Account.filter(organization_id=organization_id).count(),
        len(stored),
        sum(stored),
        await BillJob.filter(organization_id=organization_id).count(),
        await Bill.filter(organization_id=organization_id).count(),
    )


async def test_demo_loads_once_and_then_says_it_exists(client, settings, tmp_path):
    first = demo(settings, tmp_path)
    assert first.returncode == 0, first.stderr
    credentials = json.loads(
        next(x for x in first.stdout.splitlines() if x.startswith(CREDENTIALS_MARK)).split(CREDENTIALS_MARK, 1)[1]
    )
    before = await counts(credentials["organizationId"])
    assert before[:2] == (1, 10) and before[3] > 2000 and before[4:] == (2, 16), before

    second = demo(settings, tmp_path)
    assert second.returncode == 0, second.stderr
    organization_id = credentials["organizationId"]
    assert (
        f'The demo organization "{DEMO_NAME}" already exists ({organization_id}); nothing was created.' in second.stdout
    )
    assert CREDENTIALS_MARK not in second.stdout
    assert await counts(credentials["organizationId"]) == before

    response = await client_token(client, credentials["accessKeyId"], credentials["apiSecret"])
    tenant = Tenant(client, credentials, response.json()["access_token"])
    data = data_of(await tenant.gql(READ))
    accounts = {a["code"]: a for a in data["accounts"]["nodes"]}
    parent = await Account.get(organization_id=tenant.organization_id, code="northwind")
    children = sorted(c for c, a in accounts.items() if a["parentAccountId"] == str(parent.id))
    assert children == ["northwind-eu", "northwind-us"]
    assert accounts["globex"]["commitments"]["totalCount"] == 1
    assert sorted(j["status"] for j in data["billJobs"]["nodes"]) == ["COMPLETE", "COMPLETE"]
    bills = data["bills"]["nodes"]
    assert len(bills) == 16 and len({b["billDate"] for b in bills}) == 2
    assert all(Decimal(b["billTotal"]) > 0 for b in bills)
    types = {line["lineItemType"] for b in bills for line in b["lineItems"]["nodes"]}
    assert {"USAGE", "STANDING_CHARGE", "COMMITMENT_FEE", "COMMITMENT_CONSUMED"} <= types, types
    products = {p["code"]: p for p in data["products"]["nodes"]}
    assert set(products) == {"cloud-storage", "api"} and products["api"]["compoundAggregations"]["totalCount"] == 1
    assert await MeasurementBatch.filter(organization_id=tenant.organization_id, rejected__gt=0).count() == 0


def test_a_second_loader_stands_down_while_one_is_loading(service_urls, fresh_database, tmp_path):
    """`make dev DEV_ARGS=--demo` and `make demo` side by side would both find no demo: the
    loader that comes second (here: while the lock of a first one is held) creates nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("METERGRAPH_")}
    env.update(DATABASE_URL=fresh_database, REDIS_URL=service_urls[1])
    subprocess.run([str(METERGRAPH), "migrate", "--data-dir", str(tmp_path)], env=env, check=True, capture_output=True)
    queue = f"metergraph:test-demo-race:{uuid.uuid4().hex[:10]}"
    redis = Redis.from_url(service_urls[1])
    redis.set(f"metergraph:demo-loader:{queue}", "a first loader", ex=60)
    try:
        second = subprocess.run(
            [str(METERGRAPH), "demo", "--data-dir", str(tmp_path), "--queue-name", queue],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert redis.get(f"metergraph:demo-loader:{queue}") == b"a first loader"  # not its lock to release
    finally:
        redis.delete(f"metergraph:demo-loader:{queue}")
        redis.close()
    assert second.returncode == 0, second.stderr
    assert f'Another `metergraph demo` is loading "{DEMO_NAME}" right now; nothing was created.' in second.stdout
    assert asyncio.run(demo_organizations(fresh_database)) == 0


async def demo_organizations(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval("SELECT count(*) FROM organizations WHERE name = $1", DEMO_NAME)
    finally:
        await connection.close()
