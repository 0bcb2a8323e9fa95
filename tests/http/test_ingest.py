"""`POST /organizations/{orgId}/measurements` (SEMANTICS §6, CONTRACT §2).

Every whole-request refusal is checked to store nothing; per-item problems are the
worker's (tests/workers/test_ingest_jobs.py).
"""

from __future__ import annotations

import json
import uuid

import pytest

from app.models.ingest import MeasurementBatch
from app.services.ingest import job_id
from tests.conftest import client_token, data_of
from tests.workers import INGEST_QUEUE, ingest_queue, post_measurements  # noqa: F401 - fixture

TS = "2026-01-15T10:00:00Z"
ONE = {"uid": "u-1", "meter": "storage", "account": "acme", "ts": TS, "measure": {"gb": 1.5}}


async def batches_of(tenant) -> int:
    return await MeasurementBatch.filter(organization_id=tenant.organization_id).count()


async def test_an_accepted_batch_is_stored_and_enqueued(tenant, ingest_queue):
    response = await post_measurements(tenant, [ONE, {**ONE, "uid": "u-2"}])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"] == "accepted"
    batch = await MeasurementBatch.get(id=body["batchId"])
    assert (str(batch.organization_id), batch.status, batch.item_count, batch.source) == (
        tenant.organization_id,
        "PENDING",
        2,
        "REST",
    )
    assert json.loads(batch.body)["measurements"][0] == ONE  # the body exactly as sent
    assert await ingest_queue.exists(f"arq:job:{job_id(batch.id)}")
    assert await ingest_queue.zcard(INGEST_QUEUE) == 1


async def test_a_batch_is_accepted_while_redis_is_unreachable(tenant, app, monkeypatch):
    async def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(app.state.arq, "enqueue_job", unreachable)
    response = await post_measurements(tenant, [ONE])
    assert response.status_code == 200, response.text
    assert (await MeasurementBatch.get(id=response.json()["batchId"])).status == "PENDING"  # the sweep's job now


def _padded(size: int) -> bytes:
    body = json.dumps({"measurements": [ONE]}).encode()
    return body + b" " * (size - len(body))  # JSON allows trailing whitespace


async def test_a_body_just_under_512000_bytes_is_accepted(tenant, ingest_queue):
    response = await post_measurements(tenant, body=_padded(511_999))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("size", [512_000, 900_000])
async def test_a_body_of_512000_bytes_or_more_is_refused(tenant, ingest_queue, size):
    response = await post_measurements(tenant, body=_padded(size))
    assert response.status_code == 413
    assert "512000" in response.json()["message"]
    assert await batches_of(tenant) == 0


WHOLE_REQUEST_REFUSALS = {
    "malformed JSON": (b'{"measurements": [', "malformed JSON"),
    "not an object": (b"[]", "body"),
    "no measurements key": (b"{}", "measurements: required"),
    "zero items": (json.dumps({"measurements": []}).encode(), "1–1000"),
    "1001 items": (json.dumps({"measurements": [ONE] * 1001}).encode(), "1–1000"),
    "missing meter": (
        json.dumps({"measurements": [ONE, {k: v for k, v in ONE.items() if k != "meter"}]}).encode(),
        "measurements[1].meter",
    ),
    "missing account": (
        json.dumps({"measurements": [{k: v for k, v in ONE.items() if k != "account"}]}).encode(),
        "measurements[0].account",
    ),
    "missing ts": (
        json.dumps({"measurements": [ONE, ONE, {k: v for k, v in ONE.items() if k != "ts"}]}).encode(),
        "measurements[2].ts",
    ),
    "unparseable ts": (json.dumps({"measurements": [ONE, {**ONE, "ts": "yesterday"}]}).encode(), "measurements[1].ts"),
    "impossible ts": (
        json.dumps({"measurements": [{**ONE, "ts": "2026-02-30T00:00:00Z"}]}).encode(),
        "measurements[0].ts",
    ),
    "meter not a string": (json.dumps({"measurements": [{**ONE, "meter": 7}]}).encode(), "measurements[0].meter"),
    "nested too deeply": (
        json.dumps({"measurements": [{**ONE, "measure": {"x": 1}}]})
        .replace('"x": 1', '"x": ' + "[" * 5000 + "]" * 5000)
        .encode(),
        "nested too deeply",
    ),
    "section not an object": (
        json.dumps({"measurements": [{**ONE, "measure": [1]}]}).encode(),
        "measurements[0].measure",
    ),
}


@pytest.mark.parametrize("case", sorted(WHOLE_REQUEST_REFUSALS))
async def test_a_malformed_request_is_refused_whole_naming_index_and_field(tenant, ingest_queue, case):
    body, expected = WHOLE_REQUEST_REFUSALS[case]
    response = await post_measurements(tenant, body=body)
    assert response.status_code == 400, response.text
    assert expected in response.json()["message"]
    assert await batches_of(tenant) == 0
    assert await ingest_queue.zcard(INGEST_QUEUE) == 0


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc", "Bearer "])
async def test_a_missing_or_bad_token_is_401(tenant, ingest_queue, header):
    headers = {"Authorization": header} if header else {}
    response = await tenant.client.post(
        f"/organizations/{tenant.organization_id}/measurements",
        content=json.dumps({"measurements": [ONE]}),
        headers=headers,
    )
    assert response.status_code == 401
    assert response.json()["message"]
    assert await batches_of(tenant) == 0


async def test_a_token_of_another_organization_is_403(tenant, other_tenant, ingest_queue):
    response = await post_measurements(tenant, [ONE], token=other_tenant.token)
    assert response.status_code == 403
    response = await post_measurements(tenant, [ONE], organization_id="not-a-uuid")
    assert response.status_code == 403
    assert await batches_of(tenant) == 0 and await batches_of(other_tenant) == 0


async def _token_with(tenant, policy: str) -> str:
    policies = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    policy_id = next(p["id"] for p in policies if p["name"] == policy)
    created = data_of(
        await tenant.gql(
            """mutation($input: CreateServiceUserInput!) {
      createServiceUser(input: $input) { serviceUser { id } } }""",
            {"input": {"name": f"robot-{uuid.uuid4().hex[:8]}", "permissionPolicyIds": [policy_id]}},
        )
    )
    key = data_of(
        await tenant.gql(
            """mutation($id: ID!) { createAccessKey(input: {serviceUserId: $id}) {
      accessKey { accessKeyId } apiSecret } }""",
            {"id": created["createServiceUser"]["serviceUser"]["id"]},
        )
    )["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    return response.json()["access_token"]


async def test_a_token_without_measurements_upload_is_403(tenant, ingest_queue):
    response = await post_measurements(tenant, [ONE], token=await _token_with(tenant, "ReadOnly"))
    assert response.status_code == 403
    assert "measurements:upload" in response.json()["message"]
    assert await batches_of(tenant) == 0


async def test_an_ingest_only_token_uploads(tenant, ingest_queue):
    response = await post_measurements(tenant, [ONE], token=await _token_with(tenant, "IngestOnly"))
    assert response.status_code == 200, response.text
    assert await batches_of(tenant) == 1


async def test_the_route_takes_only_post(tenant):
    response = await tenant.client.get(f"/organizations/{tenant.organization_id}/measurements")
    assert response.status_code == 405
