"""`createProduct` with the product's whole catalog in one input, all or nothing
(CONTRACT §4): meters with their fields and aggregations, compound aggregations, plan
templates with their pricings and plans (each with pricings).

Everything is checked in memory first, every problem reported at its input path; only
then is anything written, in one transaction. Pricings and compound aggregations name
aggregations by code: codes created in the same input are found first, then the
organization's global ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.domain.catalog.meters import check_compound, check_meter
from app.domain.catalog.meters.drafts import CompoundDraft, MeterDraft
from app.domain.catalog.pricing import (
    CatalogRows,
    PlanTemplateDraft,
    check_collisions,
    check_template_tree,
    pricing_inputs,
)
from app.domain.catalog.refs import AggregationRef
from app.domain.given import Fields
from app.domain.ids import as_uuid
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Product
from app.services import currencies, events
from app.services.catalog.commands import CreateProduct
from app.services.catalog.meters import nested_aggregations, usable_aggregations
from app.services.catalog.meters.guards import report_taken
from app.services.catalog.plans.lookups import (
    currency_codes,
    insert_rows,
    lock_plan_catalog,
    report_taken_codes,
    report_unknown_accounts,
    target_resolver,
)
from app.services.catalog.products import check_product
from app.services.counters.nested import check_nested_counters, insert_nested_counters
from app.services.errors import ErrorCode, ProblemCollector, fail


@dataclass
class ProductDraft:
    """Checked model values of everything one input creates."""

    product: dict[str, Any]
    meters: list[dict[str, Any]] = field(default_factory=list)
    aggregations: list[dict[str, Any]] = field(default_factory=list)
    compounds: list[dict[str, Any]] = field(default_factory=list)
    plan_rows: CatalogRows = field(default_factory=CatalogRows)
    # Targets pricings may name, by (input key, value): the new aggregations and compounds.
    targets: dict[tuple[str, Any], AggregationRef] = field(default_factory=dict)


async def create_product(organization_id: uuid.UUID, command: CreateProduct, *, actor: str) -> Product:
    at = ProblemCollector()
    draft = ProductDraft(product={**check_product(command.product, at), "id": uuid.uuid4()})
    _check_meters(draft, list(command.meters), at)
    await _check_compounds(organization_id, draft, list(command.compound_aggregations), at)
    await _check_templates(organization_id, draft, list(command.plan_templates), at)
    counters = await check_nested_counters(
        organization_id, draft.product["id"], draft.plan_rows, command.counters, command.counter_pricings, at
    )
    at.raise_if_any()
    await _report_taken_codes(organization_id, draft, at)
    at.raise_if_any()
    try:
        async with in_transaction() as connection:
            await lock_plan_catalog(connection, organization_id)
            await currencies.hold(
                organization_id,
                *(
                    (template["currency"], ("input", "planTemplates", str(t), "currency"))
                    for t, template in enumerate(draft.plan_rows.templates)
                ),
            )
            await _insert(organization_id, draft, actor)
            await insert_nested_counters(organization_id, counters, actor)
    except IntegrityError as exc:  # a concurrent writer took one of the codes meanwhile
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, "a code of this input was just taken; read and retry"
        ) from exc
    return await Product.get(organization_id=organization_id, id=draft.product["id"])


def _refuse_parent(item: Fields, at: ProblemCollector, key: str) -> None:
    if item.get(key) is not None:
        at.add(key, ErrorCode.INVALID, "must be left out: it is implied by where the input is nested")


def _check_meters(draft: ProductDraft, meters: list[MeterDraft], at: ProblemCollector) -> None:
    product_id = draft.product["id"]
    first_meter: dict[str, int] = {}
    first_aggregation: dict[str, tuple[int, int]] = {}
    for i, meter in enumerate(meters):
        meter_at = at.under("meters", i)
        _refuse_parent(meter, meter_at, "productId")
        values, ref = check_meter(meter, meter_at, product_id=product_id)
        _once(first_meter, values.get("code"), i, meter_at, f"meters[{first_meter.get(str(values.get('code')))}]")
        draft.meters.append(values)
        for j, aggregation in enumerate(nested_aggregations(meter.get("aggregations"), meter_at, ref)):
            code = aggregation.get("code")
            if isinstance(code, str) and code in first_aggregation:
                mi, ai = first_aggregation[code]
                meter_at.under("aggregations", j).add(
                    "code", ErrorCode.DUPLICATE, f"meters[{mi}].aggregations[{ai}] has the same code"
                )
            elif isinstance(code, str):
                first_aggregation[code] = (i, j)
            draft.aggregations.append(aggregation)
            _remember(
                draft,
                "aggregation",
                AggregationRef(
                    id=aggregation["id"],
                    code=code or "",
                    product_id=product_id,
                    segmented_fields=tuple(aggregation.get("segmented_fields") or ()),
                    segments=tuple(aggregation.get("segments") or ()),
                ),
            )


def _once(seen: dict[str, int], code: Any, index: int, at: ProblemCollector, other: str) -> None:
    if isinstance(code, str) and code in seen:
        at.add("code", ErrorCode.DUPLICATE, f"{other} has the same code")
    elif isinstance(code, str):
        seen[code] = index


def _remember(draft: ProductDraft, kind: str, ref: AggregationRef) -> None:
    draft.targets[(f"{kind}Id", ref.id)] = ref
    draft.targets[(f"{kind}Code", ref.code)] = ref


async def _check_compounds(
    organization_id: uuid.UUID, draft: ProductDraft, compounds: list[CompoundDraft], at: ProblemCollector
) -> None:
    if not compounds:
        return
    new = {key[1]: ref for key, ref in draft.targets.items() if key[0] == "aggregationCode"}
    # The product is new, so besides its own new aggregations only global ones are usable.
    mentioned = {code for c in compounds for code in _mentioned_codes(c)} - set(new)
    usable = {**await usable_aggregations(organization_id, None, mentioned), **new}
    first: dict[str, int] = {}
    for k, compound in enumerate(compounds):
        compound_at = at.under("compoundAggregations", k)
        _refuse_parent(compound, compound_at, "productId")
        values, ref = check_compound(compound, compound_at, product_id=draft.product["id"], usable=usable)
        _once(first, values.get("code"), k, compound_at, f"compoundAggregations[{first.get(str(values.get('code')))}]")
        draft.compounds.append(values)
        _remember(draft, "compoundAggregation", ref)


def _mentioned_codes(compound: CompoundDraft) -> frozenset[str]:
    from app.domain.catalog.meters import mentioned_codes

    calculation = compound.get("calculation")
    return mentioned_codes(calculation) if isinstance(calculation, str) else frozenset()


async def _check_templates(
    organization_id: uuid.UUID, draft: ProductDraft, templates: list[PlanTemplateDraft], at: ProblemCollector
) -> None:
    if not templates:
        return
    pricings = [p for template in templates for p in pricing_inputs(template)]
    stored = await target_resolver(organization_id, pricings)
    codes = await currency_codes(organization_id)

    def resolve(key: str, value: Any) -> AggregationRef | None:
        lookup = (as_uuid(value) or value) if key.endswith("Id") else value
        return draft.targets.get((key, lookup)) or stored(key, value)

    for t, template in enumerate(templates):
        template_at = at.under("planTemplates", t)
        _refuse_parent(template, template_at, "productId")
        rows = check_template_tree(
            template, template_at, product_id=draft.product["id"], currency_codes=codes, resolve_target=resolve
        )
        for name in ("templates", "plans", "pricings", "windows", "codes"):
            getattr(draft.plan_rows, name).extend(getattr(rows, name))
    check_collisions(draft.plan_rows, at)


async def _report_taken_codes(organization_id: uuid.UUID, draft: ProductDraft, at: ProblemCollector) -> None:
    await report_taken(Product, organization_id, [(("code",), draft.product.get("code"))], "product", at)
    await report_taken(
        Meter, organization_id, [(("meters", i, "code"), m["code"]) for i, m in enumerate(draft.meters)], "meter", at
    )
    await report_taken(
        Aggregation,
        organization_id,
        [(_aggregation_path(draft, a), a["code"]) for a in draft.aggregations],
        "aggregation",
        at,
    )
    await report_taken(
        CompoundAggregation,
        organization_id,
        [(("compoundAggregations", k, "code"), c["code"]) for k, c in enumerate(draft.compounds)],
        "compound aggregation",
        at,
    )
    await report_taken_codes(organization_id, draft.plan_rows, at)
    await report_unknown_accounts(organization_id, draft.plan_rows, at)


def _aggregation_path(draft: ProductDraft, aggregation: dict[str, Any]) -> tuple[str | int, ...]:
    meter_index = next(i for i, m in enumerate(draft.meters) if m["id"] == aggregation["meter_id"])
    siblings = [a for a in draft.aggregations if a["meter_id"] == aggregation["meter_id"]]
    return ("meters", meter_index, "aggregations", siblings.index(aggregation), "code")


async def _insert(organization_id: uuid.UUID, draft: ProductDraft, actor: str) -> None:
    stamp: dict[str, Any] = {"organization_id": organization_id, "created_by": actor, "last_modified_by": actor}
    await events.created(await Product.create(**stamp, **draft.product))
    kinds: tuple[tuple[type[Model], list[dict[str, Any]]], ...] = (
        (Meter, draft.meters),
        (Aggregation, draft.aggregations),
        (CompoundAggregation, draft.compounds),
    )
    for model, rows in kinds:
        if rows:
            instances = [model(**stamp, **values) for values in rows]
            await model.bulk_create(instances)
            await events.created(*instances)
    await insert_rows(organization_id, draft.plan_rows, actor)
