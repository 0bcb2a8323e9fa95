"""Meters (SEMANTICS §3.2): create (with nested aggregations), update, delete.

A meter row is locked while it is updated and while an aggregation is created or changed
over it, so the check that no aggregation loses its field sees every aggregation.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.catalog.meters import check_aggregation, check_meter
from app.domain.catalog.refs import FieldRef, MeterRef
from app.domain.given import Fields
from app.models.catalog import Aggregation, Meter
from app.services import events
from app.services.catalog.commands import CreateMeter, UpdateMeter
from app.services.catalog.entities import Dependants, delete_versioned
from app.services.catalog.meters.guards import columns, refuse_owner_change, refuse_taken, report_taken
from app.services.catalog.meters.loading import locked, meter_data, meter_ref_of, resolve_product
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import refuse_stale, update_versioned


async def create_meter(organization_id: uuid.UUID, command: CreateMeter, *, actor: str) -> Meter:
    """A meter and its nested `aggregations`, all or nothing."""
    data = command.meter
    at = ProblemCollector()
    product_id = await resolve_product(organization_id, data.get("productId"), at)
    values, ref = check_meter(data, at, product_id=product_id)
    aggregations = nested_aggregations(data.get("aggregations"), at, ref)
    at.raise_if_any()
    await report_taken(Meter, organization_id, [(("code",), values["code"])], "meter", at)
    await report_taken(
        Aggregation,
        organization_id,
        [(("aggregations", i, "code"), a["code"]) for i, a in enumerate(aggregations)],
        "aggregation",
        at,
    )
    at.raise_if_any()
    stamp: dict[str, Any] = {"organization_id": organization_id, "created_by": actor, "last_modified_by": actor}
    try:
        async with in_transaction():
            meter = await Meter.create(**stamp, **values)
            created = [Aggregation(**stamp, **a) for a in aggregations]
            if created:
                await Aggregation.bulk_create(created)
            await events.created(meter, *created)
    except IntegrityError as exc:
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, "a meter or aggregation with one of these codes was just created"
        ) from exc
    return meter


def nested_aggregations(items: Any, at: ProblemCollector, meter: MeterRef) -> list[dict[str, Any]]:
    """Checked values of the aggregations nested in a meter input (path `aggregations`)."""
    if items is None:
        return []
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        at.add("aggregations", ErrorCode.INVALID, "must be a list")
        return []
    checked: list[dict[str, Any]] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        item_at = at.under("aggregations", index)
        readable = isinstance(item, (Mapping, Fields))
        if readable and item.get("meterId") is not None:
            item_at.add(
                "meterId", ErrorCode.INVALID, "must be left out: the aggregation belongs to the meter it is nested in"
            )
        values, _ = check_aggregation(item if readable else {}, item_at, meter=meter)
        code = values["code"]
        if isinstance(code, str) and code in first_index:
            item_at.add("code", ErrorCode.DUPLICATE, f"aggregations[{first_index[code]}] has the same code")
        elif isinstance(code, str):
            first_index[code] = index
        checked.append(values)
    return checked


async def update_meter(organization_id: uuid.UUID, command: UpdateMeter, *, actor: str) -> Meter:
    """Change a meter; field lists are replaced whole. Refused when a field an aggregation
    uses would disappear or change its category."""
    meter_id, version, changes = command.meter_id, command.version, command.changes
    async with in_transaction():
        current = await locked(Meter, organization_id, meter_id)
        refuse_stale(current, version)
        at = ProblemCollector()
        refuse_owner_change(changes, at, "productId")
        values, ref = check_meter(
            meter_data(current).merged(changes), at, product_id=current.product_id, meter_id=current.id
        )
        users = await Aggregation.filter(organization_id=organization_id, meter_id=meter_id).order_by("code")
        orphan_problems(meter_ref_of(current), ref, values, users, at)
        at.raise_if_any()
        await refuse_taken(Meter, organization_id, values["code"], "meter", exclude_id=meter_id)
        return await update_versioned(Meter, organization_id, meter_id, version, columns(values), actor)


def orphan_problems(
    before: MeterRef,
    after: MeterRef,
    values: Mapping[str, Any],
    aggregations: Sequence[Aggregation],
    at: ProblemCollector,
) -> None:
    """A field an aggregation targets or segments by must stay, with its category and
    kind (data or derived): the aggregation reads measurements by it."""
    users: dict[str, list[str]] = {}
    for aggregation in aggregations:
        for code in dict.fromkeys((aggregation.target_field, *aggregation.segmented_fields)):
            users.setdefault(code, []).append(aggregation.code)
    for code, codes in users.items():
        old, new = before.fields.get(code), after.fields.get(code)
        if old is None or old == new:
            continue
        named = f"aggregations {', '.join(codes)} use it"
        if new is None:
            at.add(
                "derivedFields" if old.derived else "dataFields",
                ErrorCode.INVALID,
                f"field {code!r} cannot be removed: {named}",
            )
        else:
            at.add(
                _field_path(values, new),
                ErrorCode.INVALID,
                f"field {code!r} cannot change from {_kind(old)} to {_kind(new)}: {named}",
            )


def _kind(field: FieldRef) -> str:
    return f"a {'derived' if field.derived else 'data'} {field.category} field"


def _field_path(values: Mapping[str, Any], field: FieldRef) -> tuple[str | int, ...]:
    key, column = ("derivedFields", "derived_fields") if field.derived else ("dataFields", "data_fields")
    index = next(i for i, f in enumerate(values[column]) if f.get("code") == field.code)
    return (key, index, "category")


async def delete_meter(organization_id: uuid.UUID, meter_id: uuid.UUID, *, version: int) -> None:
    """Delete a meter; refused while aggregations use it (naming them)."""
    async with in_transaction():
        # The lock makes an aggregation being created over this meter wait and fail.
        await locked(Meter, organization_id, meter_id)
        await delete_versioned(
            Meter,
            organization_id,
            meter_id,
            version,
            [
                Dependants("aggregations", Aggregation, {"meter_id": meter_id}),
            ],
        )
