"""The scheduler tick (SEMANTICS §13.2): for each organization with a schedule, start the
due run once and make it ordinary bill jobs marked scheduled.

"Once" is a database fact: a run is claimed by inserting (organization, run instant) into
`scheduled_runs` with ON CONFLICT DO NOTHING, in the same transaction as its bill jobs, so
any number of workers ticking at the same moment start it exactly once, and a crash before
the commit leaves the run unclaimed for the next tick. The jobs are enqueued after the
commit; a lost enqueue is found by the bill-job sweep. "now" is an argument: the arq cron
passes the clock, tests pass any instant.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.domain import scheduling
from app.domain.timezones import local_date, parse_timezone
from app.models.billing import BillJob, ScheduledRun
from app.models.organization import OrganizationConfig
from app.services.billing import state
from app.services.billing.run import Enqueue
from app.services.billing.snapshots import load_catalog, load_organization
from app.services.billing.sweep import RUN_JOB
from app.services.events.windows import announce_closed_windows
from app.services.scheduling.ad_hoc import ad_hoc_bill_dates
from app.services.scheduling.approval import auto_approve_bills
from app.services.statements import request_statements

log = logging.getLogger("metergraph.scheduling")
ACTOR = "scheduler"


async def run_scheduled_billing(now: datetime, *, enqueue: Enqueue | None) -> list[ScheduledRun]:
    """Auto-approve what is due and start every organization's due run at `now`; the runs
    this call claimed."""
    started = []
    configs = OrganizationConfig.filter(
        Q(scheduled_bill_interval__gt=0) | Q(auto_approve_bills_grace_period__isnull=False)
    ).order_by("organization_id")
    for config in await configs:
        try:
            # Approve first: a run started now recalculates only after its jobs are done.
            approved = await auto_approve_bills(config, now)
            await request_statements(config.organization_id, approved, enqueue=enqueue)  # SEMANTICS §12.2 rule 2
            await announce_closed_windows(config, now)  # scheduled.bill.enddate (SEMANTICS §14.1)
            run = await start_due_run(config, now, enqueue=enqueue)
        except Exception:  # noqa: BLE001 - one organization's failure must not stop the others
            log.exception("scheduled billing of organization %s failed", config.organization_id)
            continue
        if run is not None:
            started.append(run)
    return started


async def start_due_run(config: OrganizationConfig, now: datetime, *, enqueue: Enqueue | None) -> ScheduledRun | None:
    """Claim and start the organization's due run; None when none is due or another
    worker claimed it first."""
    tz = parse_timezone(config.timezone)
    last = await ScheduledRun.filter(organization_id=config.organization_id).order_by("-run_at").first()
    interval = Decimal(config.scheduled_bill_interval)
    due = scheduling.due_run(interval, config.scheduled_bill_offset, tz, last.run_at if last else None, now)
    if due is None:
        return None
    bills = await open_bill_dates(config.organization_id, due)
    async with in_transaction() as conn:
        claimed = await conn.execute_query_dict(
            "INSERT INTO scheduled_runs (id, organization_id, version, dt_created, dt_last_modified, created_by,"
            " last_modified_by, run_at, bill_job_ids) VALUES ($1, $2, 1, now(), now(), $3, $3, $4, '[]')"
            " ON CONFLICT (organization_id, run_at) DO NOTHING RETURNING id",
            [uuid.uuid4(), config.organization_id, ACTOR, due],
        )
        if not claimed:
            return None
        cutoff = (await conn.execute_query_dict("SELECT clock_timestamp() AS now"))[0]["now"]
        jobs = [await _scheduled_job(conn, config.organization_id, due, cutoff, d, a) for d, a in sorted(bills.items())]
        runs = ScheduledRun.filter(id=claimed[0]["id"]).using_db(conn)
        await runs.update(bill_job_ids=[str(j.id) for j in jobs])
    await _enqueue(enqueue, jobs)
    return await ScheduledRun.get(id=claimed[0]["id"])


async def open_bill_dates(organization_id: uuid.UUID, at: datetime) -> dict[date, list[str]]:
    """The bill dates, with their accounts, that a run at `at` covers (§13.2 rule 2): plan
    bills and AD_HOC bills alike."""
    org = await load_organization(organization_id)
    tz = org.context.timezone
    today = local_date(at, tz)
    catalog = await load_catalog(
        organization_id, org, None, [today - timedelta(days=1), today + timedelta(days=2)], with_pricings=False
    )
    schedules = [
        scheduling.PlanSchedule(p.account_id, p.plan.frequency, p.plan.interval, p.epoch, p.start, p.end)
        for plans in catalog.account_plans.values()
        for p in plans
    ]
    found = scheduling.open_bill_dates(schedules, at, tz)
    # Days with only commitment fees or charges get AD_HOC bills (SEMANTICS §9.2 rule 4).
    for day, accounts in (await ad_hoc_bill_dates(organization_id, org, catalog.account_plans, at)).items():
        found.setdefault(day, set()).update(accounts)
    return {d: sorted(str(a) for a in accounts) for d, accounts in found.items()}


async def _scheduled_job(conn, organization_id, run_at: datetime, cutoff: datetime, bill_date: date, accounts):
    return await BillJob.create(
        using_db=conn,
        organization_id=organization_id,
        status=state.PENDING,
        type="CREATE",
        bill_date=bill_date,
        account_ids=accounts,
        dt_cutoff=cutoff,
        scheduled=True,
        triggered_at=run_at,
        created_by=ACTOR,
        last_modified_by=ACTOR,
    )


async def _enqueue(enqueue: Enqueue | None, jobs: list[BillJob]) -> None:
    for job in jobs if enqueue is not None else ():
        try:
            await enqueue(RUN_JOB, str(job.id), str(job.organization_id))  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - the job is stored; the bill-job sweep enqueues it
            log.warning("could not enqueue scheduled bill job %s; the sweep will", job.id, exc_info=True)
