"""Client input: policy statements as clients send them, parsed with every problem
collected as ``(path, message)`` instead of raised."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.auth.permissions.actions import normalize_action
from app.auth.permissions.resources import normalize_resource
from app.auth.permissions.statements import Effect, Statement

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
