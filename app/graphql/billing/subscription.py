"""`billJobProgress(id)`: a bill job's current state, then each change, then completion
after the terminal state (CONTRACT §4, DESIGN §4).

The ordering (subscribe to the job's channel, then read the row, then forward only
updates newer than it) is `app.progress.job_updates`; this module authorizes, scopes
the job to the caller's organization and turns rows into `BillJob`s.

The resolver is a coroutine that returns the event stream rather than an async
generator itself: the authorization extension awaits the resolver, so it runs (and a
refusal, or an unknown job, is answered as an error) before any event is produced.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator

import strawberry

from app import progress
from app.domain.ids import as_uuid
from app.graphql.authorization import authorize
from app.graphql.billing.types import BillJob
from app.graphql.context import Info
from app.models import billing as m

READ = "config:retrieve"
# A subscriber is dropped after this long even if the job never ends (a stuck job must
# not hold sockets forever); it can subscribe again and gets the current state first.
MAX_SUBSCRIPTION_SECONDS = 3600


class BillJobNotFound(Exception):
    """No such job in the caller's organization: the same answer whether it does not
    exist or belongs to another organization, so nothing leaks."""

    extensions = {"code": "NOT_FOUND"}


# Reads of a job's row in flight, shared: one progress message reaches every subscriber of
# the job at once, and each used to read the same row (100 subscribers, 100 queries per
# message). A read that starts while another is running joins it: that read began after
# the message arrived, so it sees the change the message announced (`job_updates` reads
# again should a newer message have come meanwhile).
_reading: dict[tuple[uuid.UUID, uuid.UUID], asyncio.Future] = {}


def _row_loader(organization_id: uuid.UUID, job_id: uuid.UUID):  # noqa: ANN202 - async () -> BillJob row | None
    key = (organization_id, job_id)

    async def read() -> m.BillJob | None:
        try:
            return await m.BillJob.filter(organization_id=organization_id, id=job_id).first()
        finally:
            _reading.pop(key, None)

    first = True

    async def load_row() -> m.BillJob | None:
        nonlocal first
        if first:
            # The current state, right after subscribing: a read begun before the
            # subscription could miss a change whose message came before it.
            first = False
            return await m.BillJob.filter(organization_id=organization_id, id=job_id).first()
        running = _reading.get(key)
        if running is None:
            running = _reading[key] = asyncio.ensure_future(read())
        # shield: a subscriber that goes away must not cancel the others' read
        return await asyncio.shield(running)

    return load_row


async def _events(info: Info, rows: AsyncIterator[m.BillJob]) -> AsyncGenerator[BillJob, None]:
    try:
        async for row in rows:
            # One connection's context serves every event: values an earlier event
            # loaded (failures, bills) are stale for this one.
            info.context.loaders.clear()
            yield BillJob.of(row)
    finally:
        # The client may stop early (complete, disconnect): release the channel now.
        close = getattr(rows, "aclose", None)
        if close is not None:
            await close()


@strawberry.type
class BillingSubscription:
    @strawberry.subscription(
        description="A bill job's current state, then each change of it; completes after the terminal "
        "state (COMPLETE, CANCELLED or FAILED). A late subscriber gets the current state first.",
        extensions=authorize(READ, "billJob", lambda args: args["id"]),
    )
    async def bill_job_progress(self, info: Info, id: strawberry.ID) -> AsyncGenerator[BillJob | None, None]:
        organization_id = info.context.require_principal().organization_id
        job_id = as_uuid(id)
        load_row = _row_loader(organization_id, job_id) if job_id else None
        if load_row is None or not await m.BillJob.filter(organization_id=organization_id, id=job_id).exists():
            raise BillJobNotFound(f"no bill job with id {id}")
        redis = info.context.redis
        # Capped per connection and per principal: each subscription holds a Redis connection.
        slot = await progress.reserve_slot(redis, info.context, info.context.require_principal())
        return _events(info, progress.job_updates(redis, load_row, job_id, MAX_SUBSCRIPTION_SECONDS, slot=slot))
