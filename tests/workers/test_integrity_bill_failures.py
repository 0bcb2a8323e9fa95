"""Bill job failures (findings 12 and 13): a transient database error while a chunk loads
leaves its accounts to be billed again, never FAILED; what a client reads of a failure
(`failureReason`, an account's reason) never carries an exception's own text."""

from __future__ import annotations

import pytest

from app.db import connection
from app.services import billing
from app.services.billing import run, work
from app.services.billing.commands import CreateBillJob
from tests.services import ACTOR, BILL_DATE, new_world

SECRET = "relation internal_secret_table does not exist at /srv/app/secret.py"


async def _lose_the_connection() -> None:
    """A real connection loss: the server ends this backend in the middle of the work."""
    async with connection() as conn:
        await conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")


async def test_a_connection_lost_while_a_chunk_loads_leaves_its_accounts_to_retry(app, monkeypatch):
    monkeypatch.setattr(run, "TRANSIENT_PAUSE_SECONDS", 0.01, raising=False)
    real_requests, calls = work.job_requests, []

    async def losing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            await _lose_the_connection()
        return await real_requests(*args, **kwargs)

    monkeypatch.setattr(work, "job_requests", losing_once)
    world = await new_world()
    for code in ("acme", "bolt"):
        await world.account(code)
        await world.measure(code, 700)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)

    job = await world.job(job.id)
    assert len(calls) == 2  # the chunk was loaded again
    assert (job.status, job.total, job.pending, job.failed) == ("COMPLETE", 2, 0, 0)
    assert [str(b.bill_total) for b in await world.bills()] == ["125.00", "125.00"]


async def test_a_connection_lost_while_a_job_initializes_leaves_it_to_resume(app, monkeypatch):
    real_accounts, calls = run.job_accounts, []

    async def losing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            await _lose_the_connection()
        return await real_accounts(*args, **kwargs)

    monkeypatch.setattr(run, "job_accounts", losing_once)
    world = await new_world()
    await world.account("acme")
    await world.measure("acme", 700)
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    assert (await world.job(job.id)).status == "INITIALIZING"  # not FAILED: the sweep resumes it

    await billing.run_bill_job(world.organization_id, job.id)  # what the sweep's enqueue runs
    job = await world.job(job.id)
    assert (job.status, job.total, job.failed) == ("COMPLETE", 1, 0)
    assert str((await world.bill_of("acme")).bill_total) == "125.00"


async def test_a_chunk_that_cannot_load_fails_its_accounts_without_the_error_text(app, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(work, "job_requests", broken)
    world = await new_world()
    await world.account("acme")
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)

    job = await world.job(job.id)
    assert (job.status, job.failed) == ("COMPLETE", 1)  # deterministic: failed once, not retried forever
    reasons = [f["reason"] for f in await _failures(job.id)]
    assert len(reasons) == 1 and "internal error (reference " in reasons[0]
    assert "secret" not in reasons[0] and "RuntimeError" not in reasons[0]


async def test_failure_reason_of_a_job_that_cannot_start_hides_the_error_text(app, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(run, "job_accounts", broken)
    world = await new_world()
    await world.account("acme")
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(bill_date=BILL_DATE), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)

    job = await world.job(job.id)
    assert job.status == "FAILED"
    assert job.failure_reason.startswith("could not initialize: internal error (reference ")
    assert "secret" not in job.failure_reason and "RuntimeError" not in job.failure_reason
    reference = job.failure_reason.rsplit(" ", 1)[1].rstrip(")")
    # The operator finds the detail in the log under the reference the client sees.
    assert any(reference in r.getMessage() and SECRET in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


async def _failures(job_id) -> list[dict]:
    async with connection() as conn:
        rows = await conn.fetch(
            "SELECT reason FROM bill_job_accounts WHERE bill_job_id = $1 AND status = 'FAILED'", job_id
        )
    return [dict(r) for r in rows]


pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")
