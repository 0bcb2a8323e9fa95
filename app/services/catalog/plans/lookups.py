"""What the plan use cases load and write around the pure checks
(`app.domain.catalog.pricing`): the organization's lock, references as refs, existing
pricing windows, codes already taken, and the bulk insert of checked rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.models import Model

from app.domain.catalog.pricing import CatalogRows, PricingDraft, ResolveTarget, TargetName, segment_key
from app.domain.catalog.refs import AggregationRef, PlanTemplateRef, PricingWindow
from app.domain.ids import as_uuid
from app.models.catalog import Aggregation, CompoundAggregation, Plan, PlanTemplate, Pricing
from app.services import currencies, events
from app.services.catalog.entities import taken_codes
from app.services.errors import ErrorCode, ProblemCollector

KINDS = {"planTemplate": PlanTemplate, "plan": Plan, "pricing": Pricing}
LABELS = {"planTemplate": "a plan template", "plan": "a plan", "pricing": "a pricing"}


async def lock_plan_catalog(connection: BaseDBAsyncClient, organization_id: uuid.UUID) -> None:
    """Serialize the organization's plan, template and pricing writes until commit.

    Pricing codes and pricing overlaps are rules across rows that no unique constraint
    can hold, and a pricing must not be added to a plan being deleted: checking and
    writing under one lock per organization makes each check still true at commit."""
    await connection.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [f"plan-catalog:{organization_id}"]
    )


async def currency_codes(organization_id: uuid.UUID) -> set[str]:
    """The organization's currency codes; inside a transaction, held until it ends (see
    `currencies.held_codes`)."""
    return await currencies.held_codes(organization_id)


def template_ref(row: PlanTemplate) -> PlanTemplateRef:
    return PlanTemplateRef(id=row.id, code=row.code, product_id=row.product_id, currency=row.currency)


async def target_resolver(organization_id: uuid.UUID, pricings: Iterable[PricingDraft]) -> ResolveTarget:
    """Loads every target the pricings name (two queries) and answers from memory."""
    wanted: dict[bool, dict[bool, set[Any]]] = {False: {False: set(), True: set()}, True: {False: set(), True: set()}}
    for pricing in pricings:
        for named in pricing.targets():
            wanted[named.compound][named.by_code].add(named.key[2])
    found: dict[tuple[str, Any], AggregationRef] = {}
    for model, compound in ((Aggregation, False), (CompoundAggregation, True)):
        ids, codes = {i for i in wanted[compound][False] if i is not None}, wanted[compound][True]
        if not ids and not codes:
            continue
        rows = await model.filter(Q(id__in=list(ids)) | Q(code__in=list(codes)), organization_id=organization_id)
        for row in rows:
            ref = _aggregation_ref(row, compound)
            by_id, by_code = TargetName(compound, False, row.id), TargetName(compound, True, row.code)
            found[by_id.input_name, row.id] = found[by_code.input_name, row.code] = ref

    def resolve(input_name: str, value: Any) -> AggregationRef | None:
        return found.get((input_name, value if input_name.endswith("Code") else as_uuid(value)))

    return resolve


def _aggregation_ref(row: Aggregation | CompoundAggregation, compound: bool) -> AggregationRef:
    if compound:
        return AggregationRef(id=row.id, code=row.code, product_id=row.product_id, compound=True)
    return AggregationRef(
        id=row.id,
        code=row.code,
        product_id=row.product_id,
        compound=False,
        segmented_fields=tuple(cast(Aggregation, row).segmented_fields or ()),
        segments=tuple(cast(Aggregation, row).segments or ()),
    )


async def existing_windows(organization_id: uuid.UUID, owner_id: uuid.UUID) -> list[PricingWindow]:
    """Windows of the stored pricings of one plan or plan template."""
    rows = await Pricing.filter(Q(plan_id=owner_id) | Q(plan_template_id=owner_id), organization_id=organization_id)
    return [window_of(row) for row in rows]


def window_of(row: Pricing) -> PricingWindow:
    return PricingWindow(
        id=row.id,
        # A stored pricing has exactly one owner and one target (database constraints).
        owner_id=cast(uuid.UUID, row.plan_id or row.plan_template_id),
        target_id=cast(uuid.UUID, row.aggregation_id or row.compound_aggregation_id),
        segment_key=segment_key(row.segment),
        start=row.start_date,
        end=row.end_date,
    )


async def report_taken_codes(
    organization_id: uuid.UUID, rows: CatalogRows, at: ProblemCollector, exclude_id: uuid.UUID | None = None
) -> None:
    """DUPLICATE at the path of every code of `rows` another entity of its kind has."""
    root = ProblemCollector(base=(), problems=at.problems)
    for kind, model in KINDS.items():
        codes = [(code, path) for k, code, path in rows.codes if k == kind]
        taken = await taken_codes(model, organization_id, [code for code, _ in codes], exclude_id=exclude_id)
        for code, path in codes:
            if code in taken:
                root.add(path, ErrorCode.DUPLICATE, f"{LABELS[kind]} with code {code!r} exists")


async def insert_rows(organization_id: uuid.UUID, rows: CatalogRows, actor: str) -> None:
    """One INSERT per kind; call inside the transaction that checked the rows."""
    kinds: tuple[tuple[type[Model], list[dict[str, Any]]], ...] = (
        (PlanTemplate, rows.templates),
        (Plan, rows.plans),
        (Pricing, rows.pricings),
    )
    for model, batch in kinds:
        if batch:
            instances = [
                model(organization_id=organization_id, created_by=actor, last_modified_by=actor, **values)
                for values in batch
            ]
            await model.bulk_create(instances)
            await events.created(*instances)


async def report_unknown_accounts(organization_id: uuid.UUID, rows: CatalogRows, at: ProblemCollector) -> None:
    """NOT_FOUND at `accountId` of every new bespoke plan whose account is not one of the
    organization's (one query for the whole input)."""
    from app.models.accounts import Account

    wanted = {plan["account_id"] for plan in rows.plans if plan.get("account_id") is not None}
    if not wanted:
        return
    known = set(await Account.filter(organization_id=organization_id, id__in=list(wanted)).values_list("id", flat=True))
    plan_paths = {code: path[:-1] for kind, code, path in rows.codes if kind == "plan"}
    root = ProblemCollector(base=(), problems=at.problems)
    for plan in rows.plans:
        account_id = plan.get("account_id")
        if account_id is not None and account_id not in known and plan.get("code") in plan_paths:
            root.add(plan_paths[plan["code"]] + ("accountId",), ErrorCode.NOT_FOUND, f"no account with id {account_id}")
