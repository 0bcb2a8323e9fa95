"""uvicorn's HTTP protocol with a response's writes sent together.

uvicorn writes a response's head and its body with two socket writes. On a small
response the first one wakes the client for a head without its body: two deliveries and
two wake-ups per request where one would do, and that was the largest single cost of a
trivial authenticated query on a busy machine (a quarter of the server's samples). Here
the writes made while one event-loop callback runs (the head and body of a response are
written without waiting in between) are held and sent as one write when the loop next
turns, or at once when the held bytes grow past `FLUSH_BYTES` or the connection closes.

Only HTTP/1 responses are held: a connection upgraded to a websocket gets the socket's
transport itself, as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

FLUSH_BYTES = 64 * 1024  # larger responses gain nothing from being held: sent as written


class _HeldWrites:
    """A transport that holds writes until the loop turns, then sends them as one."""

    __slots__ = ("_held", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._held is None:
            self._held = [data]
            self._loop.call_soon(self.flush)
        else:
            self._held.append(data)
        if len(self._held) > 1 and sum(map(len, self._held)) > FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        held, self._held = self._held, None
        if not held or self.transport.is_closing():
            return
        if len(held) == 1:
            self.transport.write(held[0])
        else:
            self.transport.writelines(held)  # one send of them all, without copying them together

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def abort(self) -> None:
        self.flush()
        self.transport.abort()

    def __getattr__(self, name: str) -> Any:  # everything else is the socket transport's
        return getattr(self.transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a transport that sends a response in one write."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_HeldWrites(transport, asyncio.get_running_loop()))  # type: ignore[arg-type]

    def handle_websocket_upgrade(self) -> None:
        held = self.transport
        if isinstance(held, _HeldWrites):
            held.flush()
            self.transport = held.transport
        super().handle_websocket_upgrade()
