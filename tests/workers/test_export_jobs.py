"""Export jobs (SEMANTICS §15.2 rule 3) through a real burst worker: COMPLETE with the
file's rowCount, byteSize and sha256; the download matches; another organization gets 404;
after the retention the expiry job deletes the file and the download answers 410."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from app.models.exports import ExportJob
from tests.conftest import data_of
from tests.http.test_exports import make_bill
from tests.workers import ingest_queue, run_burst_worker  # noqa: F401 - fixture

CREATE = """mutation($input: CreateExportJobInput!) { createExportJob(input: $input) {
  exportJob { id status kind format } userErrors { field code message } } }"""
JOB = "query($id: ID!) { exportJob(id: $id) { status rowCount byteSize sha256 expiresAt error downloadUrl } }"


async def test_export_job_completes_downloads_and_expires(tenant, other_tenant, ingest_queue):
    await make_bill(tenant, "acme", 2)
    created = data_of(
        await tenant.gql(CREATE, {"input": {"kind": "BILLS", "format": "CSV", "filters": {"from": "2024-10-01"}}})
    )["createExportJob"]
    assert created["userErrors"] == [] and created["exportJob"]["status"] == "PENDING"
    job_id = created["exportJob"]["id"]
    await run_burst_worker()
    job = data_of(await tenant.gql(JOB, {"id": job_id}))["exportJob"]
    assert job["status"] == "COMPLETE", job
    assert job["rowCount"] == 2 and job["downloadUrl"] == f"/exports/jobs/{job_id}/download"
    headers = {"Authorization": f"Bearer {tenant.token}"}
    download = await tenant.client.get(job["downloadUrl"], headers=headers)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == job["sha256"]
    assert len(download.content) == job["byteSize"]
    direct = await tenant.client.get("/exports/bills.csv", params={"from": "2024-10-01"}, headers=headers)
    assert direct.content == download.content
    elsewhere = await tenant.client.get(job["downloadUrl"], headers={"Authorization": f"Bearer {other_tenant.token}"})
    assert elsewhere.status_code == 404
    assert data_of(await other_tenant.gql(JOB, {"id": job_id}))["exportJob"] is None

    from workers.jobs import expire_export_jobs

    row = await ExportJob.get(id=job_id)
    # Other tests' jobs of this session may expire too: only this job's fate is checked.
    await expire_export_jobs({}, (row.expires_at - timedelta(seconds=1)).isoformat())
    assert (await ExportJob.get(id=job_id)).status == "COMPLETE"
    assert (await tenant.client.get(job["downloadUrl"], headers=headers)).status_code == 200
    assert await expire_export_jobs({}, (row.expires_at + timedelta(seconds=1)).isoformat()) >= 1
    assert (await tenant.client.get(job["downloadUrl"], headers=headers)).status_code == 410
    assert data_of(await tenant.gql(JOB, {"id": job_id}))["exportJob"]["status"] == "EXPIRED"
    assert row.expires_at - datetime.now(UTC) > timedelta(days=6)  # the default retention, 7 days


async def test_bad_filters_are_user_errors_at_their_path(tenant):
    result = data_of(
        await tenant.gql(CREATE, {"input": {"kind": "USAGE", "format": "JSONL", "filters": {"from": "2024-10-01"}}})
    )["createExportJob"]
    assert result["exportJob"] is None
    assert result["userErrors"] == [
        {"field": ["input", "filters", "to"], "code": "REQUIRED", "message": "a usage export needs from and to"}
    ]


async def test_the_sweep_enqueues_forgotten_jobs_and_fails_those_whose_worker_died(tenant, ingest_queue, app):
    """The database, not the queue, knows what is unfinished (DESIGN §1)."""
    from app.services.exports import CreateExportJob, create_export_job
    from workers.jobs import sweep_export_jobs

    org = uuid.UUID(tenant.organization_id)
    forgotten = await create_export_job(org, CreateExportJob("MEASUREMENTS", "JSONL", {}), actor="test")
    stuck = await create_export_job(org, CreateExportJob("BILLS", "CSV", {}), actor="test")
    # The sweep looks at every organization: jobs other tests left PENDING long enough ago
    # would be counted too (the suite reaches this test minutes after them). Settle them.
    await (
        ExportJob.filter(status__in=("PENDING", "RUNNING"))
        .exclude(id__in=[forgotten.id, stuck.id])
        .update(status="FAILED")
    )
    now = datetime.now(UTC)
    await ExportJob.filter(id=stuck.id).update(status="RUNNING", dt_started=now - timedelta(hours=3))
    ctx = {"redis": ingest_queue}
    assert await sweep_export_jobs(ctx, now.isoformat()) == (0, 1)  # too recent to be forgotten
    assert await sweep_export_jobs(ctx, (now + timedelta(minutes=6)).isoformat()) == (1, 0)
    await run_burst_worker()
    assert (await ExportJob.get(id=forgotten.id)).status == "COMPLETE"
    failed = await ExportJob.get(id=stuck.id)
    assert failed.status == "FAILED" and "create the job again" in failed.error
