"""Problems found in an input, each with the path into it (pure; no I/O).

Validation collects every problem of one input before answering, so a client can fix
everything in one round trip. `InputErrors` carries them; raising it means nothing was
written. `app.graphql.errors` turns them into userErrors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    CONFLICT = "CONFLICT"
    IN_USE = "IN_USE"
    INVALID_STATE = "INVALID_STATE"


@dataclass(frozen=True)
class Problem:
    path: tuple[str, ...]
    code: ErrorCode
    message: str


class InputErrors(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{'.'.join(p.path)}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class ProblemCollector:
    """Gathers problems under a base path; `raise_if_any()` ends validation."""

    base: tuple[str, ...] = ("input",)
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: tuple[str | int, ...] | list[str] | str, code: ErrorCode, message: str) -> None:
        if isinstance(path, str):
            path = (path,)
        self.problems.append(Problem(self.base + tuple(str(p) for p in path), code, message))

    def under(self, *path: str | int) -> ProblemCollector:
        """A collector that writes into the same list below a deeper path."""
        return ProblemCollector(self.base + tuple(str(p) for p in path), self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputErrors(list(self.problems))


def fail(path: tuple[str, ...] | str, code: ErrorCode, message: str) -> InputErrors:
    """One problem at a full path (e.g. `("input", "version")`, or `("token",)` for a
    mutation argument outside `input`)."""
    collector = ProblemCollector(base=())
    collector.add(path, code, message)
    return InputErrors(collector.problems)
