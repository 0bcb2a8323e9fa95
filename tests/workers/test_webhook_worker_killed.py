"""A real `metergraph worker` killed (SIGKILL) while its webhook deliveries are in flight
loses none of them (SEMANTICS §14.4: at least once).

The in-process runs of `tests/services/test_webhooks_runs.py` stop a delivery run by
cancelling it, so its own clean-up still runs. Here the process dies with no clean-up at
all: deliveries it had claimed keep their lease, those answered before it died stay
SUCCEEDED, and a later run (the clock moved past the leases, as `tests/services` moves it)
delivers every other event, each signed so that the `standardwebhooks` package verifies it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from pathlib import Path

from app.models.webhooks import WebhookAttempt
from tests.graphql.test_bill_subscription import ROOT, _command
from tests.services.test_webhooks import (  # noqa: F401 - fixtures
    Clock,
    allow_private,
    deliver,
    destination,
    options,
    org,
    receiver,
    record,
)
from tests.services.test_webhooks_runs import _statuses, _until

EVENTS = 20
ANSWERED = 4  # answered at once; every later request hangs until the worker is gone


def _worker(settings, tmp: Path) -> subprocess.Popen:
    """A long-running worker (its webhook dispatcher on) consuming a queue of its own."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("METERGRAPH_")},
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "METERGRAPH_SECRET_KEY": settings.secret_key,
        "METERGRAPH_DATA_DIR": str(tmp / "data"),
        "METERGRAPH_WEBHOOK_ALLOW_PRIVATE": "1",
    }
    log = (tmp / "worker.log").open("wb")
    queue = f"metergraph:test-killed:{uuid.uuid4().hex[:10]}"
    return subprocess.Popen(
        _command("worker", "--queue-name", queue), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


async def test_a_worker_killed_mid_delivery_loses_no_event(org, receiver, allow_private, settings, tmp_path):
    created = await destination(org, receiver.url, ["billing.*"])
    receiver.secrets = [created.secret]
    receiver.script = [(200, 0.0, {})] * ANSWERED + [(200, 60.0, {})] * EVENTS
    worker = _worker(settings, tmp_path)
    try:
        events = await record(org, *["billing.bill.created"] * EVENTS)

        async def answered_and_more_in_flight() -> bool:
            return len(receiver.received) > ANSWERED and (await _statuses(org))["SUCCEEDED"] == ANSWERED

        await _until(answered_and_more_in_flight)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        assert len(receiver.received) > ANSWERED, (tmp_path / "worker.log").read_text()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    # What was answered is recorded; everything else is still owed, none given up.
    assert await _statuses(org) == {"SUCCEEDED": ANSWERED, "PENDING": EVENTS - ANSWERED}
    in_flight = len(receiver.received) - ANSWERED
    receiver.script = []  # the receiver answers at once from now on
    clock = Clock()
    clock.advance(61)  # past the dead worker's leases
    assert await deliver(org, options(clock)) == EVENTS - ANSWERED
    assert await _statuses(org) == {"SUCCEEDED": EVENTS}
    # At least once: every event arrived, the ones in flight at the kill twice.
    assert set(receiver.ids()) == {str(e) for e in events}
    assert len(receiver.received) == EVENTS + in_flight
    assert all(r.checked[created.secret] for r in receiver.received)
    # The requests cut short by the kill left no attempt behind; each delivery has one success.
    assert await WebhookAttempt.filter(organization_id=org).count() == EVENTS
