"""Which webhook URLs are accepted, and which addresses a delivery may reach (SEMANTICS §14.3).

`url_problem` checks the text when a destination is written. `refused_literal` and
`refused_resolved` run when a delivery connects: the host is resolved then, because a name
that pointed at a public address when the destination was created may point at a private
one now. The sender's resolver applies the check to the very addresses it connects to, so
no second lookup can slip another address in.
"""

from __future__ import annotations

import ipaddress
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


def refused_literal(host: str) -> str | None:
    """Why a delivery must not go to `host` written as an IP address, or None (a name: the
    sender's resolver checks what it resolves to)."""
    literal = _ip(host)
    if literal is not None and not _public(literal):
        return f"REFUSED_ADDRESS: {host} is a private, loopback or link-local address"
    return None


def refused_resolved(host: str, addresses: list[str]) -> str | None:
    """Why a delivery must not go to `host`, which resolved to `addresses`, or None: any of
    them is private, loopback, link-local (or otherwise non-public), or there are none."""
    parsed = {_ip(str(a).split("%")[0]) for a in addresses}
    if not parsed or any(a is None or not _public(a) for a in parsed):
        return f"REFUSED_ADDRESS: {host} resolves to a private, loopback or link-local address"
    return None
