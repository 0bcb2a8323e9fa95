"""Which webhook URLs are accepted, and which addresses a delivery may reach (SEMANTICS §14.3).

`url_problem` checks the text when a destination is written. `refused_address` runs before
every attempt: the host is resolved then, because a name that pointed at a public address
when the destination was created may point at a private one now. (The HTTP client resolves
the name once more to connect; a name that changes in between can still slip through, the
narrow window every resolver-based check has.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why `url` cannot be a destination, or None. Plain http is accepted only where
    private targets are (development and tests: a local receiver)."""
    if not url:
        return "is required"
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks the port is a number in range
    except ValueError:
        return "is not a valid URL"
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        return "must start with https://" + (" or http://" if allow_private else "")
    if parts.username is not None or parts.password is not None:
        return "must not carry credentials"
    if not parts.hostname:
        return "must name a host"
    if any(c.isspace() for c in url):
        return "must not contain spaces"
    literal = _ip(parts.hostname)
    if literal is not None and not allow_private and not _public(literal):
        return "must not point to a private, loopback or link-local address"
    return None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def refused_address(url: str, *, allow_private: bool) -> str | None:
    """Why a delivery to `url` must not be attempted now, or None: the host resolves to a
    private, loopback, link-local (or otherwise non-public) address, or not at all."""
    if allow_private:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        return f"CONNECT: cannot resolve {host}"
    addresses = {_ip(str(info[4][0]).split("%")[0]) for info in infos}
    if not addresses or any(a is None or not _public(a) for a in addresses):
        return f"REFUSED_ADDRESS: {host} resolves to a private, loopback or link-local address"
    return None
