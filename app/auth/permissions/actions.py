"""Actions: the nine concrete actions, their two spellings, and action patterns (``*``,
``service:*``). See the package docstring for the rules."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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

WILDCARD = "*"

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
        WILDCARD: WILDCARD,
        **{f"{s}:*": f"{s}:*" for s in SERVICES},
    }
)
SORTED_ACTIONS: tuple[str, ...] = tuple(sorted(ACTIONS))


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


def concrete_action(action: str) -> str:
    """Canonical form of an action being *checked*: one of the nine, either spelling."""
    canonical = _CONCRETE_ACTIONS.get(action) if isinstance(action, str) else None
    if canonical is None:
        if isinstance(action, str) and action in _ACTION_PATTERNS:
            raise ValueError(f"action to check must be a concrete action, not the pattern {action!r}")
        if not isinstance(action, str):
            raise TypeError(f"action must be a string, not {type(action).__name__}")
        raise ValueError(f"unknown action {action!r}")
    return canonical


def action_pattern_matches(pattern: str, action: str) -> bool:
    """Both arguments canonical; ``action`` concrete."""
    if pattern == WILDCARD or pattern == action:
        return True
    return pattern.endswith(":*") and action.startswith(pattern[:-1])


def action_matches(pattern: str, action: str) -> bool:
    """Does the action pattern (``*``, ``config:*`` or an action) match ``action``?

    ``action`` is the concrete action being checked (either spelling). Raises
    ``ValueError`` for an unknown pattern or action.
    """
    return action_pattern_matches(normalize_action(pattern), concrete_action(action))
