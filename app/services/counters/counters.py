"""Counters (SEMANTICS §8.1): created, changed and deleted one at a time (or nested in
`createProduct`). A counter's product never changes; deleting one still priced or
adjusted is refused, naming what uses it."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.billing.counters_checks import CounterDraft, check_counter
from app.domain.given import given
from app.domain.ids import as_uuid
from app.models.catalog import Product
from app.models.counters import Counter, CounterAdjustment, CounterPricing
from app.services import events
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.counters.commands import CreateCounter, UpdateCounter
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned


async def create_counter(organization_id: uuid.UUID, command: CreateCounter, actor: str) -> Counter:
    data = command.counter
    at = ProblemCollector()
    values = check_counter(data, at)
    values["product_id"] = await _product(organization_id, data.get("productId"), at)
    await _refuse_taken_code(organization_id, values["code"], at)
    at.raise_if_any()
    try:
        async with in_transaction():
            stamp: dict[str, Any] = {"organization_id": organization_id, "created_by": actor, "last_modified_by": actor}
            row = await Counter.create(**stamp, **values)
            await events.created(row)
    except IntegrityError as exc:  # a concurrent writer took the code meanwhile (the unique key)
        raise fail(("input", "code"), ErrorCode.DUPLICATE, "the code was just taken; read and retry") from exc
    return row


async def update_counter(organization_id: uuid.UUID, command: UpdateCounter, actor: str) -> Counter:
    """Name, code and unit may change; the product may not (its pricings rely on it)."""
    row = await get_owned(Counter, organization_id, command.counter_id)
    at = ProblemCollector()
    if "product_id" in given(command.changes) and as_uuid(command.changes.product_id) != row.product_id:
        at.add("productId", ErrorCode.INVALID, "a counter stays with its product (or stays global)")
    stored = CounterDraft(name=row.name, code=row.code, unit=row.unit)
    values = check_counter(dataclasses.replace(stored, **_own(command.changes)), at)
    if values["code"] != row.code:
        await _refuse_taken_code(organization_id, values["code"], at, exclude_id=row.id)
    at.raise_if_any()
    return await update_versioned(Counter, organization_id, row.id, command.version, values, actor)


async def delete_counter(organization_id: uuid.UUID, counter_id: uuid.UUID, *, version: int) -> None:
    dependants = [
        Dependants("counter pricings", CounterPricing, {"counter_id": counter_id}),
        Dependants("counter adjustments", CounterAdjustment, {"counter_id": counter_id}),
    ]
    await delete_versioned(Counter, organization_id, counter_id, version, dependants)


def _own(changes: CounterDraft) -> dict[str, Any]:
    return {name: value for name, value in given(changes).items() if name != "product_id"}


async def _product(organization_id: uuid.UUID, value: Any, at: ProblemCollector) -> uuid.UUID | None:
    if value is None:
        return None
    product_id = as_uuid(value)
    if product_id is None or not await Product.filter(organization_id=organization_id, id=product_id).exists():
        at.add("productId", ErrorCode.NOT_FOUND, f"no product with id {value}")
        return None
    return product_id


async def _refuse_taken_code(
    organization_id: uuid.UUID, code: Any, at: ProblemCollector, exclude_id: uuid.UUID | None = None
) -> None:
    if isinstance(code, str) and await taken_codes(Counter, organization_id, [code], exclude_id):
        at.add("code", ErrorCode.DUPLICATE, f"a counter with code {code!r} exists")
