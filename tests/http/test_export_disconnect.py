"""A client that goes away in the middle of a streamed export (SEMANTICS §15.2 rule 1) on a
real server (`metergraph serve` in a subprocess, as tests/graphql/test_websockets.py runs it).

Hanging up is the client's choice, not a server fault: nothing is logged as an error, the
snapshot's pooled connection is given back (not left `idle in transaction`), and the
export slot is freed, so more hang-ups than `STREAMS.limit` never turn later exports 503.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from app.db import asyncpg_url
from app.http.exports import STREAMS
from app.models.accounts import Account
from app.models.billing import Bill, BillLineItem
from tests.graphql.test_websockets import server  # noqa: F401 - fixture

BILLS = 600  # a few hundred KB of CSV: many 64 KB pieces, so the client hangs up mid-stream
TIMEOUT = 20


async def _many_bills(organization_id: str) -> None:
    account = await Account.create(organization_id=organization_id, code="big", name="Big")
    bills = [
        Bill(
            id=uuid.uuid4(),
            organization_id=organization_id,
            account_id=account.id,
            account_code="big",
            bill_date=date(2020, 1, 1) + timedelta(days=index),
            due_date=date(2020, 1, 1) + timedelta(days=index + 30),
            start_date=date(2020, 1, 1) + timedelta(days=index - 1),
            end_date=date(2020, 1, 1) + timedelta(days=index),
            billing_frequency="DAILY",
            currency="USD",
            bill_total=Decimal("12.50"),
        )
        for index in range(BILLS)
    ]
    await Bill.bulk_create(bills)
    await BillLineItem.bulk_create(
        [
            BillLineItem(
                organization_id=organization_id,
                bill_id=bill.id,
                position=0,
                line_item_type="STANDING_CHARGE",
                description="Seat fee " + "x" * 200,
                subtotal=Decimal("12.50"),
                currency="USD",
                converted_subtotal=Decimal("12.50"),
            )
            for bill in bills
        ]
    )


async def _hang_up_mid_stream(port: int, path: str, token: str) -> bytes:
    """Sends the request, reads the head and some of the body, then closes the socket."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    received = await asyncio.wait_for(reader.readexactly(8192), TIMEOUT)
    writer.transport.abort()  # a reset, as a browser's cancelled download or a killed curl
    return received


async def _idle_in_transaction(settings) -> int:
    conn = await asyncpg.connect(asyncpg_url(settings.database_url))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()


@pytest.mark.parametrize("path", ["/exports/bills.csv", "/exports/bills.jsonl"])
async def test_a_client_hanging_up_mid_stream_is_no_server_error_and_leaks_nothing(server, settings, tenant, path):  # noqa: F811
    await _many_bills(tenant.organization_id)
    start = server.log.stat().st_size
    for _ in range(STREAMS.limit + 2):  # more hang-ups than there are export slots
        head = await _hang_up_mid_stream(server.port, path, tenant.token)
        assert head.startswith(b"HTTP/1.1 200 "), head[:200]
    # The server notices each hang-up at its next write; give it that moment.
    for _ in range(50):
        if await _idle_in_transaction(settings) == 0:
            break
        await asyncio.sleep(0.2)
    assert await _idle_in_transaction(settings) == 0, "a snapshot connection was left open"
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tenant.token}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    whole = await asyncio.wait_for(reader.read(), TIMEOUT)
    writer.close()
    assert whole.startswith(b"HTTP/1.1 200 "), whole[:300]  # every slot was given back
    assert whole.endswith(b"0\r\n\r\n")  # the chunked body's final chunk: complete
    with server.log.open("rb") as log:
        log.seek(start)
        written = log.read().decode(errors="replace")
    for fault in ("Traceback", "ERROR", "Exception in ASGI application"):
        assert fault not in written, written[-4000:]
