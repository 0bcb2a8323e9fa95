"""What a receiver's answer makes of an attempt (SEMANTICS §14.4.2 and 14.4.4): success is
a 2xx within the time limit whatever its body, the log keeps the body's first 2 KB, and a
`Retry-After` delays the next attempt on 429 and 503 only (seconds or an HTTP date).

The receiver is a real HTTP server on 127.0.0.1 answering a scripted status, body and
headers; the delivery clock is moved by hand, never waited for.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.models.webhooks import WebhookAttempt, WebhookDelivery
from tests.services.test_webhooks import Clock, allow_private, deliver, destination, options, org, record  # noqa: F401


class Answering:
    """Answers every POST with `status`, `body` and `headers`; counts the requests."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers, self.requests = status, body, headers or {}, 0
        answering = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                self.rfile.read(int(self.headers.get("content-length", 0)))
                answering.requests += 1
                try:
                    self.send_response(answering.status)
                    for name, value in answering.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(answering.body)))
                    self.end_headers()
                    self.wfile.write(answering.body)
                except OSError:  # the sender stopped reading and closed the connection
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def answering():
    started: list[Answering] = []

    def start(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Answering:
        started.append(Answering(status, body, headers))
        return started[-1]

    try:
        yield start
    finally:
        for server in started:
            server.stop()


async def _one_attempt(org, receiver: Answering, clock: Clock) -> tuple[WebhookDelivery, WebhookAttempt]:
    await destination(org, receiver.url, ["billing.*"])
    [event_id] = await record(org, "billing.bill.approved")
    assert await deliver(org, options(clock)) == 1
    delivery = await WebhookDelivery.get(organization_id=org, event_id=event_id)
    [attempt] = await WebhookAttempt.filter(organization_id=org, event_id=event_id)
    return delivery, attempt


async def test_a_2xx_with_a_large_body_succeeds_and_the_log_keeps_its_first_2_kb(org, answering, allow_private):
    body = b"".join(b"%07d\n" % i for i in range(20_000))  # 160 KB, more than the sender reads
    receiver = answering(200, body)
    delivery, attempt = await _one_attempt(org, receiver, Clock())
    assert (delivery.status, delivery.next_attempt_at) == ("SUCCEEDED", None)
    assert (attempt.response_status, attempt.error) == (200, None)
    assert attempt.response_excerpt == body[:2048].decode()
    assert receiver.requests == 1


async def test_a_failing_answer_keeps_only_the_first_2_kb_of_its_body(org, answering, allow_private):
    body = ("é" * 3000).encode()  # 6,000 bytes of two-byte characters
    receiver = answering(500, body)
    delivery, attempt = await _one_attempt(org, receiver, Clock())
    assert (delivery.status, delivery.attempts) == ("PENDING", 1)
    assert attempt.response_status == 500
    assert attempt.response_excerpt == "é" * 1024


async def test_retry_after_as_an_http_date_on_503_delays_the_next_attempt(org, answering, allow_private):
    clock = Clock()
    clock.now = clock.now.replace(microsecond=0)
    when = clock.now + timedelta(hours=1)
    receiver = answering(503, b"busy", {"Retry-After": format_datetime(when, usegmt=True)})
    delivery, attempt = await _one_attempt(org, receiver, clock)
    assert delivery.next_attempt_at == when == attempt.next_attempt_at


async def test_retry_after_on_another_failure_is_ignored(org, answering, allow_private):
    clock = Clock()
    receiver = answering(500, b"", {"Retry-After": "3600"})
    delivery, _ = await _one_attempt(org, receiver, clock)
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=5)  # the schedule's first delay
