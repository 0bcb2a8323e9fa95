"""Commands of the charge use cases (SEMANTICS §9.1), typed; each field is reported at its
input name (the camelCase of the python name, or its `input` metadata)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from app.domain.given import NOT_GIVEN, Fields


@dataclass(frozen=True, slots=True)
class ChargeDraft(Fields):
    account_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    currency: Any = NOT_GIVEN
    amount: Any = NOT_GIVEN
    units: Any = NOT_GIVEN
    unit_price: Any = NOT_GIVEN
    bill_date: Any = NOT_GIVEN
    service_period_start: Any = field(default=NOT_GIVEN, metadata={"input": "servicePeriodStartDate"})
    service_period_end: Any = field(default=NOT_GIVEN, metadata={"input": "servicePeriodEndDate"})
    description: Any = NOT_GIVEN
    notes: Any = NOT_GIVEN
    entity_type: Any = NOT_GIVEN
    entity_id: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class CreateCharge:
    charge: ChargeDraft


@dataclass(frozen=True, slots=True)
class UpdateCharge:
    charge_id: uuid.UUID
    version: int
    changes: ChargeDraft
