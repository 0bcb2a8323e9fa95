"""Refusals shared by the meter, aggregation and compound services: stale versions,
taken codes, moving an entity to another owner."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.models import Model

from app.domain.given import NOT_GIVEN, Fields
from app.services.catalog.entities import taken_codes
from app.services.errors import ErrorCode, ProblemCollector

# Columns the checks return that an update never writes: the id, and the owner (a meter's
# or compound's product, an aggregation's meter and product), which never changes.
FIXED = ("id", "product_id", "meter_id")


def refuse_owner_change(changes: Fields, at: ProblemCollector, *keys: str) -> None:
    """INVALID at each of `keys` (input names) the changes give, null included."""
    # Aggregations follow their meter and pricings point at all of them: moving one to
    # another product or meter would silently re-scope what already prices plans.
    for key in keys:
        if changes.get(key, NOT_GIVEN) is not NOT_GIVEN:
            at.add(key, ErrorCode.INVALID, "cannot be changed; create a new one instead")


async def report_taken(
    model: type[Model],
    organization_id: uuid.UUID,
    coded: Sequence[tuple[tuple[str | int, ...], Any]],
    noun: str,
    at: ProblemCollector,
    exclude_id: uuid.UUID | None = None,
) -> None:
    """DUPLICATE into `at` at each (path, code) whose code another `model` row holds."""
    taken = await taken_codes(model, organization_id, [code for _, code in coded], exclude_id=exclude_id)
    for path, code in coded:
        if code in taken:
            at.add(path, ErrorCode.DUPLICATE, f"a{'n' if noun[0] in 'aeiou' else ''} {noun} with code {code!r} exists")


async def refuse_taken(
    model: type[Model], organization_id: uuid.UUID, code: Any, noun: str, exclude_id: uuid.UUID | None = None
) -> None:
    """DUPLICATE at `code` when another `model` row holds it."""
    at = ProblemCollector()
    await report_taken(model, organization_id, [(("code",), code)], noun, at, exclude_id)
    at.raise_if_any()


def columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """The checked values an update writes."""
    return {key: value for key, value in values.items() if key not in FIXED}
