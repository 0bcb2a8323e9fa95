"""The claim loops of bill jobs that one worker process runs (see run.py).

A process runs at most `LOOPS_PER_PROCESS` loops of one job; while the loop that
initialized a job runs, its organization, catalog and usage rows are shared with the
process's other loops of that job.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from collections.abc import Iterator

from app.services.billing.job_usage import KnownUsage, PreparedUsage, known_usage
from app.services.billing.planning import Loaded

# Claim loops of one job that one worker process runs at most. The chunk work is mostly
# Python (composing bills), so loops in one process share one core: a second loop only
# overlaps the other's database waits, and more help only on other processes.
LOOPS_PER_PROCESS = 2


class ClaimLoops:
    """The claim loops of each job that one worker process runs. Each worker keeps one in
    its arq context and hands it to every bill job it runs, so the count is the process's
    without being hidden module state; a caller that passes none counts only its own call.

    It also holds, while the loop that initialized a job runs, the organization and
    catalog the initialization loaded: that process's chunks plan their bills with them
    instead of loading them again per chunk (**decision**: the job's bills are composed with
    the catalog as read when the job started, as its usage is; loops in other processes, or
    after a resume, read it per chunk)."""

    def __init__(self) -> None:
        self._running: Counter[uuid.UUID] = Counter()
        self._loaded: dict[uuid.UUID, Loaded] = {}
        self._usage: dict[uuid.UUID, KnownUsage] = {}

    def loaded(self, job_id: uuid.UUID) -> Loaded | None:
        return self._loaded.get(job_id)

    def usage(self, job_id: uuid.UUID) -> KnownUsage | None:
        return self._usage.get(job_id)

    @contextlib.contextmanager
    def sharing(self, job_id: uuid.UUID, prepared: PreparedUsage | None) -> Iterator[None]:
        """While the initializing loop runs: its organization and catalog, and the usage rows
        it wrote (`job_usage.known_usage`), for this process's chunks of the job."""
        if prepared is not None and prepared.loaded is not None:
            self._loaded[job_id] = prepared.loaded
        known = known_usage(prepared.rows) if prepared is not None else None
        if known is not None:
            self._usage[job_id] = known
        try:
            yield
        finally:
            self._loaded.pop(job_id, None)
            self._usage.pop(job_id, None)

    def full(self, job_id: uuid.UUID) -> bool:
        return self._running[job_id] >= LOOPS_PER_PROCESS

    @contextlib.contextmanager
    def held(self, job_id: uuid.UUID) -> Iterator[None]:
        self._running[job_id] += 1
        try:
            yield
        finally:
            self._running[job_id] -= 1
            if not self._running[job_id]:
                del self._running[job_id]
