"""A pricing as the client wrote it, typed: what `check_pricing` checks.

Concepts
- `PricingDraft`: one field per input field, with snake_case names; each field keeps
  the input's name in its metadata (`input`), because that name is the path a problem is
  reported at (`["input", "startDate"]`), and the column it is stored in (`column`).
  Values are as given (the check decides what is wrong with them); a field the client
  did not send is `NOT_GIVEN`, which reads as None.
- `PlanTemplateDraft`, `PlanDraft`: a template or plan input, nested pricings (and a
  template's plans) included.
- `TargetName`: how a draft names the aggregation or compound aggregation it prices, by
  id or by code.

Invariants
- An update's draft is the stored pricing merged with the fields sent
  (`PricingDraft.stored(row).merged(changes)`); naming a new target replaces the stored
  one, and the owner never changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.domain.given import NOT_GIVEN, Fields, given, is_nested, nested
from app.domain.ids import as_uuid


def _given(input_name: str, column: str | None = None) -> Any:
    return field(default=NOT_GIVEN, metadata={"input": input_name, "column": column})


@dataclass(frozen=True, slots=True)
class TargetName:
    """The target as the input names it: a (compound) aggregation by id or by code."""

    compound: bool
    by_code: bool
    value: Any

    @property
    def input_name(self) -> str:
        return ("compoundAggregation" if self.compound else "aggregation") + ("Code" if self.by_code else "Id")

    @property
    def key(self) -> tuple[bool, bool, Any]:
        """What the target is looked up by (ids compared as UUIDs; a malformed id finds nothing)."""
        return self.compound, self.by_code, self.value if self.by_code else as_uuid(self.value)


@dataclass(frozen=True, slots=True)
class PricingDraft(Fields):
    plan_id: Any = _given("planId")
    plan_template_id: Any = _given("planTemplateId")
    aggregation_id: Any = _given("aggregationId")
    aggregation_code: Any = _given("aggregationCode")
    compound_aggregation_id: Any = _given("compoundAggregationId")
    compound_aggregation_code: Any = _given("compoundAggregationCode")
    code: Any = _given("code", "code")
    description: Any = _given("description", "description")
    start_date: Any = _given("startDate", "start_date")
    end_date: Any = _given("endDate", "end_date")
    pricing_bands: Any = _given("pricingBands", "pricing_bands")
    overage_pricing_bands: Any = _given("overagePricingBands", "overage_pricing_bands")
    cumulative: Any = _given("cumulative", "cumulative")
    tiers_span_plan: Any = _given("tiersSpanPlan", "tiers_span_plan")
    type: Any = _given("type", "type")
    segment: Any = _given("segment", "segment")
    minimum_spend: Any = _given("minimumSpend", "minimum_spend")
    minimum_spend_description: Any = _given("minimumSpendDescription", "minimum_spend_description")
    minimum_spend_bill_in_advance: Any = _given("minimumSpendBillInAdvance", "minimum_spend_bill_in_advance")

    @classmethod
    def stored(cls, row: Any) -> PricingDraft:
        """A stored pricing as the draft that would create it (owner and target included)."""
        values = {f.name: getattr(row, f.metadata["column"]) for f in _FIELDS if f.metadata["column"]}
        owners = {"plan_id": row.plan_id, "plan_template_id": row.plan_template_id}
        targets = {"aggregation_id": row.aggregation_id, "compound_aggregation_id": row.compound_aggregation_id}
        return cls(**values, **owners, **targets)

    def given(self) -> list[str]:
        """Python names of the fields the client sent (null included)."""
        return [f.name for f in _FIELDS if getattr(self, f.name) is not NOT_GIVEN]

    def names_target(self) -> bool:
        return any(name in _TARGETS for name in self.given())

    def targets(self) -> list[TargetName]:
        """The targets the draft names (not null), in the order of TARGET_NAMES."""
        found = []
        for name, (compound, by_code) in _TARGETS.items():
            value = getattr(self, name)
            if value is not NOT_GIVEN and value is not None:
                found.append(TargetName(compound, by_code, value))
        return found

    def target(self) -> TargetName | None:
        """The target, when the draft names exactly one."""
        named = self.targets()
        return named[0] if len(named) == 1 else None

    def merged(self, changes: PricingDraft) -> PricingDraft:  # type: ignore[override]
        """This (stored) draft with the fields of `changes` that were sent; a new target
        replaces the stored one."""
        base = dataclasses.replace(self, **dict.fromkeys(_TARGETS, NOT_GIVEN)) if changes.names_target() else self
        return dataclasses.replace(base, **{name: getattr(changes, name) for name in changes.given()})

    def changed_columns(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Of the checked model `values`, those of the fields this draft sent (what an update writes)."""
        given = set(self.given())
        columns = {
            f.metadata["column"]: values[f.metadata["column"]]
            for f in _FIELDS
            if f.metadata["column"] and f.name in given
        }
        if self.names_target():
            columns.update(
                aggregation_id=values["aggregation_id"], compound_aggregation_id=values["compound_aggregation_id"]
            )
        return columns


def input_name(python_name: str) -> str:
    """The input's name of a draft field: the path its problems are reported at."""
    return _INPUT_OF[python_name]


_FIELDS = dataclasses.fields(PricingDraft)
_INPUT_OF: dict[str, str] = {f.name: f.metadata["input"] for f in _FIELDS}
# (compound, by code) of each field that names a target, in the order problems name them.
_TARGETS = {
    "aggregation_id": (False, False),
    "aggregation_code": (False, True),
    "compound_aggregation_id": (True, False),
    "compound_aggregation_code": (True, True),
}
TARGET_NAMES = tuple(_INPUT_OF[name] for name in _TARGETS)


@dataclass(frozen=True, slots=True)
class PlanDraft(Fields):
    """A plan as given; its overrides read through to the template when null."""

    plan_template_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    account_id: Any = NOT_GIVEN
    standing_charge: Any = NOT_GIVEN
    standing_charge_description: Any = NOT_GIVEN
    standing_charge_bill_in_advance: Any = NOT_GIVEN
    minimum_spend: Any = NOT_GIVEN
    minimum_spend_description: Any = NOT_GIVEN
    minimum_spend_bill_in_advance: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN
    pricings: Any = nested(lambda: PricingDraft)


@dataclass(frozen=True, slots=True)
class PlanTemplateDraft(Fields):
    product_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    currency: Any = NOT_GIVEN
    bill_frequency: Any = NOT_GIVEN
    bill_frequency_interval: Any = NOT_GIVEN
    standing_charge: Any = NOT_GIVEN
    standing_charge_description: Any = NOT_GIVEN
    standing_charge_interval: Any = NOT_GIVEN
    standing_charge_offset: Any = NOT_GIVEN
    standing_charge_bill_in_advance: Any = NOT_GIVEN
    minimum_spend: Any = NOT_GIVEN
    minimum_spend_description: Any = NOT_GIVEN
    minimum_spend_bill_in_advance: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN
    pricings: Any = nested(lambda: PricingDraft)
    plans: Any = nested(lambda: PlanDraft)


# The stored columns an update of each may change (each a field of the same name); the
# owner (product, template) never changes.
TEMPLATE_COLUMNS = tuple(
    f.name for f in dataclasses.fields(PlanTemplateDraft) if not is_nested(f) and f.name != "product_id"
)
PLAN_COLUMNS = tuple(f.name for f in dataclasses.fields(PlanDraft) if not is_nested(f) and f.name != "plan_template_id")


D = TypeVar("D", bound=Fields)


def stored(kind: type[D], row: Any, columns: tuple[str, ...]) -> D:
    """A stored template or plan as the draft that would create it (to merge changes into)."""
    return kind(**{name: getattr(row, name) for name in columns})


def changed_columns(values: Mapping[str, Any], changes: Fields, columns: tuple[str, ...]) -> dict[str, Any]:
    """Of the checked model `values`, those of the columns `changes` gives (what an update writes)."""
    sent = given(changes)
    return {name: values[name] for name in columns if name in sent}
