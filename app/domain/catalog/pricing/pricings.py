"""Pricings (SEMANTICS §4.3): what a plan or plan template charges for one aggregation or
compound aggregation (the target), from `startDate` (inclusive) to `endDate` (exclusive).

Invariants
- A pricing belongs to exactly one owner (plan or plan template) and prices exactly one
  target; neither ever changes owner.
- The target is global or of the owner's product.
- Pricing bands: at least one; the first lowerLimit is 0; limits strictly increase
  (`bands.validate_bands`). Stored in JSON with decimals as strings, exactly as given.
- Overage bands only with cumulative true and tiersSpanPlan false.
- Segments **(decision)**: a pricing of a segmented aggregation names exactly one of the
  aggregation's segments (compared as maps), since each segment is priced by its own
  pricing; one without a segment is refused (REQUIRED). A target without segments takes
  no segment; an empty map counts as no segment.
- Pricings of the same (owner, target, segment) never overlap in time (`windows`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from app.domain.bands import PricingBand, validate_bands
from app.domain.catalog.meters.aggregation import normalize_segment
from app.domain.catalog.pricing.draft import TARGET_NAMES, PricingDraft
from app.domain.catalog.pricing.values import (
    ZERO,
    Data,
    amount,
    boolean,
    choice,
    instant,
    plain_decimal,
    text,
    to_decimal,
)
from app.domain.catalog.pricing.windows import segment_key
from app.domain.catalog.refs import AggregationRef, PricingWindow
from app.domain.ids import as_uuid
from app.domain.naming import description_problem, entity_code_problem
from app.domain.problems import ErrorCode, ProblemCollector


class PricingType(str, Enum):
    DEBIT = "DEBIT"
    PRODUCT_CREDIT = "PRODUCT_CREDIT"
    GLOBAL_CREDIT = "GLOBAL_CREDIT"


# Keys of a stored band (JSON column), as the input's band fields are named.
BAND_FIELDS = ("lowerLimit", "unitPrice", "fixedPrice")


def as_draft(data: PricingDraft | Data) -> PricingDraft:
    """The typed draft of a pricing; nested inputs (and the domain's table tests) give plain data."""
    return data if isinstance(data, PricingDraft) else PricingDraft.from_input(data)


def check_pricing(
    data: PricingDraft | Data,
    at: ProblemCollector,
    *,
    owner_product_id: uuid.UUID | None,
    plan_id: uuid.UUID | None,
    plan_template_id: uuid.UUID | None,
    target: AggregationRef | None,
    pricing_id: uuid.UUID | None = None,
) -> tuple[dict[str, Any], PricingWindow | None]:
    """A whole pricing input → model values, and its window when the input is valid.

    The caller resolves the owner and the target. When it could resolve no owner, it
    passes both ids None and this reports both/neither of planId/planTemplateId (a single
    unknown one the caller reported as NOT_FOUND itself); `owner_product_id` None skips
    the product rule for the same reason."""
    if plan_id is not None and plan_template_id is not None:
        raise ValueError("a pricing has one owner: pass plan_id or plan_template_id")
    draft = as_draft(data)
    before = len(at.problems)
    _check_owner(draft, at, plan_id, plan_template_id)
    _check_target(draft, at, owner_product_id, target)
    values = {
        "plan_id": plan_id,
        "plan_template_id": plan_template_id,
        "aggregation_id": target.id if target is not None and not target.compound else None,
        "compound_aggregation_id": target.id if target is not None and target.compound else None,
        "product_id": owner_product_id,
        **_shape(draft, at, target),
    }
    if pricing_id is None:
        pricing_id = uuid.uuid4()
        values = {"id": pricing_id, **values}
    owner_id = plan_id or plan_template_id
    if len(at.problems) > before or owner_id is None or target is None:
        return values, None
    window = PricingWindow(
        id=pricing_id,
        owner_id=owner_id,
        target_id=target.id,
        segment_key=segment_key(values["segment"]),
        start=values["start_date"],
        end=values["end_date"],
    )
    return values, window


def _shape(data: PricingDraft, at: ProblemCollector, target: AggregationRef | None) -> dict[str, Any]:
    """The pricing's own fields (everything but owner and target)."""
    start = instant(data, "startDate", at, required=True)
    end = instant(data, "endDate", at, required=False)
    if start is not None and end is not None and end <= start:
        at.add("endDate", ErrorCode.INVALID, "must be after startDate (the interval is [startDate, endDate))")
    cumulative = boolean(data, "cumulative", at, default=True)
    spans = boolean(data, "tiersSpanPlan", at, default=False)
    return {
        "code": text(data, "code", at, entity_code_problem, required=False),
        "description": text(data, "description", at, description_problem, required=False),
        "start_date": start,
        "end_date": end,
        "pricing_bands": _bands(data, "pricingBands", at, required=True),
        "overage_pricing_bands": _overage_bands(data, at, cumulative is not False, spans is True),
        "cumulative": cumulative,
        "tiers_span_plan": spans,
        "type": choice(data, "type", at, PricingType, default=PricingType.DEBIT.value),
        "segment": _segment(data, at, target),
        "minimum_spend": amount(data, "minimumSpend", at, default=ZERO),
        "minimum_spend_description": text(data, "minimumSpendDescription", at, description_problem, required=False),
        "minimum_spend_bill_in_advance": boolean(data, "minimumSpendBillInAdvance", at, default=None),
    }


def _check_owner(
    data: PricingDraft, at: ProblemCollector, plan_id: uuid.UUID | None, plan_template_id: uuid.UUID | None
) -> None:
    named = {"planId": data.get("planId"), "planTemplateId": data.get("planTemplateId")}
    given = [key for key, value in named.items() if value is not None]
    if plan_id is None and plan_template_id is None:
        if len(given) == 2:
            at.add("planTemplateId", ErrorCode.INVALID, "give planId or planTemplateId, not both")
        elif not given:
            at.add("planId", ErrorCode.REQUIRED, "planId or planTemplateId is required")
        return
    for key, owner in (("planId", plan_id), ("planTemplateId", plan_template_id)):
        if key in given and as_uuid(named[key]) != owner:
            at.add(
                key,
                ErrorCode.INVALID,
                "a pricing stays with its plan or plan template (a nested pricing with the one it is nested in)",
            )


def _check_target(
    data: PricingDraft, at: ProblemCollector, owner_product_id: uuid.UUID | None, target: AggregationRef | None
) -> None:
    given = data.targets()
    names = ", ".join(TARGET_NAMES)
    if not given:
        at.add("aggregationId", ErrorCode.REQUIRED, f"one of {names} is required")
        return
    for extra in given[1:]:
        at.add(extra.input_name, ErrorCode.INVALID, f"give only one of {names}; {given[0].input_name} is given")
    if len(given) > 1:
        return
    named = given[0]
    key = named.input_name
    kind = "compound aggregation" if named.compound else "aggregation"
    if target is None:
        by = "code" if named.by_code else "id"
        at.add(key, ErrorCode.NOT_FOUND, f"no {kind} with {by} {named.value!r}")
    elif target.product_id is not None and owner_product_id is not None and target.product_id != owner_product_id:
        at.add(
            key,
            ErrorCode.INVALID,
            f"{kind} {target.code} belongs to another product; use one of this product's or a global one",
        )


def _segment(data: PricingDraft, at: ProblemCollector, target: AggregationRef | None) -> dict[str, Any] | None:
    segment = data.get("segment") or None
    if target is None:
        return segment
    segmented = bool(target.segmented_fields or target.segments)
    if segment is None:
        if segmented:
            at.add(
                "segment",
                ErrorCode.REQUIRED,
                f"aggregation {target.code} is segmented: each of its segments is priced by its own pricing",
            )
        return None
    if not isinstance(segment, Mapping):
        at.add("segment", ErrorCode.INVALID, "must be a map of field code → value")
        return None
    if not segmented:
        at.add("segment", ErrorCode.INVALID, f"{target.code} is not segmented")
        return dict(segment)
    # Aggregations store segments with every segmented field ("*" for one left out), so a
    # pricing's segment is compared, and stored, in that same form.
    normal = normalize_segment(segment, target.segmented_fields)
    if normal is None or not any(normal == dict(defined) for defined in target.segments):
        at.add("segment", ErrorCode.INVALID, f"is not one of the segments of aggregation {target.code}")
        return dict(segment)
    return normal


def _overage_bands(data: PricingDraft, at: ProblemCollector, cumulative: bool, spans: bool) -> list[dict[str, str]]:
    if not data.get("overagePricingBands"):
        return []
    if not cumulative or spans:
        at.add(
            "overagePricingBands",
            ErrorCode.INVALID,
            "overage pricing bands need cumulative true and tiersSpanPlan false",
        )
    return _bands(data, "overagePricingBands", at, required=False)


def _bands(data: PricingDraft, key: str, at: ProblemCollector, *, required: bool) -> list[dict[str, str]]:
    raw = data.get(key)
    if not raw:
        if required:
            at.add(key, ErrorCode.REQUIRED, "at least one pricing band is required")
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        at.add(key, ErrorCode.INVALID, "must be a list of pricing bands")
        return []
    before = len(at.problems)
    bands, reported = _read_bands(raw, at.under(key))
    for index, field, message in validate_bands(bands):
        if (index, field) not in reported:
            at.add((key, str(index), field), ErrorCode.INVALID, message)
    if len(at.problems) > before:
        return []
    return [
        {name: plain_decimal(getattr(band, attr)) for name, attr in zip(BAND_FIELDS, _BAND_ATTRS)} for band in bands
    ]


_BAND_ATTRS = ("lower_limit", "unit_price", "fixed_price")


def _read_bands(raw: Sequence[Any], at: ProblemCollector) -> tuple[list[PricingBand], set[tuple[int, str]]]:
    """Bands with their decimals (None where a value is not one, for `validate_bands` to
    report), and the (index, field) pairs already reported here."""
    bands: list[PricingBand] = []
    reported: set[tuple[int, str]] = set()
    for index, band in enumerate(raw):
        if not isinstance(band, Mapping):
            at.add(str(index), ErrorCode.INVALID, "must be an object {lowerLimit, unitPrice, fixedPrice}")
            reported.update((index, field) for field in BAND_FIELDS)
            bands.append(PricingBand(None, None, None))  # type: ignore[arg-type]
            continue
        parsed: list[Any] = []
        for field in BAND_FIELDS:
            value = band.get(field)
            if value is None and field == "fixedPrice":
                value = ZERO
            elif value is None:
                at.add((str(index), field), ErrorCode.REQUIRED, "is required")
                reported.add((index, field))
            parsed.append(to_decimal(value))
        bands.append(PricingBand(*parsed))
    return bands, reported
