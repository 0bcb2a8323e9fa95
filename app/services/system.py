"""What the workers and queues are doing: worker heartbeats and queue depths in Redis.

Each worker keeps one key, `metergraph:workers:<queue>:<worker id>`, holding a JSON
heartbeat (id, host, pid, start time, last seen, jobs done), and its id in the queue's
index `metergraph:workers:<queue>` (a sorted set scored by the latest heartbeat). The key
expires after HEARTBEAT_TTL_SECONDS, so a worker that dies without saying goodbye
(SIGKILL, a lost machine) disappears by itself; a worker that stops cleanly deletes it.
Keys are scoped by queue name, so several deployments (or test sessions) sharing one
Redis see only their own workers.

Queue depths come from the arq queue itself (a sorted set of job ids scored by the time
each job may run). Ingest and bill jobs share one queue; ingest batches are told apart by
their job id (`measurement-batch:<id>`, `app.services.ingest.job_id`), cron jobs by arq's
`cron:` prefix, and every other job is billing work.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.services.errors import PermissionDenied
from app.settings import get_settings

# How often a worker writes its heartbeat, and how long the heartbeat outlives silence.
HEARTBEAT_SECONDS = 5.0
HEARTBEAT_TTL_SECONDS = 15
INGEST_QUEUE = "ingest"
BILL_JOB_QUEUE = "billJobs"
_INGEST_PREFIX = b"measurement-batch:"
_CRON_PREFIX = b"cron:"
# A queue is read in pages of this many members; depth is exact whatever its size.
_PAGE = 5000


def require_operator(organization_id: uuid.UUID) -> None:
    """Workers and queues serve every tenant: how busy they are tells one tenant about the
    others, so only the deployment's operators (`operator_organizations` in the settings)
    read them, whatever their policies say."""
    if not get_settings().is_operator(organization_id):
        raise PermissionDenied(
            "not permitted: system is for the deployment's operators (METERGRAPH_OPERATOR_ORGANIZATIONS)"
        )


def _key_prefix(queue_name: str) -> str:
    return f"metergraph:workers:{queue_name}:"


def _index(queue_name: str) -> str:
    """Sorted set of the queue's worker ids, scored by their latest heartbeat."""
    return f"metergraph:workers:{queue_name}"


@dataclass
class WorkerHeartbeat:
    """One worker process, as it reports itself."""

    id: str
    host: str
    pid: int
    started_at: float
    last_seen_at: float = 0.0
    jobs_done: int = 0

    @classmethod
    def for_this_process(cls) -> WorkerHeartbeat:
        return cls(id=uuid.uuid4().hex[:12], host=socket.gethostname(), pid=os.getpid(), started_at=time.time())

    @property
    def started(self) -> datetime:
        return datetime.fromtimestamp(self.started_at, UTC)

    @property
    def last_seen(self) -> datetime:
        return datetime.fromtimestamp(self.last_seen_at, UTC)


async def write_heartbeat(redis: Any, queue_name: str, beat: WorkerHeartbeat) -> None:
    beat.last_seen_at = time.time()
    async with redis.pipeline(transaction=False) as pipe:
        pipe.set(_key_prefix(queue_name) + beat.id, json.dumps(asdict(beat)), ex=HEARTBEAT_TTL_SECONDS)
        pipe.zadd(_index(queue_name), {beat.id: beat.last_seen_at})
        pipe.expire(_index(queue_name), HEARTBEAT_TTL_SECONDS)
        await pipe.execute()


async def remove_heartbeat(redis: Any, queue_name: str, beat: WorkerHeartbeat) -> None:
    async with redis.pipeline(transaction=False) as pipe:
        pipe.delete(_key_prefix(queue_name) + beat.id)
        pipe.zrem(_index(queue_name), beat.id)
        await pipe.execute()


def _recent(queue_name: str) -> tuple[str, float, str]:
    return _index(queue_name), time.time() - HEARTBEAT_TTL_SECONDS, "+inf"


def _beats(values: list[Any]) -> list[WorkerHeartbeat]:
    beats = [WorkerHeartbeat(**json.loads(value)) for value in values if value is not None]
    return sorted(beats, key=lambda beat: (beat.started_at, beat.id))


def _keys(queue_name: str, ids: list[Any]) -> list[str]:
    return [_key_prefix(queue_name) + (i.decode() if isinstance(i, bytes) else str(i)) for i in ids]


async def live_workers(redis: Any, queue_name: str) -> list[WorkerHeartbeat]:
    """The workers of this queue that reported within the TTL, oldest first. Read through
    the queue's index of worker ids: the cost follows the number of workers, not the size
    of the Redis keyspace. A worker is listed only while its own key is alive."""
    ids = await redis.zrangebyscore(*_recent(queue_name))
    values = await redis.mget(_keys(queue_name, ids)) if ids else []
    await redis.zremrangebyscore(_index(queue_name), "-inf", _recent(queue_name)[1])
    return _beats(values)


def heartbeat_pids(redis: Any, queue_name: str) -> set[int]:
    """Pids of the live workers of this queue, with a synchronous client (`metergraph dev`
    waits for its workers to announce themselves before it says it is running)."""
    ids = redis.zrangebyscore(*_recent(queue_name))
    values = redis.mget(_keys(queue_name, ids)) if ids else []
    return {beat.pid for beat in _beats(values)}


@dataclass
class QueueDepth:
    """Jobs waiting (or running) in one logical queue."""

    name: str
    depth: int = 0
    oldest_score_ms: float | None = field(default=None, repr=False)

    def oldest_age_seconds(self, now: float) -> float | None:
        if self.oldest_score_ms is None:
            return None
        return max(0.0, round(now - self.oldest_score_ms / 1000, 3))

    def add(self, score_ms: float) -> None:
        self.depth += 1
        if self.oldest_score_ms is None or score_ms < self.oldest_score_ms:
            self.oldest_score_ms = score_ms


async def queue_depths(redis: Any, queue_name: str) -> list[QueueDepth]:
    """Ingest batches and bill jobs waiting in the arq queue `queue_name`."""
    ingest, bills = QueueDepth(INGEST_QUEUE), QueueDepth(BILL_JOB_QUEUE)
    start = 0
    while True:
        page = await redis.zrange(queue_name, start, start + _PAGE - 1, withscores=True)
        for member, score in page:
            member = member if isinstance(member, bytes) else str(member).encode()
            if member.startswith(_INGEST_PREFIX):
                ingest.add(score)
            elif not member.startswith(_CRON_PREFIX):
                bills.add(score)
        if len(page) < _PAGE:
            return [ingest, bills]
        start += _PAGE
