"""A response's writes sent together (app.http.coalescing), over a real socket pair."""

from __future__ import annotations

import asyncio
import socket

import pytest

from app.http.coalescing import FLUSH_BYTES, _HeldWrites


class _Sink(asyncio.Protocol):
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)


async def _pair() -> tuple[_HeldWrites, socket.socket]:
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    loop = asyncio.get_running_loop()
    transport, _ = await loop.connect_accepted_socket(_Sink, ours)
    return _HeldWrites(transport, loop), theirs  # type: ignore[arg-type]


async def _received(peer: socket.socket) -> bytes:
    await asyncio.sleep(0.05)
    try:
        return peer.recv(1 << 20)
    except BlockingIOError:
        return b""


async def test_writes_of_one_turn_are_sent_together_when_the_loop_turns():
    held, peer = await _pair()
    held.write(b"HTTP/1.1 200 OK\r\n\r\n")
    held.write(b"body")
    with pytest.raises(BlockingIOError):  # nothing is sent before the loop turns
        peer.recv(100)
    assert await _received(peer) == b"HTTP/1.1 200 OK\r\n\r\nbody"
    held.write(b"next")  # a later response is held and sent again
    assert await _received(peer) == b"next"
    held.close()
    peer.close()


async def test_close_sends_what_is_held_first():
    held, peer = await _pair()
    held.write(b"last words")
    held.close()
    assert await _received(peer) == b"last words"
    peer.close()


async def test_a_large_response_is_sent_without_waiting():
    held, peer = await _pair()
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * FLUSH_BYTES)
    body = b"x" * (FLUSH_BYTES + 1)
    held.write(b"head")
    held.write(body)
    assert held._held is None  # handed to the socket's transport already
    received = b""
    while len(received) < len(body) + 4:
        received += await _received(peer)
    assert received == b"head" + body
    held.close()
    peer.close()
