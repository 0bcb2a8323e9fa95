"""Errors services raise. Input problems are domain values (`app.domain.problems`), re-exported
here for the services; authentication and permission failures are service errors."""

from __future__ import annotations

from app.domain.problems import ErrorCode, InputErrors, Problem, ProblemCollector, fail

__all__ = ["AuthError", "ErrorCode", "InputErrors", "PermissionDenied", "Problem", "ProblemCollector", "fail"]


class AuthError(Exception):
    """Not authenticated (401 / UNAUTHENTICATED)."""

    # GraphQL copies an exception's `extensions` onto the error a client sees.
    extensions = {"code": "UNAUTHENTICATED"}


class PermissionDenied(Exception):
    """Authenticated but not allowed (403 / FORBIDDEN)."""

    extensions = {"code": "FORBIDDEN"}
