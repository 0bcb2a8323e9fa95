"""Commands of the memo use cases (SEMANTICS §12.1): the credit and debit reason
picklists, and the memo lines of a bill. A field left out is NOT_GIVEN (an update keeps
it); the GraphQL layer builds these from its inputs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from app.domain.given import NOT_GIVEN


class ReasonKind(str, Enum):
    CREDIT = "CREDIT"
    DEBIT = "DEBIT"


class MemoType(str, Enum):
    CREDIT_MEMO = "CREDIT_MEMO"
    DEBIT_MEMO = "DEBIT_MEMO"

    @property
    def reason_kind(self) -> ReasonKind:
        return ReasonKind.CREDIT if self is MemoType.CREDIT_MEMO else ReasonKind.DEBIT

    @property
    def sign(self) -> int:
        """Credits lower the bill, debits raise it (the amount is stored signed)."""
        return -1 if self is MemoType.CREDIT_MEMO else 1


@dataclass(frozen=True, slots=True)
class ReasonFields:
    name: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    archived: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class UpdateReason:
    reason_id: uuid.UUID
    version: int
    changes: ReasonFields


@dataclass(frozen=True, slots=True)
class MemoFields:
    """A memo line's fields by their input names (camelCase in GraphQL)."""

    amount: Decimal | None = NOT_GIVEN
    reason_id: Any = NOT_GIVEN
    description: str | None = NOT_GIVEN
    product_id: Any = NOT_GIVEN
    referenced_bill_id: Any = NOT_GIVEN
    referenced_line_item_id: Any = NOT_GIVEN
    service_period_start_date: datetime | None = NOT_GIVEN
    service_period_end_date: datetime | None = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class CreateMemo:
    bill_id: Any
    line_item_type: MemoType
    fields: MemoFields


@dataclass(frozen=True, slots=True)
class UpdateMemo:
    line_item_id: uuid.UUID
    version: int
    changes: MemoFields


# GraphQL input names of the memo fields (paths of userErrors).
INPUT_NAMES = {
    "amount": "amount",
    "reason_id": "reasonId",
    "description": "description",
    "product_id": "productId",
    "referenced_bill_id": "referencedBillId",
    "referenced_line_item_id": "referencedLineItemId",
    "service_period_start_date": "servicePeriodStartDate",
    "service_period_end_date": "servicePeriodEndDate",
}
