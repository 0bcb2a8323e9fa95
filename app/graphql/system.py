"""GraphQL surface of operations: `system { workers queues }` (administrators only).

Workers and queues are shared by every organization of a deployment, so the field needs
`users:manage`, a permission of the managed Administrator policy that ReadOnly and
IngestOnly lack, and the caller's organization must be one of the deployment's operators
(METERGRAPH_OPERATOR_ORGANIZATIONS). It reports the queue this API process enqueues on.
"""

from __future__ import annotations

import time
from datetime import datetime

import strawberry

from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.services import system

ADMINISTER = "users:manage"


@strawberry.type(description="A worker process, as its latest heartbeat in Redis describes it.")
class Worker:
    id: strawberry.ID = strawberry.field(description="Random id the worker chose when it started.")
    host: str = strawberry.field(description="Host name of the machine it runs on.")
    pid: int = strawberry.field(description="Its process id on that host.")
    started_at: datetime = strawberry.field(description="When it started.")
    last_seen_at: datetime = strawberry.field(
        description="Its latest heartbeat; workers silent for 15 s are not listed."
    )
    jobs_done: int = strawberry.field(description="Jobs it has finished since it started, whatever their outcome.")

    @classmethod
    def of(cls, beat: system.WorkerHeartbeat) -> Worker:
        return cls(
            id=strawberry.ID(beat.id),
            host=beat.host,
            pid=beat.pid,
            started_at=beat.started,
            last_seen_at=beat.last_seen,
            jobs_done=beat.jobs_done,
        )


@strawberry.type(description="Jobs waiting in one queue (including those being worked on).")
class Queue:
    name: str = strawberry.field(
        description="`ingest` (measurement batches) or `billJobs` (bill runs and their chunks)."
    )
    depth: int = strawberry.field(description="Number of jobs in the queue.")
    oldest_age_seconds: float | None = strawberry.field(
        description="Seconds since the oldest job became due; null when the queue is empty."
    )


@strawberry.type(description="Workers and queues of this deployment.")
class System:
    @strawberry.field(description="Workers alive now (heartbeat within 15 s), oldest first.")
    async def workers(self, info: Info) -> list[Worker]:
        context = info.context
        return [Worker.of(b) for b in await system.live_workers(context.redis, context.queue.default_queue_name)]

    @strawberry.field(description="Depth of the ingest queue and of the bill-job queue.")
    async def queues(self, info: Info) -> list[Queue]:
        context, now = info.context, time.time()
        depths = await system.queue_depths(context.redis, context.queue.default_queue_name)
        return [Queue(name=q.name, depth=q.depth, oldest_age_seconds=q.oldest_age_seconds(now)) for q in depths]


@strawberry.type
class SystemQuery:
    @strawberry.field(
        description=("Workers and queue depths of the deployment; administrators of its operator organizations only."),
        extensions=authorize(ADMINISTER, "system"),
    )
    def system(self, info: Info) -> System:
        system.require_operator(info.context.require_principal().organization_id)
        return System()
