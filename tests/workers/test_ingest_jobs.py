"""Processing accepted batches with a real in-process arq burst worker (SEMANTICS §6).

Reliability: a failure injected after part of a batch is written, Redis losing the
queue, the same batch twice, concurrent overlapping uids: every measurement is stored
exactly once.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from app.db import connection
from app.models.accounts import Account
from app.models.ingest import IngestFailure, MeasurementBatch
from app.services import ingest
from app.services.ingest import store
from tests.conftest import data_of
from tests.workers import (
    INGEST_QUEUE,
    accepted_batch,
    forget_jobs,
    ingest_queue,  # noqa: F401 - fixture
    make_meter,
    run_burst_worker,
)
from workers.settings import worker_options

NOW = datetime.now(UTC)  # a fixed past instant for ordinary items


def now() -> datetime:
    """The clock when an item is built: future-ts edges are judged against acceptance
    time, so they must not be computed when the module is imported."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def item(uid: str | None = None, account: str = "acme", gb: object = 10, **extra: object) -> dict:
    measurement = {
        "meter": "storage",
        "account": account,
        "ts": iso(NOW - timedelta(hours=1)),
        "who": {"region": "eu"},
        "measure": {"gb": gb, "divisor": 4},
    }
    if uid is not None:
        measurement["uid"] = uid
    measurement.update(extra)
    return measurement


async def stored_rows(organization_id: str) -> list[dict]:
    async with connection() as conn:
        rows = await conn.fetch(
            "SELECT uid, batch_id, batch_index, data::text AS data FROM measurements "
            "WHERE organization_id = $1 ORDER BY batch_id, batch_index",
            uuid.UUID(organization_id),
        )
    return [dict(r) for r in rows]


async def stored_uids(organization_id: str) -> list[str]:
    return sorted(r["uid"] for r in await stored_rows(organization_id) if r["uid"] is not None)


async def test_a_batch_is_stored_with_derived_fields_and_per_item_failures(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(
        tenant,
        [
            item("ok-1", gb=10),
            item("ok-2", account="brand-new", gb=1.5),
            {**item("bad-meter"), "meter": "nope"},
            item("bad-field", who={"region": "eu", "colour": "red"}),
            item("bad-type", gb="ten"),
            item("long-note", metadata={"note": "x" * 257}),
            item("future", ts=iso(now() + timedelta(minutes=6))),
            item("derived", measure={"gb": 8, "divisor": 0}),
            item("ok-3", metadata={"note": "x" * 256}, ts=iso(now() + timedelta(minutes=4))),
        ],
    )
    assert (await MeasurementBatch.get(id=batch_id)).status == "PENDING"

    await run_burst_worker()

    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.stored, batch.duplicates, batch.rejected) == ("PROCESSED", 3, 0, 6)
    failures = {f.batch_index: (f.uid, f.code) for f in await IngestFailure.filter(batch_id=batch_id)}
    assert failures == {
        2: ("bad-meter", "UNKNOWN_METER"),
        3: ("bad-field", "UNKNOWN_FIELD"),
        4: ("bad-type", "WRONG_TYPE"),
        5: ("long-note", "METADATA_TOO_LONG"),
        6: ("future", "TS_IN_FUTURE"),
        7: ("derived", "DERIVED_FIELD"),
    }
    rows = {r["uid"]: json.loads(r["data"], parse_float=Decimal) for r in await stored_rows(tenant.organization_id)}
    assert rows["ok-1"] == {"region": "eu", "gb": 10, "divisor": 4, "cost": Decimal("2.50"), "share": Decimal("2.5")}
    assert rows["ok-2"]["cost"] == Decimal("0.375")
    assert rows["ok-3"]["note"] == "x" * 256
    created = await Account.get(organization_id=tenant.organization_id, code="brand-new")
    assert created.auto_created and created.name == "brand-new-autocreated"


ACCOUNT_EVENTS = """query($id: ID!) { events(filter: {entityId: $id}) { nodes { type sequence payload } } }"""


async def account_created_events(organization_id: uuid.UUID) -> dict[str, int]:
    """Per account code, how many `configuration.account.created` events it has."""
    async with connection() as conn:
        rows = await conn.fetch(
            """SELECT a.code, count(e.id) AS n FROM accounts a
               LEFT JOIN event e ON e.organization_id = a.organization_id AND e.entity_id = a.id
                                AND e.type = 'configuration.account.created'
               WHERE a.organization_id = $1 GROUP BY a.code""",
            organization_id,
        )
    return {row["code"]: row["n"] for row in rows}


async def test_an_account_created_by_ingest_has_its_created_event_and_its_sequence_has_no_gap(tenant, ingest_queue):
    """SEMANTICS §14.2: a committed change has its event. An account that a measurement
    creates had none, so its first event (an update) came at sequence 2."""
    await make_meter(tenant.organization_id)
    await accepted_batch(tenant, [item(f"e-{n}", account="fresh-one") for n in range(3)])
    await run_burst_worker()
    account = await Account.get(organization_id=tenant.organization_id, code="fresh-one")
    mutation = "mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { userErrors { message } } }"
    updated = data_of(await tenant.gql(mutation, {"input": {"id": str(account.id), "version": 1, "name": "Fresh"}}))
    assert updated["updateAccount"]["userErrors"] == []

    listed = data_of(await tenant.gql(ACCOUNT_EVENTS, {"id": str(account.id)}))["events"]["nodes"]
    events = sorted(listed, key=lambda e: e["sequence"])  # listed newest first
    assert [(e["type"], e["sequence"]) for e in events] == [
        ("configuration.account.created", 1),
        ("configuration.account.updated", 2),
    ]
    new = events[0]["payload"]["new"]
    assert (new["id"], new["code"], new["name"], new["autoCreated"]) == (
        str(account.id),
        "fresh-one",
        "fresh-one-autocreated",
        True,
    )
    assert events[1]["payload"]["old"] == new


async def test_an_instant_before_year_one_in_utc_is_rejected_and_the_list_stays_readable(tenant, ingest_queue):
    """Found by probing: `0001-01-01T00:00:00+14:00` (year 0 in UTC) was stored, and from
    then on every read of the organization's measurements failed loading it (INTERNAL)."""
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(
        tenant,
        [
            item("year-0", ts="0001-01-01T00:00:00+14:00"),
            {**item("ets-10000"), "ets": "9999-12-31T23:59:59-12:00"},
            item("year-1", ts="0001-01-01T14:00:00+14:00"),
        ],
    )
    await run_burst_worker()
    failures = {f.batch_index: (f.uid, f.code) for f in await IngestFailure.filter(batch_id=batch_id)}
    assert failures == {0: ("year-0", "TS_OUT_OF_RANGE"), 1: ("ets-10000", "TS_OUT_OF_RANGE")}
    listed = data_of(await tenant.gql("{ measurements { totalCount nodes { uid ts } } }"))["measurements"]
    assert listed == {"totalCount": 1, "nodes": [{"uid": "year-1", "ts": "0001-01-01T00:00:00+00:00"}]}


async def test_the_same_batch_submitted_twice_with_uids_is_stored_once(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    measurements = [item(f"twice-{i}") for i in range(50)]
    first, second = await accepted_batch(tenant, measurements), await accepted_batch(tenant, measurements)
    await run_burst_worker()
    assert await stored_uids(tenant.organization_id) == sorted(f"twice-{i}" for i in range(50))
    counts = {b.id: (b.stored, b.duplicates) for b in await MeasurementBatch.filter(id__in=[first, second])}
    assert sorted(counts.values()) == [(0, 50), (50, 0)]


async def test_a_uid_twice_in_one_batch_is_stored_once(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(tenant, [item("same"), item("same"), item(None), item(None)])
    await run_burst_worker()
    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.stored, batch.duplicates) == (3, 1)


async def test_processing_a_batch_again_stores_nothing_more(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(tenant, [item(), item(), item("with-uid")])  # mostly without uid
    await run_burst_worker()
    again = await ingest.process_measurement_batch(batch_id)
    assert again.processed is False
    await ingest.enqueue_batch(ingest_queue, batch_id)
    await run_burst_worker()
    assert len(await stored_rows(tenant.organization_id)) == 3


async def test_concurrent_batches_with_overlapping_uids_store_each_uid_once(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    # Four batches, each overlapping the next by half, uids in different orders.
    batches = [[item(f"c-{n}") for n in range(k * 50, k * 50 + 100)] for k in range(4)]
    batches[1].reverse()
    ids = [await accepted_batch(tenant, b) for b in batches]
    # One batch per transaction: four transactions racing for the same uids.
    outcomes = await asyncio.gather(*(ingest.process_measurement_batch(b, group_limit=1) for b in ids))
    assert sum(o.stored for o in outcomes) == 250
    assert sum(o.duplicates for o in outcomes) == 150
    assert await stored_uids(tenant.organization_id) == sorted(f"c-{n}" for n in range(250))


async def test_concurrent_workers_on_overlapping_uids(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    for k in range(6):
        await accepted_batch(tenant, [item(f"w-{n}", account=f"acct-{n % 7}") for n in range(k * 20, k * 20 + 60)])
    await asyncio.gather(run_burst_worker(), run_burst_worker())
    assert await stored_uids(tenant.organization_id) == sorted(f"w-{n}" for n in range(160))
    assert await Account.filter(organization_id=tenant.organization_id, auto_created=True).count() == 7
    # Racing to create the same accounts, each is announced once, by the batch that created it.
    assert await account_created_events(tenant.organization_id) == {f"acct-{k}": 1 for k in range(7)}


async def test_a_failure_after_part_of_a_batch_is_written_is_retried_exactly_once(tenant, ingest_queue, monkeypatch):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(tenant, [item(f"k-{n}") for n in range(30)] + [item() for _ in range(30)])
    real_mark_processed, written_before_failure = store.mark_processed, []

    async def crash_once(conn, *args):
        if not written_before_failure:
            written_before_failure.append(
                await conn.fetchval("SELECT count(*) FROM measurements WHERE batch_id = $1", batch_id)
            )
            raise RuntimeError("injected: worker died half-way")
        return await real_mark_processed(conn, *args)

    monkeypatch.setattr(store, "mark_processed", crash_once)
    worker = await run_burst_worker()

    assert written_before_failure == [60]  # the measurements were written when it failed
    # The account was created, and announced, in the transaction that failed: both were
    # taken back, and the retry created and announced it once.
    assert await account_created_events(tenant.organization_id) == {"acme": 1}
    assert worker.jobs_retried == 1
    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.stored, batch.attempts) == ("PROCESSED", 60, 1)
    assert "internal error (reference " in batch.last_error and "injected" not in batch.last_error
    rows = await stored_rows(tenant.organization_id)
    assert len(rows) == 60 and len({r["batch_index"] for r in rows}) == 60


async def test_after_redis_loses_the_job_the_sweep_gets_the_batch_stored_once(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(tenant, [item(f"lost-{n}") for n in range(20)] + [item()])
    await forget_jobs(ingest_queue, [batch_id])
    await run_burst_worker()
    assert (await MeasurementBatch.get(id=batch_id)).status == "PENDING"  # nothing left to run it

    assert await ingest.sweep_unprocessed_batches(ingest_queue, older_than=timedelta(0)) >= 1
    await run_burst_worker()

    assert (await MeasurementBatch.get(id=batch_id)).stored == 21
    assert len(await stored_rows(tenant.organization_id)) == 21
    # Swept again: the batch is processed, so nothing is enqueued for it.
    await ingest.sweep_unprocessed_batches(ingest_queue, older_than=timedelta(0))
    assert not await ingest_queue.exists(f"arq:job:{ingest.job_id(batch_id)}")


async def test_the_sweep_does_not_duplicate_a_job_still_queued(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(tenant, [item("queued")])
    queued_at = await ingest_queue.zscore(INGEST_QUEUE, ingest.job_id(batch_id))
    assert queued_at is not None
    await ingest.sweep_unprocessed_batches(ingest_queue, older_than=timedelta(0))
    assert not await ingest.enqueue_batch(ingest_queue, batch_id)
    assert await ingest_queue.zscore(INGEST_QUEUE, ingest.job_id(batch_id)) == queued_at  # not enqueued again
    await run_burst_worker()
    assert (await MeasurementBatch.get(id=batch_id)).stored == 1


async def test_the_sweep_waits_longer_after_each_failed_attempt(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(tenant, [item()])
    await forget_jobs(ingest_queue, [batch_id])
    await MeasurementBatch.filter(id=batch_id).update(attempts=3, dt_last_attempt=datetime.now(UTC))
    async with connection() as conn:
        assert batch_id not in await store.stale_batch_ids(conn, 0, 1000)
        await conn.execute(
            "UPDATE measurement_batches SET dt_last_attempt = now() - interval '241 seconds' WHERE id = $1", batch_id
        )
        assert batch_id in await store.stale_batch_ids(conn, 0, 1000)


async def test_a_uid_is_stored_again_after_35_days_and_after_a_rejection(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    await accepted_batch(tenant, [item("old"), item("retry-me", gb="ten")])
    await run_burst_worker()
    assert await stored_uids(tenant.organization_id) == ["old"]
    async with connection() as conn:
        await conn.execute(
            "UPDATE measurement_uids SET stored_at = now() - interval '36 days' WHERE organization_id = $1",
            uuid.UUID(tenant.organization_id),
        )
    second = await accepted_batch(tenant, [item("old"), item("retry-me"), item("old")])
    await run_burst_worker()
    assert await stored_uids(tenant.organization_id) == ["old", "old", "retry-me"]
    assert (await MeasurementBatch.get(id=second)).duplicates == 1


async def test_uids_are_per_organization(tenant, other_tenant, ingest_queue):
    for t in (tenant, other_tenant):
        await make_meter(t.organization_id)
        await accepted_batch(t, [item("shared-uid")])
    await run_burst_worker()
    assert (
        await stored_uids(tenant.organization_id) == await stored_uids(other_tenant.organization_id) == ["shared-uid"]
    )


async def test_current_months_land_in_their_own_partition(tenant, ingest_queue):
    await ingest.ensure_partitions()
    await make_meter(tenant.organization_id)
    now = datetime.now(UTC)
    await accepted_batch(tenant, [item("now", ts=iso(now)), item("long-ago", ts="2001-02-03T04:05:06Z")])
    await run_burst_worker()
    async with connection() as conn:
        rows = await conn.fetch(
            "SELECT uid, tableoid::regclass::text AS part FROM measurements WHERE organization_id = $1",
            uuid.UUID(tenant.organization_id),
        )
    parts = {r["uid"]: r["part"] for r in rows}
    assert parts == {"now": f"measurements_p{now:%Y%m}", "long-ago": "measurements_default"}


def test_only_long_running_workers_have_the_sweep_cron():
    assert "cron_jobs" not in worker_options(burst=True)
    assert "cron:sweep_unprocessed_batches" in [c.name for c in worker_options()["cron_jobs"]]


async def test_hostile_strings_are_refused_per_item_and_never_stall_the_batch(tenant, ingest_queue):
    """PostgreSQL text and jsonb cannot hold NUL: such values must become item failures,
    not a database error that would fail the whole batch on every retry."""
    await make_meter(tenant.organization_id)
    batch_id = await accepted_batch(
        tenant,
        [
            {**item("nul-meter"), "meter": "stor\x00age"},
            item("nul-account", account="ac\x00me"),
            item("nul\x00uid"),
            item("nul-value", who={"region": "e\x00u"}),
            item("x" * 300),
            item("fine"),
        ],
    )
    await run_burst_worker()
    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.stored, batch.rejected, batch.attempts) == ("PROCESSED", 1, 5, 0)
    codes = [f.code for f in await IngestFailure.filter(batch_id=batch_id).order_by("batch_index")]
    assert codes == ["UNKNOWN_METER", "INVALID_ACCOUNT", "INVALID_UID", "WRONG_TYPE", "INVALID_UID"]


async def test_a_backlog_is_processed_in_one_group_each_batch_with_its_own_counts(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    first = await accepted_batch(tenant, [item("g-1"), item("g-2")])
    second = await accepted_batch(tenant, [item("g-2"), item("g-3"), item("g-bad", gb="ten")])
    third = await accepted_batch(tenant, [item("g-4"), item()])

    outcome = await ingest.process_measurement_batch(first)

    assert (outcome.batch_id, outcome.stored, outcome.duplicates) == (first, 2, 0)
    counts = {b.id: (b.status, b.stored, b.duplicates, b.rejected) for b in await MeasurementBatch.all()}
    assert counts[second] == ("PROCESSED", 1, 1, 1) and counts[third] == ("PROCESSED", 2, 0, 0)
    assert [(f.batch_id, f.uid) for f in await IngestFailure.filter(batch_id__in=[first, second, third])] == [
        (second, "g-bad")
    ]
    rows = await stored_rows(tenant.organization_id)
    assert sorted((r["batch_id"], r["uid"]) for r in rows if r["uid"]) == sorted(
        [(first, "g-1"), (first, "g-2"), (second, "g-3"), (third, "g-4")]
    )
    async with connection() as conn:
        claims = await conn.fetch(
            "SELECT uid, batch_id FROM measurement_uids WHERE organization_id = $1", uuid.UUID(tenant.organization_id)
        )
    assert {r["uid"]: r["batch_id"] for r in claims} == {"g-1": first, "g-2": first, "g-3": second, "g-4": third}
    assert (await ingest.process_measurement_batch(second)).processed is False  # its own job finds it done


async def test_a_group_is_written_one_account_after_another_each_in_batch_order(tenant, ingest_queue):
    """The rows of one account that a group carries are written together (they then share
    heap pages, and `usage` reads few pages), in batch order within the account."""
    await make_meter(tenant.organization_id)
    accounts = ["acme", "bolt", "cask"]
    first = await accepted_batch(tenant, [item(f"a-{i}", account=accounts[i % 3]) for i in range(6)])
    second = await accepted_batch(tenant, [item(f"b-{i}", account=accounts[(i + 1) % 3]) for i in range(6)])
    assert (await ingest.process_measurement_batch(first)).stored == 6
    assert (await ingest.process_measurement_batch(second)).processed is False  # stored in first's group

    async with connection() as conn:  # ctid: where each row lies in the table, i.e. write order
        written = await conn.fetch(
            """SELECT a.code, m.uid FROM measurements m JOIN accounts a ON a.id = m.account_id
               WHERE m.organization_id = $1 ORDER BY m.ctid""",
            uuid.UUID(tenant.organization_id),
        )
    assert [(r["code"], r["uid"]) for r in written] == [
        ("acme", "a-0"), ("acme", "a-3"), ("acme", "b-2"), ("acme", "b-5"),
        ("bolt", "a-1"), ("bolt", "a-4"), ("bolt", "b-0"), ("bolt", "b-3"),
        ("cask", "a-2"), ("cask", "a-5"), ("cask", "b-1"), ("cask", "b-4"),
    ]  # fmt: skip


async def test_a_batch_a_group_took_is_looked_up_again_after_its_own_job(tenant, ingest_queue):
    """A batch a group took is found done by its own job; a batch PENDING again (its commit
    lost in a database crash, which `synchronous_commit = off` allows) is processed by the
    next job for it."""
    await make_meter(tenant.organization_id)
    first = await accepted_batch(tenant, [item("t-1")])
    second = await accepted_batch(tenant, [item("t-2")])
    assert (await ingest.process_measurement_batch(first)).processed is True
    assert (await ingest.process_measurement_batch(second)).processed is False  # taken by the group
    async with connection() as conn:  # as if the group's commit had been lost for this batch
        await conn.execute("DELETE FROM measurements WHERE batch_id = $1", second)
        await conn.execute("DELETE FROM measurement_uids WHERE batch_id = $1", second)
        await conn.execute("UPDATE measurement_batches SET status = 'PENDING' WHERE id = $1", second)

    again = await ingest.process_measurement_batch(second)

    assert (again.processed, again.stored) == (True, 1)
    assert await stored_uids(tenant.organization_id) == ["t-1", "t-2"]


async def test_the_jobs_of_batches_a_group_stored_are_taken_off_the_queue(tenant, ingest_queue):
    """One job stores the backlog; the other batches' jobs are removed unstarted, and the
    sweep could enqueue them again (should a lost commit leave a batch PENDING)."""
    await make_meter(tenant.organization_id)
    batch_ids = [await accepted_batch(tenant, [item(f"q-{n}")]) for n in range(3)]

    worker = await run_burst_worker(max_jobs=1)

    assert worker.jobs_complete == 1
    assert await ingest_queue.zcard(INGEST_QUEUE) == 0
    assert not await ingest_queue.exists(*[f"arq:job:{ingest.job_id(b)}" for b in batch_ids])
    statuses = {b.id: b.status for b in await MeasurementBatch.filter(id__in=batch_ids)}
    assert statuses == dict.fromkeys(batch_ids, "PROCESSED")
    assert await stored_uids(tenant.organization_id) == ["q-0", "q-1", "q-2"]
    assert await ingest.enqueue_batch(ingest_queue, batch_ids[1]) is True


async def test_a_failed_group_still_processes_the_batches_whose_jobs_it_took_off_the_queue(tenant, ingest_queue):
    """A group takes its other batches' jobs off the queue once it holds them, before it
    commits. When the group then fails (one batch cannot be decoded), each of its batches is
    processed alone at once: the good one is stored, the broken one has its attempt
    recorded and waits for the sweep's backoff, and no job runs for either."""
    await make_meter(tenant.organization_id)
    first = await accepted_batch(tenant, [item("f-1")])
    broken = uuid.uuid4()
    async with connection() as conn:
        await store.insert_batch(conn, broken, uuid.UUID(tenant.organization_id), b"{not json", 1, "REST", None)
    assert await ingest.enqueue_batch(ingest_queue, broken) is True
    last = await accepted_batch(tenant, [item("f-2")])

    worker = await run_burst_worker(max_jobs=1)

    assert worker.jobs_complete == 1  # the first batch's; the others' were taken off the queue
    assert await ingest_queue.zcard(INGEST_QUEUE) == 0
    batches = {b.id: b for b in await MeasurementBatch.filter(id__in=[first, broken, last])}
    assert [(batches[b].status, batches[b].stored) for b in (first, last)] == [("PROCESSED", 1), ("PROCESSED", 1)]
    assert (batches[broken].status, batches[broken].attempts) == ("PENDING", 1)
    assert await stored_uids(tenant.organization_id) == ["f-1", "f-2"]
    async with connection() as conn:  # the sweep takes it up again once its backoff has passed
        assert broken not in await store.stale_batch_ids(conn, 0, 10_000)
        await conn.execute(
            "UPDATE measurement_batches SET dt_last_attempt = now() - interval '1 hour' WHERE id = $1", broken
        )
        assert broken in await store.stale_batch_ids(conn, 0, 10_000)


async def test_a_started_job_is_not_taken_off_the_queue(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    first, second = [await accepted_batch(tenant, [item(f"s-{n}")]) for n in range(2)]
    in_progress = f"arq:in-progress:{ingest.job_id(second)}"
    await ingest_queue.set(in_progress, b"1")  # a worker has started the second batch's job
    try:
        removed = await ingest.dequeue_taken_batches(ingest_queue, INGEST_QUEUE, [first, second])
        assert removed == 1
        assert await ingest_queue.zscore(INGEST_QUEUE, ingest.job_id(second)) is not None
        assert await ingest_queue.exists(f"arq:job:{ingest.job_id(second)}") == 1
        assert await ingest_queue.zscore(INGEST_QUEUE, ingest.job_id(first)) is None
    finally:
        await ingest_queue.delete(in_progress)
        await forget_jobs(ingest_queue, [first, second])


async def test_a_batch_that_fails_in_a_group_fails_alone(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    first = await accepted_batch(tenant, [item("p-1")])
    broken = uuid.uuid4()  # a body the worker cannot decode fails every attempt
    async with connection() as conn:
        await store.insert_batch(conn, broken, uuid.UUID(tenant.organization_id), b"{not json", 1, "REST", None)
    last = await accepted_batch(tenant, [item("p-2")])

    outcome = await ingest.process_measurement_batch(first)

    assert outcome.stored == 1
    batches = {b.id: b for b in await MeasurementBatch.filter(id__in=[first, broken, last])}
    assert (batches[last].status, batches[last].stored) == ("PROCESSED", 1)
    assert (batches[broken].status, batches[broken].attempts) == ("PENDING", 1)
    assert await stored_uids(tenant.organization_id) == ["p-1", "p-2"]


async def test_locking_a_batch_reads_it_by_its_key_whatever_the_backlog(tenant):
    """Every job starts with this statement (most of them, in a backlog, for a batch that
    another job's group holds): it must not read the backlog's pending batches."""
    organization_id = uuid.UUID(tenant.organization_id)
    async with connection() as conn:
        for _ in range(300):
            await store.insert_batch(conn, uuid.uuid4(), organization_id, b"{}", 1, "REST", None)
        newest = await conn.fetchval(
            "SELECT id FROM measurement_batches WHERE organization_id = $1 ORDER BY dt_created DESC LIMIT 1",
            organization_id,
        )
        transaction = conn.transaction()
        await transaction.start()
        try:
            plan = await conn.fetchval(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + store.LOCK_PENDING_BATCHES, newest, 1
            )  # alone: no other batch of the group is asked for
        finally:
            await transaction.rollback()
    nodes, read = [json.loads(plan)[0]["Plan"]], 0
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", ()))
        if node.get("Relation Name") == "measurement_batches":
            read += (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
    assert read == 1
