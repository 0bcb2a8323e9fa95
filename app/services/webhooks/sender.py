"""One HTTP attempt of a webhook (SEMANTICS §14.4.2): POST, 2xx within 15 s or it failed.

Redirects are not followed (a 3xx is a failure: a receiver must name its final URL). At
most `MAX_RESPONSE_BYTES` of the response are read, then the connection is dropped; the
log keeps its first 2 KB. The error names the kind of failure first (TIMEOUT, CONNECT,
TLS, REDIRECT, HTTP, REFUSED_ADDRESS, RESPONSE_TOO_LARGE) so operators can filter on it.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass

import httpx

from app.services.webhooks.urls import refused_address

TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 5.0
EXCERPT_BYTES = 2048
MAX_RESPONSE_BYTES = 64 * 1024
MAX_ERROR_LENGTH = 500


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


def new_client(max_connections: int = 32) -> httpx.AsyncClient:
    """One client per worker process: connections to a receiver are reused across deliveries."""
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        trust_env=False,  # a proxy from the environment would bypass the address check
    )


async def send(
    client: httpx.AsyncClient,
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

    refused = await refused_address(url, allow_private=allow_private)
    if refused is not None:
        return Outcome(elapsed(), error=refused)
    try:
        async with asyncio.timeout(timeout):
            return await _post(client, url, headers, body, elapsed)
    except TimeoutError:
        return Outcome(elapsed(), error=f"TIMEOUT: no complete answer within {timeout:g} s")
    except httpx.TimeoutException as exc:
        return Outcome(elapsed(), error=_error("TIMEOUT", exc))
    except httpx.ConnectError as exc:
        kind = "TLS" if isinstance(exc.__cause__ or exc.__context__, ssl.SSLError) else "CONNECT"
        return Outcome(elapsed(), error=_error(kind, exc))
    except httpx.HTTPError as exc:
        return Outcome(elapsed(), error=_error("HTTP", exc))


async def _post(client: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes, elapsed) -> Outcome:  # noqa: ANN001
    async with client.stream("POST", url, content=body, headers=headers) as response:
        received, too_large = bytearray(), False
        async for chunk in response.aiter_bytes():
            received += chunk
            if len(received) > MAX_RESPONSE_BYTES:
                too_large = True
                break
    excerpt = bytes(received[:EXCERPT_BYTES]).decode("utf-8", errors="replace")
    status, retry_after = response.status_code, response.headers.get("retry-after")
    error = None
    if too_large:
        error = f"RESPONSE_TOO_LARGE: more than {MAX_RESPONSE_BYTES} bytes"
    elif 300 <= status < 400:
        error = f"REDIRECT: {status} to {response.headers.get('location', '?')[:200]} (not followed)"
    return Outcome(elapsed(), status=status, error=error, excerpt=excerpt, retry_after=retry_after)


def _error(kind: str, exc: Exception) -> str:
    return f"{kind}: {type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
