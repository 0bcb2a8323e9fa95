"""Export jobs at the end of their life (SEMANTICS §15.2 rule 3): a job past its retention
reads EXPIRED, without a download URL, as soon as its download answers 410 (not an hour
later, when the expiry sweep marks the row); a job whose worker died leaves no half-written
file behind."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.models.exports import COMPLETE, FAILED, RUNNING, ExportJob
from app.services.exports import CreateExportJob, create_export_job, run_export_job, sweep_export_jobs
from app.services.exports.jobs import data_dir
from tests.conftest import data_of
from tests.http.test_exports import make_bill

JOB = "query($id: ID!) { exportJob(id: $id) { status downloadUrl } }"


async def test_a_job_past_its_retention_reads_expired_before_the_sweep(tenant):
    await make_bill(tenant, "acme", 1)
    org = uuid.UUID(tenant.organization_id)
    job = await create_export_job(org, CreateExportJob("BILLS", "CSV", {}), actor="test")
    assert await run_export_job(org, job.id) == COMPLETE
    job_id = str(job.id)
    assert data_of(await tenant.gql(JOB, {"id": job_id}))["exportJob"]["status"] == "COMPLETE"
    await ExportJob.filter(id=job.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    download = await tenant.client.get(
        f"/exports/jobs/{job_id}/download", headers={"Authorization": f"Bearer {tenant.token}"}
    )
    assert download.status_code == 410
    shown = data_of(await tenant.gql(JOB, {"id": job_id}))["exportJob"]
    assert shown == {"status": "EXPIRED", "downloadUrl": None}
    listed = data_of(await tenant.gql("{ exportJobs { nodes { id status downloadUrl } } }"))["exportJobs"]["nodes"]
    assert {"id": job_id, "status": "EXPIRED", "downloadUrl": None} in listed


async def test_a_dead_workers_partial_file_is_deleted_with_its_job(tenant):
    org = uuid.UUID(tenant.organization_id)
    job = await create_export_job(org, CreateExportJob("BILLS", "JSONL", {}), actor="test")
    started = datetime.now(UTC) - timedelta(hours=3)
    await ExportJob.filter(id=job.id).update(status=RUNNING, dt_started=started)
    partial = data_dir() / "exports" / str(org) / f"{job.id}.jsonl.partial"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b'{"half":')  # what the worker wrote before it was killed

    async def enqueue(*args: str) -> None:
        pass

    _, failed = await sweep_export_jobs(datetime.now(UTC), enqueue)
    assert failed >= 1
    assert (await ExportJob.get(id=job.id)).status == FAILED
    assert not partial.exists()
