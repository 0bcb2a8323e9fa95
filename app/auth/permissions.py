"""Permission policies: pure evaluation of ALLOW/DENY statements (SEMANTICS §2.3).

This module is self-contained (standard library only) and does no I/O: callers load
the statements of every policy attached to a principal (user or service user) and ask
whether an *action* on a *resource* is allowed.

Statements
    ``Statement(effect, actions, resources)``: ``effect`` is ``ALLOW`` or ``DENY``;
    ``actions`` and ``resources`` are non-empty tuples of validated patterns. A
    statement *matches* a request when one of its actions matches the request's
    action AND one of its resources matches the request's resource.

Actions
    The nine canonical actions are in :data:`ACTIONS` (``config:create``,
    ``config:retrieve``, ``config:update``, ``config:delete``, ``measurements:upload``,
    ``measurements:retrieve``, ``bills:run``, ``bills:approve``, ``users:manage``).
    The upper-snake forms (``CONFIG_CREATE`` ...) are accepted and normalized to the
    canonical form. Action *patterns* may also be ``*`` (every action) or a service
    wildcard such as ``config:*`` (every ``config:`` action). Spelling is exact: no
    other casing, no surrounding whitespace.

Resource patterns (in statements)
    ``*``                        every resource
    ``config:*``                 every resource of the service
    ``config:meter``             every meter: the collection and every item
    ``config:meter/*``           same as ``config:meter``
    ``config:meter/item/*``      same as ``config:meter``
    ``config:meter/item/<id>``   that one item only (NOT the collection)
    The service is one of ``config``, ``measurements``, ``bills``, ``users``; the type
    is ``[A-Za-z][A-Za-z0-9_]*`` or ``*``; an id is ``[A-Za-z0-9][A-Za-z0-9_.-]*`` (a
    UUID in practice) or ``*``. Nothing else is accepted (no partial globs such as
    ``me*``), and nothing is stripped.

Resources being checked (requests)
    Always concrete: ``config:meter/item/<id>`` for one item, or
    ``config:meter/item/*`` for "the collection / a new item" (list and create checks).
    A request resource that does not have this shape is never allowed (fail closed).
    A request action must be one of the nine concrete actions (either spelling);
    anything else is a programming error and raises ``ValueError``.

Matching
    Segment-wise (service, type, id), never via regular expressions built from user
    text. The service is compared exactly; the type and the id are compared
    case-insensitively, so a DENY on ``config:plan/item/<UUID in upper case>`` also
    covers the same UUID in lower case.

Decision
    An explicit DENY that matches (action and resource) beats any ALLOW; otherwise the
    request is allowed iff at least one ALLOW matches; no matching ALLOW means denied.

Managed policies
    :data:`MANAGED_POLICIES` holds the policies that always exist and cannot be edited:
    ``Administrator`` (ALLOW ``*`` on ``*``), ``ReadOnly`` (ALLOW ``config:retrieve``
    and ``measurements:retrieve`` on ``*``) and ``IngestOnly`` (ALLOW
    ``measurements:upload`` on ``*``).

Fast path
    :class:`PermissionSet` is built once per principal from all its statements and
    answers :meth:`PermissionSet.allows` with the same result as :func:`is_allowed`,
    but with per-action precomputed allow/deny pattern lists.

Whole types and grants
    :meth:`PermissionSet.allows_some` answers whether any item of a type could be
    allowed (a read by code, before the item is known); :meth:`PermissionSet.grants`
    whether the set holds everything an ALLOW statement would give, which bounds what
    a principal may hand out to others (attach a policy, invite, write a policy).

Client input
    :func:`parse_statements` turns ``[{effect, action: [...], resource: [...]}]`` into
    statements and collects every problem as ``(path, message)`` without raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "ACTIONS",
    "MANAGED_POLICIES",
    "MAX_RESOURCE_LENGTH",
    "SERVICES",
    "Effect",
    "PermissionSet",
    "Statement",
    "action_matches",
    "is_allowed",
    "is_managed_policy",
    "normalize_action",
    "normalize_resource",
    "parse_statements",
    "resource_matches",
]


class Effect(str, Enum):
    """The effect of a statement."""

    ALLOW = "ALLOW"
    DENY = "DENY"


ACTIONS: frozenset[str] = frozenset(
    {
        "config:create",
        "config:retrieve",
        "config:update",
        "config:delete",
        "measurements:upload",
        "measurements:retrieve",
        "bills:run",
        "bills:approve",
        "users:manage",
    }
)

#: The services that actions and resources belong to.
SERVICES: frozenset[str] = frozenset(a.partition(":")[0] for a in ACTIONS)

#: Longest accepted resource pattern / request resource.
MAX_RESOURCE_LENGTH = 512

_WILDCARD = "*"

# Concrete actions, both spellings -> canonical.
_CONCRETE_ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        **{a: a for a in ACTIONS},
        **{a.replace(":", "_").upper(): a for a in ACTIONS},
    }
)
# Action patterns: concrete actions, '*', and 'service:*' -> canonical.
_ACTION_PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        **_CONCRETE_ACTIONS,
        _WILDCARD: _WILDCARD,
        **{f"{s}:*": f"{s}:*" for s in SERVICES},
    }
)
_SORTED_ACTIONS: tuple[str, ...] = tuple(sorted(ACTIONS))
_SERVICE_LIST = ", ".join(sorted(SERVICES))

_TYPE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")

# A compiled resource pattern: (service, type, id); None means "any".
# A type/id is stored lower-cased. A pattern id is never '*' (that is None).
_Pattern = tuple[str | None, str | None, str | None]
# A parsed request resource: (service, type, id); id '*' means the collection.
_Request = tuple[str, str, str]
# PermissionSet, per action: (allow_all, deny_patterns, allow_patterns), or None when
# nothing is ever allowed for that action.
_Entry = tuple[bool, tuple[_Pattern, ...], tuple[_Pattern, ...]]


# --------------------------------------------------------------------------- actions


def normalize_action(text: str) -> str:
    """Return the canonical form of an action pattern.

    ``'CONFIG_CREATE'`` -> ``'config:create'``; canonical actions, ``'*'`` and service
    wildcards such as ``'config:*'`` are returned unchanged. Raises ``ValueError``
    (``unknown action 'x'``) for anything else, ``TypeError`` for a non-string.
    """
    if not isinstance(text, str):
        raise TypeError(f"action must be a string, not {type(text).__name__}")
    try:
        return _ACTION_PATTERNS[text]
    except KeyError:
        raise ValueError(f"unknown action {text!r}") from None


def _concrete_action(action: str) -> str:
    """Canonical form of an action being *checked*: one of the nine, either spelling."""
    canonical = _CONCRETE_ACTIONS.get(action) if isinstance(action, str) else None
    if canonical is None:
        if isinstance(action, str) and action in _ACTION_PATTERNS:
            raise ValueError(f"action to check must be a concrete action, not the pattern {action!r}")
        if not isinstance(action, str):
            raise TypeError(f"action must be a string, not {type(action).__name__}")
        raise ValueError(f"unknown action {action!r}")
    return canonical


def _action_pattern_matches(pattern: str, action: str) -> bool:
    """Both arguments canonical; ``action`` concrete."""
    if pattern == _WILDCARD or pattern == action:
        return True
    return pattern.endswith(":*") and action.startswith(pattern[:-1])


def action_matches(pattern: str, action: str) -> bool:
    """Does the action pattern (``*``, ``config:*`` or an action) match ``action``?

    ``action`` is the concrete action being checked (either spelling). Raises
    ``ValueError`` for an unknown pattern or action.
    """
    return _action_pattern_matches(normalize_action(pattern), _concrete_action(action))


# ------------------------------------------------------------------------- resources


def _resource_error(text: str) -> str | None:
    """Why ``text`` is not a valid resource pattern, or None if it is."""
    if text == "":
        return "resource must not be empty"
    if text != text.strip():
        return f"resource {text!r} must not have leading or trailing whitespace"
    if len(text) > MAX_RESOURCE_LENGTH:
        return f"resource is longer than {MAX_RESOURCE_LENGTH} characters"
    if text == _WILDCARD:
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
    if rtype != _WILDCARD and not _TYPE_RE.fullmatch(rtype):
        return (
            f"invalid resource type {rtype!r} in resource {text!r}: expected a name "
            "such as 'meter' (a letter, then letters, digits or '_') or '*'"
        )
    tail = parts[1:]
    if not tail or tail == [_WILDCARD]:
        return None
    if len(tail) == 2 and tail[0] == "item":
        item_id = tail[1]
        if item_id == _WILDCARD or _ID_RE.fullmatch(item_id):
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
def _compile_pattern(pattern: str) -> _Pattern:
    """Compile a validated resource pattern to (service, type, id), None = any."""
    normalize_resource(pattern)
    if pattern == _WILDCARD:
        return (None, None, None)
    service, _, rest = pattern.partition(":")
    parts = rest.split("/")
    rtype = None if parts[0] == _WILDCARD else parts[0].lower()
    item_id = None
    if len(parts) == 3 and parts[2] != _WILDCARD:
        item_id = parts[2].lower()
    return (service, rtype, item_id)


@lru_cache(maxsize=8192)
def _parse_request(resource: str) -> _Request | None:
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
    if item_id != _WILDCARD and not _ID_RE.fullmatch(item_id):
        return None
    return (service, parts[0].lower(), item_id.lower())


def _request_resource(resource: str) -> _Request | None:
    if not isinstance(resource, str):
        raise TypeError(f"resource must be a string, not {type(resource).__name__}")
    return _parse_request(resource)


def _pattern_matches(pattern: _Pattern, request: _Request) -> bool:
    p_service, p_type, p_id = pattern
    service, rtype, item_id = request
    return (
        (p_service is None or p_service == service)
        and (p_type is None or p_type == rtype)
        and (p_id is None or (item_id != _WILDCARD and p_id == item_id))
    )


def resource_matches(pattern: str, resource: str) -> bool:
    """Does the resource pattern match the concrete ``resource``?

    ``resource`` is ``service:type/item/<id>`` (one item) or ``service:type/item/*``
    (the collection / a new item); any other shape never matches. A pattern naming one
    item does not match the collection. Raises ``ValueError`` for an invalid pattern.
    """
    compiled = _compile_pattern(normalize_resource(pattern))
    request = _request_resource(resource)
    return request is not None and _pattern_matches(compiled, request)


# ------------------------------------------------------------------------ statements


def _as_tuple(value: object, what: str) -> tuple[object, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a list of strings, not {type(value).__name__}")
    return tuple(value)


@dataclass(frozen=True)
class Statement:
    """One policy statement; always normalized and validated (see module docstring).

    Constructing it directly normalizes too (upper-snake actions become canonical,
    duplicates are dropped keeping the first occurrence); :meth:`of` is the
    documented helper. Raises ``ValueError`` for an unknown effect or action, an
    invalid resource, or an empty action or resource list.
    """

    effect: Effect
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def __post_init__(self) -> None:
        effect = self.effect
        if not isinstance(effect, Effect):
            if not isinstance(effect, str) or effect not in Effect.__members__:
                raise ValueError(f"effect must be 'ALLOW' or 'DENY', not {effect!r}")
            effect = Effect(effect)
        actions = tuple(dict.fromkeys(normalize_action(a) for a in _as_tuple(self.actions, "actions")))
        resources = tuple(dict.fromkeys(normalize_resource(r) for r in _as_tuple(self.resources, "resources")))
        if not actions:
            raise ValueError("a statement needs at least one action")
        if not resources:
            raise ValueError("a statement needs at least one resource")
        object.__setattr__(self, "effect", effect)
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "resources", resources)

    @classmethod
    def of(
        cls,
        effect: Effect | str,
        actions: Iterable[str],
        resources: Iterable[str],
    ) -> Statement:
        """Build a normalized statement (``effect`` may be ``'ALLOW'``/``'DENY'``)."""
        return cls(effect, actions, resources)  # type: ignore[arg-type]

    def matches(self, action: str, resource: str) -> bool:
        """Do the action and the resource both match this statement?"""
        canonical = _concrete_action(action)
        request = _request_resource(resource)
        return request is not None and self._matches(canonical, request)

    def _matches(self, action: str, request: _Request) -> bool:
        return any(_action_pattern_matches(a, action) for a in self.actions) and any(
            _pattern_matches(_compile_pattern(r), request) for r in self.resources
        )

    def to_dict(self) -> dict[str, object]:
        """The client/storage form: ``{'effect', 'action': [...], 'resource': [...]}``."""
        return {
            "effect": self.effect.value,
            "action": list(self.actions),
            "resource": list(self.resources),
        }


def is_allowed(statements: Iterable[Statement], action: str, resource: str) -> bool:
    """Evaluate ``statements`` for one request.

    A matching DENY beats any ALLOW; otherwise allowed iff some ALLOW matches. The
    action must be one of the nine concrete actions (either spelling) or
    ``ValueError`` is raised; a resource that is not concrete is never allowed.
    """
    canonical = _concrete_action(action)
    request = _request_resource(resource)
    if request is None:
        return False
    allowed = False
    for statement in statements:
        if statement.effect is Effect.DENY:
            if statement._matches(canonical, request):
                return False
        elif not allowed and statement._matches(canonical, request):
            allowed = True
    return allowed


# ------------------------------------------------------------------ managed policies

MANAGED_POLICIES: Mapping[str, tuple[Statement, ...]] = MappingProxyType(
    {
        "Administrator": (Statement.of(Effect.ALLOW, ["*"], ["*"]),),
        "ReadOnly": (Statement.of(Effect.ALLOW, ["config:retrieve", "measurements:retrieve"], ["*"]),),
        "IngestOnly": (Statement.of(Effect.ALLOW, ["measurements:upload"], ["*"]),),
    }
)


def is_managed_policy(name: str) -> bool:
    """Is ``name`` one of the managed (always present, read-only) policies?"""
    return name in MANAGED_POLICIES


# ---------------------------------------------------------------------- client input

_STATEMENT_FIELDS = ("effect", "action", "resource")


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _parse_string_list(
    value: object,
    path: list[str],
    what: str,
    check,
    problems: list[tuple[list[str], str]],
) -> list[str] | None:
    if not _is_list(value):
        problems.append((path, f"{what} must be a list of strings"))
        return None
    if len(value) == 0:  # type: ignore[arg-type]
        problems.append((path, f"{what} must not be empty"))
        return None
    out: list[str] = []
    ok = True
    for j, item in enumerate(value):  # type: ignore[arg-type]
        item_path = [*path, str(j)]
        if not isinstance(item, str):
            problems.append((item_path, f"{what} entries must be strings"))
            ok = False
            continue
        try:
            out.append(check(item))
        except ValueError as exc:
            problems.append((item_path, str(exc)))
            ok = False
    return out if ok else None


def parse_statements(
    raw: Sequence[Mapping],
) -> tuple[list[Statement], list[tuple[list[str], str]]]:
    """Parse client statements ``[{effect, action: [...], resource: [...]}]``.

    Returns ``(statements, problems)``. Each problem is ``(path, message)`` where the
    path locates the offending value within the list, e.g. ``['0', 'action', '1']``
    (``[]`` when ``raw`` itself is not a list). Never raises for bad input and reports
    every problem found; ``statements`` holds only the statements without problems,
    so callers should reject the whole input when ``problems`` is non-empty. Unknown
    fields (e.g. a misspelt ``actions``) are problems too.
    """
    statements: list[Statement] = []
    problems: list[tuple[list[str], str]] = []
    if not _is_list(raw):
        problems.append(([], "statements must be a list"))
        return statements, problems
    for i, entry in enumerate(raw):
        base = [str(i)]
        if not isinstance(entry, Mapping):
            problems.append((base, "statement must be an object"))
            continue
        before = len(problems)
        for key in entry:
            if key not in _STATEMENT_FIELDS:
                problems.append(([*base, str(key)], "unknown field (expected effect, action, resource)"))
        effect: Effect | None = None
        if "effect" not in entry:
            problems.append(([*base, "effect"], "effect is required"))
        else:
            value = entry["effect"]
            if isinstance(value, str) and value in Effect.__members__:
                effect = Effect(value)
            else:
                problems.append(([*base, "effect"], "effect must be 'ALLOW' or 'DENY'"))
        fields: dict[str, list[str] | None] = {}
        for name, check in (("action", normalize_action), ("resource", normalize_resource)):
            if name not in entry:
                problems.append(([*base, name], f"{name} is required"))
                fields[name] = None
            else:
                fields[name] = _parse_string_list(entry[name], [*base, name], name, check, problems)
        if len(problems) == before and effect is not None:
            statements.append(
                Statement(effect, tuple(fields["action"]), tuple(fields["resource"]))  # type: ignore[arg-type]
            )
    return statements, problems


# ------------------------------------------------------------------------- fast path


class PermissionSet:
    """The statements of one principal, precomputed for fast repeated checks.

    ``allows(action, resource)`` returns exactly what :func:`is_allowed` returns for
    the same statements. For each of the nine actions it keeps the DENY and ALLOW
    resource patterns that apply, with flags for "denied everywhere" and "allowed
    everywhere"; a principal with no DENY and an ALLOW ``*`` on ``*`` short-circuits.
    """

    __slots__ = ("_statements", "_by_action", "_allow_everything", "_every_item")

    def __init__(self, statements: Iterable[Statement]) -> None:
        self._statements: tuple[Statement, ...] = tuple(statements)
        allow_map: dict[str, dict[_Pattern, None]] = {a: {} for a in ACTIONS}
        deny_map: dict[str, dict[_Pattern, None]] = {a: {} for a in ACTIONS}
        for statement in self._statements:
            if not isinstance(statement, Statement):
                raise TypeError("PermissionSet needs Statement objects")
            target = deny_map if statement.effect is Effect.DENY else allow_map
            patterns = [_compile_pattern(r) for r in statement.resources]
            for action in _SORTED_ACTIONS:
                if any(_action_pattern_matches(p, action) for p in statement.actions):
                    target[action].update(dict.fromkeys(patterns))
        everything: _Pattern = (None, None, None)
        by_action: dict[str, _Entry | None] = {}
        for action in _SORTED_ACTIONS:
            allow_patterns = allow_map[action]
            deny_patterns = deny_map[action]
            deny_all = everything in deny_patterns
            allow_all = everything in allow_patterns
            if deny_all or not allow_patterns:
                by_action[action] = None
                continue
            by_action[action] = (
                allow_all,
                tuple(deny_patterns),
                () if allow_all else tuple(allow_patterns),
            )
        self._by_action: dict[str, _Entry | None] = by_action
        self._allow_everything = all(entry is not None and entry[0] and not entry[1] for entry in by_action.values())
        self._every_item: dict[tuple[str, str], bool] = {}

    @classmethod
    def from_statements(cls, statements: Iterable[Statement]) -> PermissionSet:
        """Build the set from all statements of all policies of one principal."""
        return cls(statements)

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self._statements

    @property
    def allows_everything(self) -> bool:
        """Every action on every resource, no DENY anywhere (e.g. Administrator alone)."""
        return self._allow_everything

    def allows(self, action: str, resource: str) -> bool:
        """Same result as ``is_allowed(statements, action, resource)``."""
        canonical = _concrete_action(action)
        request = _request_resource(resource)
        if request is None:
            return False
        if self._allow_everything:
            return True
        entry = self._by_action[canonical]
        if entry is None:
            return False
        allow_all, deny_patterns, allow_patterns = entry
        for pattern in deny_patterns:
            if _pattern_matches(pattern, request):
                return False
        if allow_all:
            return True
        for pattern in allow_patterns:
            if _pattern_matches(pattern, request):
                return True
        return False

    # ------------------------------------------------------------ whole types, grants

    def allows_some(self, action: str, resource: str) -> bool:
        """Could ``action`` be allowed on at least one item of the type ``resource`` names?

        ``resource`` is a collection request (``config:meter/item/*``). True when some
        ALLOW could match an item of that type and no DENY covers the whole type. A read
        of one item named by code answers this first and checks the item once found.
        """
        canonical = _concrete_action(action)
        request = _request_resource(resource)
        if request is None:
            return False
        if self._allow_everything:
            return True
        entry = self._by_action[canonical]
        if entry is None:
            return False
        allow_all, deny_patterns, allow_patterns = entry
        whole_type = (request[0], request[1], None)
        if any(_contains(pattern, whole_type) for pattern in deny_patterns):
            return False
        return allow_all or any(_overlaps(pattern, whole_type) for pattern in allow_patterns)

    def denies_single_items(self, action: str, resource: str) -> bool:
        """Does some DENY name single items of the type ``resource`` names?

        When it does not, and the collection is allowed, every item of the type is
        allowed: lists skip checking their items one by one.
        """
        canonical = _concrete_action(action)
        request = _request_resource(resource)
        if request is None or self._allow_everything:
            return False
        entry = self._by_action[canonical]
        if entry is None:
            return False
        whole_type = (request[0], request[1], None)
        return any(p[2] is not None and _overlaps(p, whole_type) for p in entry[1])

    def allows_every_item(self, action: str, resource: str) -> bool:
        """The collection ``resource`` is allowed and no DENY names one of its items:
        each item is then allowed without checking it. Remembered per (action, type)."""
        key = (action, resource)
        known = self._every_item.get(key)
        if known is None:
            known = self.allows(action, resource) and not self.denies_single_items(action, resource)
            self._every_item[key] = known
        return known

    def grants(self, action_pattern: str, resource_pattern: str) -> bool:
        """Does this set allow everything that ALLOW ``action_pattern`` on
        ``resource_pattern`` would allow?

        True when, for each concrete action the pattern names, some ALLOW pattern
        contains the resource pattern and no DENY pattern overlaps it. A principal may
        hand out (attach, write into a policy) only what this answers True for: it can
        give nobody more than it holds itself.
        """
        wanted = _compile_pattern(normalize_resource(resource_pattern))
        pattern = normalize_action(action_pattern)
        if self._allow_everything:
            return True
        for action in _SORTED_ACTIONS:
            if not _action_pattern_matches(pattern, action):
                continue
            entry = self._by_action[action]
            if entry is None:
                return False
            allow_all, deny_patterns, allow_patterns = entry
            if any(_overlaps(deny, wanted) for deny in deny_patterns):
                return False
            if not allow_all and not any(_contains(allow, wanted) for allow in allow_patterns):
                return False
        return True

    def ungranted(self, statements: Iterable[Statement]) -> list[tuple[int, str, str]]:
        """``(statement index, action, resource)`` of every pair in ``statements`` that
        this set does not :meth:`grant`, whatever each statement's effect (callers pass
        the statements whose effect would widen someone's permissions)."""
        return [
            (index, action, resource)
            for index, statement in enumerate(statements)
            for action in statement.actions
            for resource in statement.resources
            if not self.grants(action, resource)
        ]

    def __repr__(self) -> str:
        return f"PermissionSet({len(self._statements)} statements)"


def _contains(outer: _Pattern, inner: _Pattern) -> bool:
    """Does every resource ``inner`` matches also match ``outer``? (None = any)"""
    return all(o is None or o == i for o, i in zip(outer, inner))


def _overlaps(first: _Pattern, second: _Pattern) -> bool:
    """Is there a resource both patterns match? (None = any)"""
    return all(a is None or b is None or a == b for a, b in zip(first, second))
