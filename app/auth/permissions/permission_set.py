"""The fast path: one principal's statements precomputed per action (`PermissionSet`),
giving the same answers as `statements.is_allowed`, plus whole-type and grant checks."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product

from app.auth.permissions.actions import (
    ACTIONS,
    SORTED_ACTIONS,
    WILDCARD,
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


class _Patterns:
    """A set of compiled resource patterns, answering each question in a few set lookups.

    A principal may hold thousands of patterns (one DENY per item); checking a request, or
    a grant, against each in turn made one check cost milliseconds and a grant of many
    resources by such a principal minutes of the event loop. A pattern is three segments,
    each a value or None (any): whatever the number of patterns, the ones that can match
    a given request are among the 2³ combinations of "this segment or any", so looking
    those up answers it. The projections (the patterns with some segments left out)
    answer overlaps the same way.
    """

    __slots__ = ("_full", "_few", "_projections", "_item_types")

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self._full: frozenset[Pattern] = frozenset(patterns)
        # A few patterns (the managed policies, most custom ones) are tested one by one:
        # cheaper than building the 2^3 candidates (1.0 against 3-4 us a check, ReadOnly).
        self._few: tuple[Pattern, ...] | None = tuple(self._full) if len(self._full) <= _FEW else None
        # Per subset of the positions kept: the patterns' values at those positions. Built
        # when first needed (grants and whole types; single checks need only `_full`).
        self._projections: dict[tuple[int, ...], frozenset[tuple[str | None, ...]]] | None = None
        # (service, type) of the patterns that name one item.
        self._item_types = frozenset((p[0], p[1]) for p in self._full if p[2] is not None)

    def __bool__(self) -> bool:
        return bool(self._full)

    def __iter__(self):  # noqa: ANN204 - an iterator of Pattern
        return iter(self._full)

    def __contains__(self, pattern: object) -> bool:
        return pattern in self._full

    def match(self, request: Request) -> bool:
        """Does some pattern match the request (an item, or the collection `id == '*'`)?"""
        few = self._few
        if few is not None:
            for pattern in few:  # a loop, not any(): a generator costs more than the tests
                if pattern_matches(pattern, request):
                    return True
            return False
        service, rtype, item_id = request
        ids = (None,) if item_id == WILDCARD else (None, item_id)
        return any(candidate in self._full for candidate in product((None, service), (None, rtype), ids))

    def contain(self, wanted: Pattern) -> bool:
        """Does some pattern match every resource `wanted` matches?"""
        choices = [(None,) if value is None else (None, value) for value in wanted]
        return any(candidate in self._full for candidate in product(*choices))

    def overlap(self, wanted: Pattern) -> bool:
        """Is there a resource that some pattern and `wanted` both match?"""
        if self._projections is None:
            self._projections = {kept: frozenset(tuple(p[k] for k in kept) for p in self._full) for kept in _SUBSETS}
        kept = tuple(k for k, value in enumerate(wanted) if value is not None)
        projection = self._projections[kept]
        return any(candidate in projection for candidate in product(*((None, wanted[k]) for k in kept)))

    def name_items_of(self, service: str, rtype: str) -> bool:
        """Does some pattern naming one item overlap the type `service:rtype`?"""
        return any(candidate in self._item_types for candidate in product((None, service), (None, rtype)))


_FEW = 8
_SUBSETS: tuple[tuple[int, ...], ...] = tuple(tuple(k for k in range(3) if mask & (1 << k)) for mask in range(8))
_NONE = _Patterns(())

# PermissionSet, per action: (allow_all, deny_patterns, allow_patterns), or None when
# nothing is ever allowed for that action.
_Entry = tuple[bool, _Patterns, _Patterns]


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
        # Actions named together (`*`, `config:*`) share one index of the same patterns.
        indexes: dict[frozenset[Pattern], _Patterns] = {frozenset(): _NONE}

        def index(patterns: dict[Pattern, None]) -> _Patterns:
            key = frozenset(patterns)
            if key not in indexes:
                indexes[key] = _Patterns(key)
            return indexes[key]

        for action in SORTED_ACTIONS:
            allow_patterns = allow_map[action]
            deny_patterns = deny_map[action]
            deny_all = everything in deny_patterns
            allow_all = everything in allow_patterns
            if deny_all or not allow_patterns:
                by_action[action] = None
                continue
            by_action[action] = (allow_all, index(deny_patterns), _NONE if allow_all else index(allow_patterns))
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
        if deny_patterns.match(request):
            return False
        return allow_all or allow_patterns.match(request)

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
        if deny_patterns.contain(whole_type):
            return False
        return allow_all or allow_patterns.overlap(whole_type)

    def denies_single_items(self, action: str, resource: str) -> bool:
        """Does some DENY name single items of the type ``resource`` names?

        When it does not, and the collection is allowed, every item of the type is
        allowed: lists skip checking their items one by one.
        """
        decided = self._decided(action, resource)
        if isinstance(decided, bool):  # everything allowed, or nothing: no DENY of single items
            return False
        request, (_, deny_patterns, _) = decided
        return deny_patterns.name_items_of(request[0], request[1])

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
            if deny_patterns.overlap(wanted):
                return False
            if not allow_all and not allow_patterns.contain(wanted):
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
