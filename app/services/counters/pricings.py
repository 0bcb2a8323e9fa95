"""Counter pricings (SEMANTICS §8.1, §8.2 rule 6) of a plan or a plan template.

Overlaps of one (plan or template, counter) are judged against the stored pricings under
the organization's plan catalog lock (`lock_plan_catalog`), as pricings are, so two
concurrent writers cannot both pass."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.billing.counters_checks import (
    CounterPricingDraft,
    CounterWindow,
    check_counter_pricing,
    overlapping,
)
from app.domain.given import given
from app.domain.ids import as_uuid
from app.models.catalog import Plan, PlanTemplate
from app.models.counters import Counter, CounterPricing
from app.services import events
from app.services.catalog.entities import delete_versioned, taken_codes
from app.services.catalog.plans.lookups import lock_plan_catalog
from app.services.counters.commands import CreateCounterPricing, UpdateCounterPricing
from app.services.errors import ErrorCode, ProblemCollector
from app.services.versioning import get_owned, update_versioned

_OWN_COLUMNS = (
    "start_date",
    "end_date",
    "pricing_bands",
    "cumulative",
    "running_total_bill_in_advance",
    "pro_rate_running_total",
    "pro_rate_adjustment_debit",
    "pro_rate_adjustment_credit",
    "code",
    "description",
)


@dataclass(frozen=True)
class Owner:
    plan_id: uuid.UUID | None = None
    plan_template_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID | None:
        return self.plan_id or self.plan_template_id


async def create_counter_pricing(
    organization_id: uuid.UUID, command: CreateCounterPricing, actor: str
) -> CounterPricing:
    data = command.pricing
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        at = ProblemCollector()
        owner = await _owner(organization_id, data, at)
        counter = await _counter(organization_id, data.get("counterId"), "counterId", at)
        values = check_counter_pricing(
            data, at, owner_product_id=owner.product_id, counter_product_id=counter.product_id if counter else None
        )
        row_id = uuid.uuid4()
        await _check_window(organization_id, row_id, owner, counter, values, at)
        await _refuse_taken_code(organization_id, values["code"], at)
        at.raise_if_any()
        assert owner.product_id is not None and counter is not None  # no problem means both resolved
        row = await CounterPricing.create(
            id=row_id,
            organization_id=organization_id,
            plan_id=owner.plan_id,
            plan_template_id=owner.plan_template_id,
            counter_id=counter.id,
            product_id=owner.product_id,
            created_by=actor,
            last_modified_by=actor,
            **values,
        )
        await events.created(row)
    return row


async def update_counter_pricing(
    organization_id: uuid.UUID, command: UpdateCounterPricing, actor: str
) -> CounterPricing:
    """The owner and the counter never change; every other field may, and the result may
    not overlap another pricing of the same owner and counter."""
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        row = await get_owned(CounterPricing, organization_id, command.pricing_id)
        at = ProblemCollector()
        sent = given(command.changes)
        for name, key in (("plan_id", "planId"), ("plan_template_id", "planTemplateId"), ("counter_id", "counterId")):
            if name in sent and as_uuid(sent[name]) != getattr(row, name):
                at.add(key, ErrorCode.INVALID, "a counter pricing keeps its owner and its counter")
        stored = CounterPricingDraft(**{column: getattr(row, column) for column in _OWN_COLUMNS})
        own = {name: value for name, value in sent.items() if name in _OWN_COLUMNS}
        values = check_counter_pricing(
            dataclasses.replace(stored, **own), at, owner_product_id=None, counter_product_id=None
        )
        owner = Owner(row.plan_id, row.plan_template_id, row.product_id)
        counter = await Counter.filter(organization_id=organization_id, id=row.counter_id).first()
        await _check_window(organization_id, row.id, owner, counter, values, at)
        if values["code"] is not None and values["code"] != row.code:
            await _refuse_taken_code(organization_id, values["code"], at, exclude_id=row.id)
        at.raise_if_any()
        return await update_versioned(CounterPricing, organization_id, row.id, command.version, values, actor)


async def delete_counter_pricing(organization_id: uuid.UUID, pricing_id: uuid.UUID, *, version: int) -> None:
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        await delete_versioned(CounterPricing, organization_id, pricing_id, version)


async def _owner(organization_id: uuid.UUID, data: CounterPricingDraft, at: ProblemCollector) -> Owner:
    plan_value, template_value = data.get("planId"), data.get("planTemplateId")
    if plan_value is not None and template_value is not None:
        at.add("planTemplateId", ErrorCode.INVALID, "give planId or planTemplateId, not both")
        return Owner()
    if plan_value is None and template_value is None:
        at.add("planId", ErrorCode.REQUIRED, "planId or planTemplateId is required")
        return Owner()
    model: Any = Plan if plan_value is not None else PlanTemplate
    key, value = ("planId", plan_value) if plan_value is not None else ("planTemplateId", template_value)
    owner_id = as_uuid(value)
    row = await model.filter(organization_id=organization_id, id=owner_id).first() if owner_id else None
    if row is None:
        at.add(key, ErrorCode.NOT_FOUND, f"no {'plan' if model is Plan else 'plan template'} with id {value}")
        return Owner()
    if model is Plan:
        return Owner(plan_id=row.id, product_id=row.product_id)
    return Owner(plan_template_id=row.id, product_id=row.product_id)


async def _counter(organization_id: uuid.UUID, value: Any, key: str, at: ProblemCollector) -> Counter | None:
    if value is None:
        at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    counter_id = as_uuid(value)
    row = await Counter.filter(organization_id=organization_id, id=counter_id).first() if counter_id else None
    if row is None:
        at.add(key, ErrorCode.NOT_FOUND, f"no counter with id {value}")
    return row


async def _check_window(
    organization_id: uuid.UUID,
    row_id: uuid.UUID,
    owner: Owner,
    counter: Counter | None,
    values: dict[str, Any],
    at: ProblemCollector,
) -> None:
    if owner.id is None or counter is None or values["start_date"] is None:
        return
    window = CounterWindow(row_id, owner.id, counter.id, values["start_date"], values["end_date"])
    stored = await CounterPricing.filter(
        organization_id=organization_id,
        counter_id=counter.id,
        **({"plan_id": owner.plan_id} if owner.plan_id else {"plan_template_id": owner.plan_template_id}),
    )
    others = [CounterWindow(r.id, owner.id, r.counter_id, r.start_date, r.end_date) for r in stored]
    if other := overlapping(window, others):
        at.add("startDate", ErrorCode.INVALID, f"overlaps counter pricing {other.id} of the same counter")


async def _refuse_taken_code(
    organization_id: uuid.UUID, code: Any, at: ProblemCollector, exclude_id: uuid.UUID | None = None
) -> None:
    if isinstance(code, str) and await taken_codes(CounterPricing, organization_id, [code], exclude_id):
        at.add("code", ErrorCode.DUPLICATE, f"a counter pricing with code {code!r} exists")
