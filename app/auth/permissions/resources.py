"""Resources: validating resource patterns, parsing request resources and matching them
segment by segment (service, type, id). See the package docstring for the shapes."""

from __future__ import annotations

import re
from functools import lru_cache

from app.auth.permissions.actions import SERVICES, WILDCARD

#: Longest accepted resource pattern / request resource.
MAX_RESOURCE_LENGTH = 512

_SERVICE_LIST = ", ".join(sorted(SERVICES))

_TYPE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")

# A compiled resource pattern: (service, type, id); None means "any".
# A type/id is stored lower-cased. A pattern id is never '*' (that is None).
Pattern = tuple[str | None, str | None, str | None]
# A parsed request resource: (service, type, id); id '*' means the collection.
Request = tuple[str, str, str]


def _resource_error(text: str) -> str | None:
    """Why ``text`` is not a valid resource pattern, or None if it is."""
    if text == "":
        return "resource must not be empty"
    if text != text.strip():
        return f"resource {text!r} must not have leading or trailing whitespace"
    if len(text) > MAX_RESOURCE_LENGTH:
        return f"resource is longer than {MAX_RESOURCE_LENGTH} characters"
    if text == WILDCARD:
        return None
    service, sep, rest = text.partition(":")
    if not sep:
        return (
            f"resource {text!r} must be '*' or look like 'service:type', 'service:type/*' or 'service:type/item/<id>'"
        )
    if service not in SERVICES:
        return f"unknown service {service!r} in resource {text!r} (expected one of {_SERVICE_LIST})"
    parts = rest.split("/")
    rtype = parts[0]
    if rtype != WILDCARD and not _TYPE_RE.fullmatch(rtype):
        return (
            f"invalid resource type {rtype!r} in resource {text!r}: expected a name "
            "such as 'meter' (a letter, then letters, digits or '_') or '*'"
        )
    tail = parts[1:]
    if not tail or tail == [WILDCARD]:
        return None
    if len(tail) == 2 and tail[0] == "item":
        item_id = tail[1]
        if item_id == WILDCARD or _ID_RE.fullmatch(item_id):
            return None
        return (
            f"invalid item id {item_id!r} in resource {text!r}: expected '*' or an id "
            "of letters, digits, '_', '.' and '-'"
        )
    return f"resource {text!r}: after the type expected nothing, '/*' or '/item/<id>'"


def normalize_resource(text: str) -> str:
    """Validate a resource pattern and return it unchanged.

    Accepted shapes: ``*``, ``service:*``, ``service:type``, ``service:type/*``,
    ``service:type/item/<id>`` and ``service:type/item/*``. Raises ``ValueError`` with
    a message naming the problem otherwise (``TypeError`` for a non-string).
    """
    if not isinstance(text, str):
        raise TypeError(f"resource must be a string, not {type(text).__name__}")
    problem = _resource_error(text)
    if problem is not None:
        raise ValueError(problem)
    return text


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Pattern:
    """Compile a validated resource pattern to (service, type, id), None = any."""
    normalize_resource(pattern)
    if pattern == WILDCARD:
        return (None, None, None)
    service, _, rest = pattern.partition(":")
    parts = rest.split("/")
    rtype = None if parts[0] == WILDCARD else parts[0].lower()
    item_id = None
    if len(parts) == 3 and parts[2] != WILDCARD:
        item_id = parts[2].lower()
    return (service, rtype, item_id)


@lru_cache(maxsize=8192)
def _parse_request(resource: str) -> Request | None:
    """Parse a concrete request resource; None when it is not of that shape."""
    if len(resource) > MAX_RESOURCE_LENGTH:
        return None
    service, sep, rest = resource.partition(":")
    if not sep or service not in SERVICES:
        return None
    parts = rest.split("/")
    if len(parts) != 3 or parts[1] != "item" or not _TYPE_RE.fullmatch(parts[0]):
        return None
    item_id = parts[2]
    if item_id != WILDCARD and not _ID_RE.fullmatch(item_id):
        return None
    return (service, parts[0].lower(), item_id.lower())


def request_resource(resource: str) -> Request | None:
    if not isinstance(resource, str):
        raise TypeError(f"resource must be a string, not {type(resource).__name__}")
    return _parse_request(resource)


def pattern_matches(pattern: Pattern, request: Request) -> bool:
    p_service, p_type, p_id = pattern
    service, rtype, item_id = request
    return (
        (p_service is None or p_service == service)
        and (p_type is None or p_type == rtype)
        and (p_id is None or (item_id != WILDCARD and p_id == item_id))
    )


def resource_matches(pattern: str, resource: str) -> bool:
    """Does the resource pattern match the concrete ``resource``?

    ``resource`` is ``service:type/item/<id>`` (one item) or ``service:type/item/*``
    (the collection / a new item); any other shape never matches. A pattern naming one
    item does not match the collection. Raises ``ValueError`` for an invalid pattern.
    """
    compiled = compile_pattern(normalize_resource(pattern))
    request = request_resource(resource)
    return request is not None and pattern_matches(compiled, request)
