"""Commands of the plan group use cases (SEMANTICS §10.1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.domain.given import NOT_GIVEN, Fields


@dataclass(frozen=True, slots=True)
class PlanGroupDraft(Fields):
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    currency: Any = NOT_GIVEN
    minimum_spend: Any = NOT_GIVEN
    standing_charge: Any = NOT_GIVEN
    minimum_spend_description: Any = NOT_GIVEN
    standing_charge_description: Any = NOT_GIVEN
    minimum_spend_bill_in_advance: Any = NOT_GIVEN
    standing_charge_bill_in_advance: Any = NOT_GIVEN
    account_id: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class CreatePlanGroup:
    plan_group: PlanGroupDraft


@dataclass(frozen=True, slots=True)
class UpdatePlanGroup:
    plan_group_id: uuid.UUID
    version: int
    changes: PlanGroupDraft


@dataclass(frozen=True, slots=True)
class CreatePlanGroupLink:
    plan_group_id: Any
    plan_id: Any
