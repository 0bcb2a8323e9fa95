"""How failures reach clients (CONTRACT §3).

- `InputErrors` from a service become the payload's `userErrors` (nothing was changed).
- Exceptions that carry `extensions` (`AuthError`, `PermissionDenied`, `BadRequest`,
  `RateLimited` with its `retryAfter` seconds, `TooManySubscriptions`) are top-level
  errors with their code.
- Anything else is logged with its context and masked: the client sees `INTERNAL` and a
  message that reveals nothing.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from app.services.errors import ErrorCode, InputErrors

log = logging.getLogger("metergraph.graphql")

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode", description="Why an input was refused.")


@strawberry.type(description="A problem with one part of a mutation's input; the mutation changed nothing.")
class UserError:
    field: list[str] = strawberry.field(description='Path into the input, e.g. ["input", "meters", "0", "code"].')
    code: UserErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


def user_errors(exc: InputErrors) -> list[UserError]:
    return [UserError(field=list(p.path), code=p.code, message=p.message) for p in exc.problems]


class BadRequest(Exception):
    """A query argument out of range (e.g. `first` over 100)."""

    extensions = {"code": "BAD_USER_INPUT"}


class TopLevelCode(str, Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL = "INTERNAL"


def _is_unexpected(error: GraphQLError) -> bool:
    """Whether `error` must be masked (and logged as unexpected)."""
    original = error.original_error
    if original is None:  # syntax and validation errors are the client's, keep them
        return False
    # Refusals before execution (no query, unknown operation name, an operation type the
    # transport does not run, e.g. a query over legacy graphql-ws) are the client's too.
    if isinstance(original, (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)):
        return False
    if isinstance(getattr(original, "extensions", None), dict):
        return False
    log.error("unexpected error in %s", error.path, exc_info=original)
    return True


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": TopLevelCode.INTERNAL.value}
        return masked

    def _process_result(self, result: object) -> None:
        # Strawberry's version asks isinstance() of a runtime-checkable Protocol, which
        # walks the protocol's members on every request (a few percent of a trivial
        # query); every result it handles has `errors`, so reading it is the same test.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


async def respond(
    payload: type,
    fields: str | tuple[str, ...],
    call: Callable[[], Any],
    to_node: Callable[[Any], Any] | None = None,
    *,
    at: tuple[str, ...] = (),
) -> Any:
    """The one way a mutation answers: run its service call and wrap the outcome in its
    payload, the entity on success, the userErrors when the input was refused (nothing
    was changed; every field named in `fields` is then null).

    `call` is a thunk (sync or async) so that building the command inside it (ids, dates)
    is guarded too.
    With several `fields`, `to_node` returns one value per field, in order. `at` prefixes
    every problem's path, for services that report paths relative to the input."""
    names = (fields,) if isinstance(fields, str) else fields
    try:
        result = call()
        if inspect.isawaitable(result):
            result = await result
    except InputErrors as exc:
        problems = [type(p)((*at, *p.path), p.code, p.message) for p in exc.problems] if at else exc.problems
        return payload(**dict.fromkeys(names), user_errors=user_errors(InputErrors(problems)))
    value = to_node(result) if to_node else result
    values = (value,) if isinstance(fields, str) else value
    return payload(**dict(zip(names, values, strict=True)), user_errors=[])


async def respond_deleted(call: Callable[[], Awaitable[Any]], deleted_id: Any) -> Any:
    """A delete's payload: the id on success, the userErrors when it was refused."""
    from app.graphql.organization.inputs import DeletePayload

    return await respond(DeletePayload, "deleted_id", call, lambda _: deleted_id)


async def or_bad_request(call: Callable[[], Awaitable[Any]]) -> Any:
    """For queries, which have no userErrors: a refused input is a BAD_USER_INPUT error
    carrying every problem's message, each after the argument it is about
    (`billDate: must be between …`)."""
    try:
        return await call()
    except InputErrors as exc:
        raise BadRequest(
            "; ".join(f"{'.'.join(p.path)}: {p.message}" if p.path else p.message for p in exc.problems)
        ) from None
