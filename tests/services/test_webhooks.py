"""Webhook delivery against a real HTTP receiver on 127.0.0.1 (SEMANTICS §14.2–14.5).

The receiver (`Receiver`, also used by the GraphQL tests) records every request; each test
verifies the signatures with the `standardwebhooks` package, as a customer would. Events
are recorded with the event log's own `record_events` in real transactions. Retries are
reached by moving the delivery clock forward (`DeliveryOptions.clock`), never by waiting.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import pytest_asyncio
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from tortoise.transactions import in_transaction

from app.models.accounts import Account
from app.models.events import Event
from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookDestination
from app.services import webhooks
from app.services.events import NewEvent, record_events
from app.services.events.payloads import entity_snapshot
from app.services.organizations import create_organization
from app.services.versioning import update_versioned
from app.services.webhooks.schedule import RETRY_DELAYS_SECONDS, RetrySchedule
from app.settings import get_settings, use_settings

ACTOR = "tester"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float
    # secret → verified when received (the receiver's `secrets`): a check made later could
    # fail only because the signed timestamp grew older than the package's 5-minute tolerance
    checked: dict[str, bool] = field(default_factory=dict)

    def verifies(self, secret: str) -> bool:
        if secret in self.checked:
            return self.checked[secret]
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True

    @property
    def document(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1: answers from `script` ((status, delay seconds, extra
    headers)) in order, then `default`; records every request."""

    script: list[tuple[int, float, dict]] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)  # checked on receipt

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                got = Received({k.lower(): v for k, v in self.headers.items()}, body, time.time())
                got.checked = {secret: got.verifies(secret) for secret in receiver.secrets}
                receiver.received.append(got)
                status, delay, extra = receiver.script.pop(0) if receiver.script else (receiver.default, 0.0, {})
                time.sleep(delay)
                answer = b'{"ok":true}'
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the sender gave up (timeout) and closed the connection
                    pass

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            # The sender opens up to 32 connections to a destination at once; the default
            # listen backlog of 5 drops connects on a busy machine (SYN retries outlast the
            # connect timeout).
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]


@pytest.fixture
def receiver():
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def allow_private(settings):
    """The setting tests run with (SEMANTICS §14.3): a local receiver is reachable."""
    use_settings(replace(get_settings(), webhook_allow_private=True))
    try:
        yield
    finally:
        use_settings(settings)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


# No jitter: attempt gaps are exactly the schedule (draw() = 0).
EXACT = RetrySchedule(draw=lambda: 0.0)


def options(clock: Clock | None = None, **changes) -> webhooks.DeliveryOptions:
    return webhooks.DeliveryOptions(schedule=EXACT, clock=clock or Clock(), timeout=1.0, **changes)


async def destination(org, url: str, event_types: list[str] | None = None) -> webhooks.DestinationWithSecret:
    fields = webhooks.DestinationFields(name="Receiver", url=url, event_types=event_types or [])
    return await webhooks.create_destination(org, fields, actor=ACTOR)


async def record(org, *types: str, entity: uuid.UUID | None = None) -> list[uuid.UUID]:
    """Commit one event per type about one entity; returns their ids."""
    entity = entity or uuid.uuid4()
    batch = [
        NewEvent(type=t, entity_type="bill", entity_id=entity, payload={"new": {"id": str(entity)}}) for t in types
    ]
    async with in_transaction() as connection:
        await record_events(connection, org, batch)
    return [e.id for e in batch]


async def deliver(org, opts: webhooks.DeliveryOptions) -> int:
    await webhooks.dispatch_organization(org, now=opts.clock())
    async with webhooks.new_client() as client:
        return await webhooks.DeliveryRunner(client, opts).deliver(org)


@pytest_asyncio.fixture
async def org(app):
    return (await create_organization(f"Hooks {uuid.uuid4().hex[:6]}")).id


async def test_committed_events_are_delivered_signed_and_rolled_back_ones_never(org, receiver, allow_private):
    created = await destination(org, receiver.url)
    committed = await record(org, "billing.bill.created", "billing.bill.approved")
    with pytest.raises(RuntimeError):
        async with in_transaction() as connection:
            await record_events(connection, org, [NewEvent("billing.bill.locked", "bill", uuid.uuid4(), {})])
            raise RuntimeError("the change fails")

    assert await deliver(org, options()) == 3  # the destination's own created event, and the two
    by_id = {r.headers["webhook-id"]: r for r in receiver.received}
    assert {str(i) for i in committed} <= set(by_id)
    assert len(by_id) == len(receiver.received) == 3
    assert all(r.verifies(created.secret) for r in receiver.received)
    approved = by_id[str(committed[1])].document
    assert (approved["type"], approved["data"]["id"], approved["data"]["sequence"]) == (
        "billing.bill.approved",
        str(committed[1]),
        2,
    )
    assert approved["data"]["payload"]["new"]["id"] == approved["data"]["entityId"]
    assert set(await WebhookDelivery.filter(organization_id=org).values_list("status", flat=True)) == {"SUCCEEDED"}
    # Dispatching again makes nothing new: one delivery per (event, destination).
    assert await webhooks.dispatch_organization(org) == 0


async def test_event_type_filters_and_inactive_destinations(org, receiver, allow_private):
    await destination(org, receiver.url, ["billing.bill.*", "billing.billjob.completed"])
    other = await destination(org, receiver.url + "/off")
    await webhooks.update_destination(
        org,
        webhooks.UpdateDestination(other.destination.id, 1, webhooks.DestinationFields(active=False)),
        actor=ACTOR,
    )
    ids = await record(org, "billing.bill.created", "billing.billjob.completed", "billing.billjob.failed")
    await deliver(org, options())
    assert sorted(receiver.ids()) == sorted(str(i) for i in ids[:2])
    assert await WebhookDelivery.filter(organization_id=org, destination_id=other.destination.id).count() == 0


async def test_500_then_timeout_then_200_is_retried_on_schedule_and_logged(org, receiver, allow_private):
    created = await destination(org, receiver.url, ["billing.*"])
    receiver.script = [(500, 0.0, {}), (200, 3.0, {})]  # the second answer comes too late
    [event_id] = await record(org, "billing.bill.approved")
    clock = Clock()
    opts = options(clock)

    assert await deliver(org, opts) == 1
    delivery = await WebhookDelivery.get(organization_id=org, event_id=event_id)
    assert (delivery.status, delivery.attempts) == ("PENDING", 1)
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=5)
    assert await deliver(org, opts) == 0  # not due yet
    clock.advance(5)
    assert await deliver(org, opts) == 1  # times out (1 s here, 15 s in production)
    clock.advance(300)
    assert await deliver(org, opts) == 1

    attempts = await WebhookAttempt.filter(organization_id=org, event_id=event_id).order_by("attempt_number")
    assert [(a.attempt_number, a.response_status) for a in attempts] == [(1, 500), (2, None), (3, 200)]
    assert attempts[1].error.startswith("TIMEOUT")
    assert [(b.sent_at - a.sent_at).total_seconds() for a, b in zip(attempts, attempts[1:])] == [5, 300]
    assert attempts[0].response_excerpt == '{"ok":true}' and attempts[0].next_attempt_at == attempts[1].sent_at
    delivery = await WebhookDelivery.get(organization_id=org, event_id=event_id)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("SUCCEEDED", 3, None)
    # Every attempt carried the same id and the same bytes, each signed.
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(event_id)}
    assert len({r.body for r in receiver.received}) == 1 and all(r.verifies(created.secret) for r in receiver.received)


async def test_ten_failed_attempts_make_the_delivery_failed(org, receiver, allow_private):
    receiver.default = 500
    await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    clock = Clock()
    for delay in (0, *RETRY_DELAYS_SECONDS):
        clock.advance(delay)
        assert await deliver(org, options(clock)) == 1
    delivery = await WebhookDelivery.get(organization_id=org, event_id=event_id)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("FAILED", 10, None)
    assert len(receiver.received) == 10
    clock.advance(10**6)
    assert await deliver(org, options(clock)) == 0


async def test_a_delivery_whose_worker_died_is_claimed_again_after_its_lease(org, receiver, allow_private):
    await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    clock = Clock()
    await webhooks.dispatch_organization(org, now=clock.now)
    # A worker claims it and dies before recording anything.
    from app.services.webhooks.delivery import claim

    assert len(await claim(org, 10, clock.now, timedelta(seconds=60))) == 1
    assert await deliver(org, options(clock)) == 0  # leased: nobody else takes it
    clock.advance(61)
    assert await deliver(org, options(clock)) == 1
    assert receiver.ids() == [str(event_id)]
    assert (await WebhookDelivery.get(organization_id=org, event_id=event_id)).status == "SUCCEEDED"


async def test_rotation_sends_both_signatures_for_24_hours(org, receiver, allow_private):
    created = await destination(org, receiver.url, ["billing.*"])
    rotated = await webhooks.rotate_secret(org, created.destination.id, 1, actor=ACTOR)
    assert rotated.secret != created.secret and rotated.secret.startswith("whsec_")
    await record(org, "billing.bill.created")
    clock = Clock()
    await deliver(org, options(clock))
    [during] = receiver.received
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verifies(created.secret) and during.verifies(rotated.secret)
    assert not during.verifies(webhooks.secrets.new_signing_secret())

    clock.advance(24 * 3600 + 1)
    await record(org, "billing.bill.updated")
    await deliver(org, options(clock))
    after = receiver.received[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verifies(rotated.secret) and not after.verifies(created.secret)


async def test_secrets_are_encrypted_at_rest(org, receiver, allow_private):
    created = await destination(org, receiver.url)
    stored = await WebhookDestination.get(id=created.destination.id)
    assert created.secret not in stored.secret_encrypted
    assert created.secret[6:] not in stored.secret_encrypted


async def test_410_deactivates_the_destination_and_cancels_its_pending_deliveries(org, receiver, allow_private):
    receiver.script = [(410, 0.0, {})]
    created = await destination(org, receiver.url, ["billing.*"])
    await record(org, "billing.bill.created")
    clock = Clock()
    await deliver(org, options(clock, concurrency=1))
    stored = await WebhookDestination.get(id=created.destination.id)
    assert (stored.active, stored.disabled_reason, stored.version) == (False, "the receiver answered 410 Gone", 2)
    [said] = await Event.filter(
        organization_id=org, entity_id=stored.id, type="configuration.webhookdestination.updated"
    )
    assert (said.payload["old"]["active"], said.payload["new"]["active"]) == (True, False)
    await record(org, "billing.bill.updated")
    clock.advance(3600)
    await deliver(org, options(clock))
    assert len(receiver.received) == 1
    assert await WebhookDelivery.filter(organization_id=org, status="PENDING").count() == 0


async def test_retry_after_on_429_delays_the_next_attempt(org, receiver, allow_private):
    receiver.script = [(429, 0.0, {"Retry-After": "120"})]
    await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    clock = Clock()
    await deliver(org, options(clock))
    delivery = await WebhookDelivery.get(organization_id=org, event_id=event_id)
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=120)


async def test_a_destination_failing_for_five_days_is_disabled(org, receiver, allow_private):
    receiver.default = 500
    created = await destination(org, receiver.url, ["billing.*"])
    await record(org, "billing.bill.created")
    clock = Clock()
    await deliver(org, options(clock))
    assert (await WebhookDestination.get(id=created.destination.id)).failing_since == clock.now
    await record(org, "billing.bill.updated")
    clock.advance(5 * 86400 + 1)
    await deliver(org, options(clock))
    stored = await WebhookDestination.get(id=created.destination.id)
    assert (stored.active, stored.disabled_reason) == (False, "every attempt failed for 5 days")
    assert await Event.filter(
        organization_id=org, entity_id=stored.id, type="configuration.webhookdestination.updated"
    ).exists()


async def test_a_success_resets_the_failure_streak(org, receiver, allow_private):
    receiver.script = [(500, 0.0, {})]
    created = await destination(org, receiver.url, ["billing.*"])
    await record(org, "billing.bill.created")
    clock = Clock()
    await deliver(org, options(clock))
    clock.advance(5)
    await deliver(org, options(clock))
    assert (await WebhookDestination.get(id=created.destination.id)).failing_since is None


async def test_private_targets_are_refused_at_each_attempt_unless_allowed(org, receiver, allow_private):
    await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    await deliver(org, options(allow_private=False))
    assert receiver.received == []
    [attempt] = await WebhookAttempt.filter(organization_id=org, event_id=event_id)
    assert attempt.error.startswith("REFUSED_ADDRESS") and attempt.response_status is None


async def test_a_name_resolving_to_a_private_address_is_refused_when_connecting(org, receiver, allow_private):
    # The name is checked by the sender's resolver, on the addresses it then connects to.
    await destination(org, receiver.url.replace("127.0.0.1", "localhost"), ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    await deliver(org, options(allow_private=False))
    assert receiver.received == []
    [attempt] = await WebhookAttempt.filter(organization_id=org, event_id=event_id)
    assert attempt.error.startswith("REFUSED_ADDRESS: localhost resolves to") and attempt.response_status is None


async def test_redirects_are_not_followed(org, receiver, allow_private):
    receiver.script = [(302, 0.0, {"Location": "http://127.0.0.1:1/elsewhere"})]
    await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    await deliver(org, options())
    [attempt] = await WebhookAttempt.filter(organization_id=org, event_id=event_id)
    assert (attempt.response_status, attempt.error[:8]) == (302, "REDIRECT")
    assert len(receiver.received) == 1


async def test_redeliver_sends_the_same_id_and_body_again(org, receiver, allow_private):
    created = await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.created")
    await deliver(org, options())
    again = await webhooks.redeliver(org, webhooks.Redeliver(event_id, created.destination.id))
    assert (again.redelivery, again.status) == (1, "PENDING")
    await deliver(org, options())
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == str(event_id)
    assert first.body == second.body and second.verifies(created.secret)


async def test_redeliver_all_failed_of_a_destination_in_a_range(org, receiver, allow_private):
    receiver.default = 500
    created = await destination(org, receiver.url, ["billing.*"])
    ids = await record(org, "billing.bill.created", "billing.bill.updated")
    await webhooks.dispatch_organization(org)
    await WebhookDelivery.filter(organization_id=org).update(status="FAILED")
    start, end = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
    made = await webhooks.redeliver_failed(org, webhooks.RedeliverFailed(created.destination.id, start, end))
    assert sorted(d.event_id for d in made) == sorted(ids)
    again = await webhooks.redeliver_failed(org, webhooks.RedeliverFailed(created.destination.id, start, end))
    assert again == []  # each already has a PENDING delivery


async def test_signature_test_vector_of_semantics_14_5():
    from app.services.webhooks.signing import signature

    secret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    body = (
        b'{"type":"billing.bill.approved","timestamp":"2024-07-01T00:00:00Z",'
        b'"data":{"id":"5f0c7a52-0d4e-4c39-9a1e-2b8f3c6d7e10"}}'
    )
    sent_at = datetime(2024, 7, 1, tzinfo=UTC)
    assert signature([secret], "5f0c7a52-0d4e-4c39-9a1e-2b8f3c6d7e10", sent_at, body) == (
        "v1,6PCxcN7DeTmxhey1vFx3VMSpeB4gv0HxLbD1FGCjtLU="
    )


async def test_send_test_webhook_reports_the_receivers_answer(org, receiver, allow_private):
    created = await destination(org, receiver.url)
    outcome = await webhooks.send_test_webhook(org, created.destination.id)
    assert (outcome.succeeded, outcome.status) == (True, 200)
    [test] = receiver.received
    assert test.verifies(created.secret) and test.document["type"] == "webhook.test"


async def test_a_recent_pass_skips_older_events_and_a_full_pass_finds_them(org, receiver, allow_private):
    """An event that occurred before the recent window (a long transaction) is dispatched by
    the full pass, not lost."""
    created = await destination(org, receiver.url, ["billing.*"])
    now = datetime.now(UTC)
    await WebhookDestination.filter(id=created.destination.id).update(dt_created=now - timedelta(hours=1))
    async with in_transaction() as connection:
        await record_events(
            connection,
            org,
            [NewEvent("billing.bill.created", "bill", uuid.uuid4(), {})],
            occurred_at=now - timedelta(minutes=10),
        )
    assert await webhooks.dispatch_organization(org, since=now - timedelta(minutes=2)) == 0
    assert await webhooks.dispatch_organization(org) == 1


async def test_the_delivery_log_is_pruned_after_90_days(org, receiver, allow_private):
    from app.models.webhooks import WebhookDispatch

    await destination(org, receiver.url, ["billing.*"])
    [old, recent] = await record(org, "billing.bill.created", "billing.bill.updated")
    await deliver(org, options())
    # The first event's log is made 91 days old (only this test's rows are that old).
    long_ago = datetime.now(UTC) - timedelta(days=91)
    await WebhookDelivery.filter(organization_id=org, event_id=old).update(occurred_at=long_ago)
    await WebhookAttempt.filter(organization_id=org, event_id=old).update(sent_at=long_ago)
    await WebhookDispatch.filter(organization_id=org, event_id=old).update(dt_created=long_ago)
    assert await webhooks.prune_webhook_log(datetime.now(UTC)) == 3
    assert await WebhookDelivery.filter(organization_id=org, event_id=old).count() == 0
    assert await WebhookAttempt.filter(organization_id=org, event_id=old).count() == 0
    assert await WebhookDelivery.filter(organization_id=org, event_id=recent).count() == 1


async def test_a_claim_takes_at_most_so_many_per_destination_and_none_of_a_busy_one(org, receiver, allow_private):
    from app.services.webhooks.delivery import claim

    first = await destination(org, receiver.url, ["billing.*"])
    second = await destination(org, receiver.url + "/2", ["billing.*"])
    await record(org, *["billing.bill.created"] * 5)
    await webhooks.dispatch_organization(org)
    now = datetime.now(UTC)
    claimed = await claim(org, 100, now, timedelta(seconds=60), per_destination=2)
    assert sorted(str(c.destination_id) for c in claimed) == sorted(
        [str(first.destination.id)] * 2 + [str(second.destination.id)] * 2
    )
    more = await claim(org, 100, now, timedelta(seconds=60), per_destination=2, busy=[first.destination.id])
    assert {c.destination_id for c in more} == {second.destination.id} and len(more) == 2


async def test_a_versioned_update_is_delivered_in_the_api_form(org, receiver, allow_private):
    """update_versioned stores its event's entities as row images (images.py); the webhook
    carries them rendered: exactly the instances' snapshots, floats and instants included."""
    await destination(org, receiver.url, ["configuration.account.*"])
    account = await Account.create(organization_id=org, code="w", name="W", custom_fields={"x": 0.1, "y": [1e-7]})
    before = await Account.get(id=account.id)
    await update_versioned(Account, org, account.id, 1, {"name": "W2", "custom_fields": {"z": 2.50}}, ACTOR)
    [stored] = await Event.filter(organization_id=org, entity_id=account.id)
    assert stored.payload_table == "accounts" and stored.images["new"]["custom_fields"] == {"z": 2.5}
    await deliver(org, options())
    [got] = receiver.received
    expected = {"old": entity_snapshot(before), "new": entity_snapshot(await Account.get(id=account.id))}
    assert got.document["data"]["payload"] == expected
    assert got.document["data"]["payload"]["old"]["customFields"] == {"x": "0.1", "y": ["1E-7"]}
