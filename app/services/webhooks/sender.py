"""One HTTP attempt of a webhook (SEMANTICS §14.4.2): POST, 2xx within 15 s or it failed.

Redirects are not followed (a 3xx is a failure: a receiver must name its final URL). At
most `MAX_RESPONSE_BYTES` of the response are read, then the connection is dropped; the
log keeps its first 2 KB. The body's size never decides the outcome: a 2xx is a success
however long its body (§14.4.2). The error names the kind of failure first (TIMEOUT,
CONNECT, TLS, REDIRECT, HTTP, REFUSED_ADDRESS) so operators can filter on it.

The client is aiohttp's: its C parser costs a fraction of the CPU per request of a
pure-Python client, which is most of what a worker spends on a delivery. Connections are
pooled per destination (host and port) and reused across deliveries.
"""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from app.services.webhooks.urls import refused_literal, refused_resolved

TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 5.0
EXCERPT_BYTES = 2048
MAX_RESPONSE_BYTES = 64 * 1024
MAX_ERROR_LENGTH = 500
_CHUNK = 16 * 1024


@dataclass(frozen=True)
class Outcome:
    duration_ms: int
    status: int | None = None
    error: str | None = None
    excerpt: str | None = None
    retry_after: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


class RefusedAddress(OSError):
    """The host resolved to an address a delivery must not reach."""


class _PublicOnly(AbstractResolver):
    """Resolves as usual and refuses names with a private, loopback or link-local address.
    A connection is made only to the addresses this returned, so what is checked is what
    is connected to (no second lookup in between). With the DNS cache off, every new
    connection resolves again; a pooled connection stays with the address checked when
    it was opened."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        refused = refused_resolved(host, [r["host"] for r in results])
        if refused is not None:
            raise RefusedAddress(refused)
        return results

    async def close(self) -> None:
        await self._inner.close()


class Client:
    """One per worker process. Two pools: deliveries that may reach private addresses
    (development, tests) and those that may not, whose connections only ever go to
    addresses the resolver checked. Each is made on first use, inside the running loop."""

    def __init__(self, max_connections: int = 32) -> None:
        self.max_connections = max_connections
        self._sessions: dict[bool, aiohttp.ClientSession] = {}

    def session(self, allow_private: bool) -> aiohttp.ClientSession:
        session = self._sessions.get(allow_private)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(
                # Per destination as many as the runner sends to one at a time; in all, room
                # for several organizations' runs (a request waiting for a connection uses
                # up its timeout).
                limit=self.max_connections * 8,
                limit_per_host=self.max_connections,
                use_dns_cache=False,  # resolve (and check) at every new connection
                resolver=None if allow_private else _PublicOnly(),
            )
            session = self._sessions[allow_private] = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS),
                trust_env=False,  # a proxy from the environment would bypass the address check
                skip_auto_headers=("Accept", "Accept-Encoding"),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return session

    async def aclose(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()


def new_client(max_connections: int = 32) -> Client:
    """One client per worker process: connections to a receiver are reused across deliveries."""
    return Client(max_connections)


async def send(
    client: Client,
    url: str,
    headers: dict[str, str],
    body: bytes,
    *,
    allow_private: bool,
    timeout: float = TIMEOUT_SECONDS,
) -> Outcome:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    target = URL(url, encoded=True)
    # An address written in the URL never reaches the resolver: it is checked here.
    refused = None if allow_private else refused_literal(target.host or "")
    if refused is not None:
        return Outcome(elapsed(), error=refused)
    try:
        async with asyncio.timeout(timeout):
            return await _post(client.session(allow_private), target, headers, body, elapsed)
    except TimeoutError:
        return Outcome(elapsed(), error=f"TIMEOUT: no complete answer within {timeout:g} s")
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, RefusedAddress):
            return Outcome(elapsed(), error=str(exc.os_error)[:MAX_ERROR_LENGTH])
        kind = "TLS" if isinstance(exc, aiohttp.ClientSSLError) else "CONNECT"
        return Outcome(elapsed(), error=_error(kind, exc))
    except aiohttp.ClientSSLError as exc:
        return Outcome(elapsed(), error=_error("TLS", exc))
    except aiohttp.ClientError as exc:
        return Outcome(elapsed(), error=_error("HTTP", exc))


async def _post(
    session: aiohttp.ClientSession, url: URL, headers: dict[str, str], body: bytes, elapsed: Any
) -> Outcome:
    async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
        received = bytearray()
        while chunk := await response.content.read(_CHUNK):
            received += chunk
            if len(received) > MAX_RESPONSE_BYTES:
                response.close()  # drop the connection rather than drain the rest
                break
        status, retry_after = response.status, response.headers.get("retry-after")
        location = response.headers.get("location", "?")
    excerpt = bytes(received[:EXCERPT_BYTES]).decode("utf-8", errors="replace")
    error = None
    if 300 <= status < 400:
        error = f"REDIRECT: {status} to {location[:200]} (not followed)"
    return Outcome(elapsed(), status=status, error=error, excerpt=excerpt, retry_after=retry_after)


def _error(kind: str, exc: Exception) -> str:
    return f"{kind}: {type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
