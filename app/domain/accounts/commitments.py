"""Commitments: prepaid or committed spend of an account (SEMANTICS §5.3).

Invariants checked here
- `amount > 0`, `amountPrePaid ≥ 0`, `amountFirstBill ≥ 0`, and together the prepaid and
  first-bill amounts do not exceed `amount` (the rest is what the fee schedule spreads).
- `startDate < endDate` (local dates, the end exclusive).
- The fee schedule is `feeDates` or `billingPlanId` (with `billingInterval` 1–365 and
  `billingOffset` 0–364), never both; each fee date has `amount > 0` and
  `servicePeriodStartDate ≤ servicePeriodEndDate`.
- `separateOverageUsage` only without a surcharge (0 or absent).
- `productIds` are products of the organization (empty = all); `lineItemTypes` are among
  STANDING_CHARGE, USAGE and MINIMUM_SPEND (empty = all).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from app.domain.accounts.account_plans import ChildBillingMode
from app.domain.accounts.drafts import CommitmentDraft
from app.domain.accounts.facts import COMMITMENT, CodeBook, Known
from app.domain.accounts.values import as_uuid, decimal, flag, instant, member, plain_date, present, text, whole
from app.domain.given import Given, as_fields
from app.domain.naming import description_problem, entity_code_problem
from app.domain.problems import ErrorCode, ProblemCollector

ZERO = Decimal(0)


class CommitmentLineItemType(str, Enum):
    STANDING_CHARGE = "STANDING_CHARGE"
    USAGE = "USAGE"
    MINIMUM_SPEND = "MINIMUM_SPEND"
    COUNTER_RUNNING_TOTAL_CHARGE = "COUNTER_RUNNING_TOTAL_CHARGE"  # SEMANTICS §8.2 rule 5
    COUNTER_ADJUSTMENT_DEBIT = "COUNTER_ADJUSTMENT_DEBIT"


def check_commitment(
    data: CommitmentDraft | Mapping[str, Any],
    at: ProblemCollector,
    known: Known,
    codes: CodeBook,
    *,
    account_id: uuid.UUID,
    creating: bool = True,
) -> dict[str, Any]:
    """A whole commitment input (for an update: current values overlaid with the
    changes) → model column values."""
    data = as_fields(CommitmentDraft, data)
    values: dict[str, Any] = {
        "account_id": account_id,
        "code": text(data, "code", at, entity_code_problem),
        "currency": _currency(data, at, known),
        **_amounts(data, at),
        **_dates(data, at),
        "product_ids": _product_ids(data.get("productIds"), at, known),
        "line_item_types": _line_item_types(data.get("lineItemTypes"), at),
        **_overage(data, at),
        **_fee_schedule(data, at, known),
        "commitment_fee_bill_in_advance": flag(
            data.get("commitmentFeeBillInAdvance"), "commitmentFeeBillInAdvance", at
        ),
        "commitment_fee_description": text(data, "commitmentFeeDescription", at, description_problem),
        "commitment_usage_description": text(data, "commitmentUsageDescription", at, description_problem),
        "overage_description": text(data, "overageDescription", at, description_problem),
        "child_billing_mode": _mode(data.get("childBillingMode"), at),
    }
    codes.claim(COMMITMENT, values["code"], at)
    if creating:
        values["id"] = uuid.uuid4()
    return values


def _currency(data: Given, at: ProblemCollector, known: Known) -> str | None:
    code = present(data, "currency", at, required=True)
    if code is not None and code not in known.currencies:
        at.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {code!r}")
    return cast("str | None", code)


def _amounts(data: Given, at: ProblemCollector) -> dict[str, Decimal | None]:
    present(data, "amount", at, required=True)
    amount = decimal(data.get("amount"), "amount", at, minimum=ZERO, strict=True)
    pre_paid = decimal(data.get("amountPrePaid"), "amountPrePaid", at, minimum=ZERO)
    first_bill = decimal(data.get("amountFirstBill"), "amountFirstBill", at, minimum=ZERO)
    pre_paid = ZERO if pre_paid is None else pre_paid
    first_bill = ZERO if first_bill is None else first_bill
    # The fee schedule bills amount − prepaid − first bill: it must not be negative.
    if amount is not None and amount > 0 and pre_paid >= 0 and first_bill >= 0:
        if pre_paid > amount:
            at.add("amountPrePaid", ErrorCode.INVALID, "must not exceed amount")
        elif pre_paid + first_bill > amount:
            at.add("amountFirstBill", ErrorCode.INVALID, "together with amountPrePaid must not exceed amount")
    return {"amount": amount, "amount_pre_paid": pre_paid, "amount_first_bill": first_bill}


def _dates(data: Given, at: ProblemCollector) -> dict[str, Any]:
    present(data, "startDate", at, required=True)
    present(data, "endDate", at, required=True)
    start = plain_date(data.get("startDate"), "startDate", at)
    end = plain_date(data.get("endDate"), "endDate", at)
    if start is not None and end is not None and not start < end:
        at.add("endDate", ErrorCode.INVALID, "must be after startDate (the end is exclusive)")
    return {"start_date": start, "end_date": end}


def _product_ids(value: Any, at: ProblemCollector, known: Known) -> list[str]:
    ids: list[str] = []
    for index, raw in enumerate(value or ()):
        product_id = as_uuid(raw, ("productIds", index), at)
        if product_id is None:
            continue
        if product_id not in known.product_ids:
            at.add(("productIds", index), ErrorCode.NOT_FOUND, f"no product with id {product_id}")
        elif str(product_id) not in ids:
            ids.append(str(product_id))
    return ids


def _line_item_types(value: Any, at: ProblemCollector) -> list[str]:
    kinds: list[str] = []
    for index, raw in enumerate(value or ()):
        kind = member(raw, ("lineItemTypes", index), at, CommitmentLineItemType)
        if kind is not None and kind.value not in kinds:
            kinds.append(kind.value)
    return kinds


def _overage(data: Given, at: ProblemCollector) -> dict[str, Any]:
    surcharge = decimal(data.get("overageSurchargePercent"), "overageSurchargePercent", at)
    separate = flag(data.get("separateOverageUsage"), "separateOverageUsage", at) or False
    if separate and surcharge is not None and surcharge != 0:
        at.add("separateOverageUsage", ErrorCode.INVALID, "only without an overage surcharge (0 or absent)")
    return {"overage_surcharge_percent": surcharge, "separate_overage_usage": separate}


def _fee_schedule(data: Given, at: ProblemCollector, known: Known) -> dict[str, Any]:
    fee_dates, plan_id = data.get("feeDates") or [], data.get("billingPlanId")
    interval, offset = data.get("billingInterval"), data.get("billingOffset")
    if fee_dates and plan_id is not None:
        at.add("billingPlanId", ErrorCode.INVALID, "give feeDates or billingPlanId, not both")
    if plan_id is None:
        for key, value in (("billingInterval", interval), ("billingOffset", offset)):
            if value is not None:
                at.add(key, ErrorCode.INVALID, "only with billingPlanId")
        return {
            "fee_dates": [_fee_date(item, at.under("feeDates", i)) for i, item in enumerate(fee_dates)],
            "billing_plan_id": None,
            "billing_interval": None,
            "billing_offset": None,
        }
    billing_plan = as_uuid(plan_id, "billingPlanId", at)
    if billing_plan is not None and known.plan_by_id(billing_plan) is None:
        at.add("billingPlanId", ErrorCode.NOT_FOUND, f"no plan with id {billing_plan}")
    return {
        "fee_dates": [],
        "billing_plan_id": billing_plan,
        "billing_interval": whole(1 if interval is None else interval, "billingInterval", at, 1, 365),
        "billing_offset": whole(0 if offset is None else offset, "billingOffset", at, 0, 364),
    }


def _fee_date(item: Mapping[str, Any], at: ProblemCollector) -> dict[str, Any]:
    """One fee: stored as JSON with the amount as a string, so it stays an exact decimal."""
    if not isinstance(item, Mapping):
        at.add((), ErrorCode.INVALID, "must be an object")
        return {}
    for key in ("date", "amount", "servicePeriodStartDate", "servicePeriodEndDate"):
        present(item, key, at, required=True)
    day = plain_date(item.get("date"), "date", at)
    amount = decimal(item.get("amount"), "amount", at, minimum=ZERO, strict=True)
    start = instant(item.get("servicePeriodStartDate"), "servicePeriodStartDate", at)
    end = instant(item.get("servicePeriodEndDate"), "servicePeriodEndDate", at)
    if start is not None and end is not None and end < start:
        at.add("servicePeriodEndDate", ErrorCode.INVALID, "must not be before servicePeriodStartDate")
    return {
        "date": day.isoformat() if day else None,
        "amount": str(amount) if amount is not None else None,
        "servicePeriodStartDate": start.isoformat() if start else None,
        "servicePeriodEndDate": end.isoformat() if end else None,
    }


def _mode(value: Any, at: ProblemCollector) -> str | None:
    mode = member(value, "childBillingMode", at, ChildBillingMode)
    return mode.value if mode else None
