"""The fast path: one principal's statements precomputed per action (`PermissionSet`),
giving the same answers as `statements.is_allowed`, plus whole-type and grant checks."""

from __future__ import annotations

from collections.abc import Iterable

from app.auth.permissions.actions import (
    ACTIONS,
    SORTED_ACTIONS,
    action_pattern_matches,
    concrete_action,
    normalize_action,
)
from app.auth.permissions.resources import (
    Pattern,
    Request,
    compile_pattern,
    normalize_resource,
    pattern_matches,
    request_resource,
)
from app.auth.permissions.statements import Effect, Statement

# PermissionSet, per action: (allow_all, deny_patterns, allow_patterns), or None when
# nothing is ever allowed for that action.
_Entry = tuple[bool, tuple[Pattern, ...], tuple[Pattern, ...]]


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
        allow_map: dict[str, dict[Pattern, None]] = {a: {} for a in ACTIONS}
        deny_map: dict[str, dict[Pattern, None]] = {a: {} for a in ACTIONS}
        for statement in self._statements:
            if not isinstance(statement, Statement):
                raise TypeError("PermissionSet needs Statement objects")
            target = deny_map if statement.effect is Effect.DENY else allow_map
            patterns = [compile_pattern(r) for r in statement.resources]
            for action in SORTED_ACTIONS:
                if any(action_pattern_matches(p, action) for p in statement.actions):
                    target[action].update(dict.fromkeys(patterns))
        everything: Pattern = (None, None, None)
        by_action: dict[str, _Entry | None] = {}
        for action in SORTED_ACTIONS:
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

    def _decided(self, action: str, resource: str) -> bool | tuple[Request, _Entry]:
        """The answer when the request alone decides it (a resource that is not concrete:
        False; everything allowed: True; nothing allowed for the action: False), else the
        parsed request with the action's patterns."""
        canonical = concrete_action(action)
        request = request_resource(resource)
        if request is None:
            return False
        if self._allow_everything:
            return True
        entry = self._by_action[canonical]
        return False if entry is None else (request, entry)

    def allows(self, action: str, resource: str) -> bool:
        """Same result as ``is_allowed(statements, action, resource)``."""
        decided = self._decided(action, resource)
        if isinstance(decided, bool):
            return decided
        request, (allow_all, deny_patterns, allow_patterns) = decided
        for pattern in deny_patterns:
            if pattern_matches(pattern, request):
                return False
        if allow_all:
            return True
        for pattern in allow_patterns:
            if pattern_matches(pattern, request):
                return True
        return False

    # ------------------------------------------------------------ whole types, grants

    def allows_some(self, action: str, resource: str) -> bool:
        """Could ``action`` be allowed on at least one item of the type ``resource`` names?

        ``resource`` is a collection request (``config:meter/item/*``). True when some
        ALLOW could match an item of that type and no DENY covers the whole type. A read
        of one item named by code answers this first and checks the item once found.
        """
        decided = self._decided(action, resource)
        if isinstance(decided, bool):
            return decided
        request, (allow_all, deny_patterns, allow_patterns) = decided
        whole_type = (request[0], request[1], None)
        if any(_contains(pattern, whole_type) for pattern in deny_patterns):
            return False
        return allow_all or any(_overlaps(pattern, whole_type) for pattern in allow_patterns)

    def denies_single_items(self, action: str, resource: str) -> bool:
        """Does some DENY name single items of the type ``resource`` names?

        When it does not, and the collection is allowed, every item of the type is
        allowed: lists skip checking their items one by one.
        """
        decided = self._decided(action, resource)
        if isinstance(decided, bool):  # everything allowed, or nothing: no DENY of single items
            return False
        request, (_, deny_patterns, _) = decided
        whole_type = (request[0], request[1], None)
        return any(p[2] is not None and _overlaps(p, whole_type) for p in deny_patterns)

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
        wanted = compile_pattern(normalize_resource(resource_pattern))
        pattern = normalize_action(action_pattern)
        if self._allow_everything:
            return True
        for action in SORTED_ACTIONS:
            if not action_pattern_matches(pattern, action):
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


def _contains(outer: Pattern, inner: Pattern) -> bool:
    """Does every resource ``inner`` matches also match ``outer``? (None = any)"""
    return all(o is None or o == i for o, i in zip(outer, inner))


def _overlaps(first: Pattern, second: Pattern) -> bool:
    """Is there a resource both patterns match? (None = any)"""
    return all(a is None or b is None or a == b for a, b in zip(first, second))
