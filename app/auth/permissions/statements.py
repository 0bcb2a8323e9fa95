"""Statements and their evaluation (a DENY beats any ALLOW), and the managed policies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from app.auth.permissions.actions import action_pattern_matches, concrete_action, normalize_action
from app.auth.permissions.resources import (
    Request,
    compile_pattern,
    normalize_resource,
    pattern_matches,
    request_resource,
)


class Effect(str, Enum):
    """The effect of a statement."""

    ALLOW = "ALLOW"
    DENY = "DENY"


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
        canonical = concrete_action(action)
        request = request_resource(resource)
        return request is not None and self._matches(canonical, request)

    def _matches(self, action: str, request: Request) -> bool:
        return any(action_pattern_matches(a, action) for a in self.actions) and any(
            pattern_matches(compile_pattern(r), request) for r in self.resources
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
    canonical = concrete_action(action)
    request = request_resource(resource)
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
