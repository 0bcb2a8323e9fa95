"""Attaching a plan to an account over `[startDate, endDate)` (SEMANTICS §5.2).

Invariants checked here
- `endDate`, when given, is after `startDate`; intervals are half-open, so a plan ending
  exactly when the next starts does not overlap it.
- Unless the organization allows overlapping plans, no two attachments of one account and
  one product are active at the same instant; a collision names the other attachment.
- A bespoke plan (one with an `accountId`) attaches only to that account.
- A replacement ends the old attachment at `date` and starts the new one there, so
  `old.start < date` and, for an end-dated attachment, `date < old.end`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from app.domain.accounts.drafts import AccountPlanDraft, ReplacementDraft
from app.domain.accounts.facts import ACCOUNT_PLAN, Attachment, CodeBook, Known, PlanRef
from app.domain.accounts.values import as_uuid, custom_fields, instant, member, plain_date, text
from app.domain.given import Given, as_fields
from app.domain.naming import entity_code_problem
from app.domain.problems import ErrorCode, ProblemCollector


class ChildBillingMode(str, Enum):
    PARENT_BREAKDOWN = "PARENT_BREAKDOWN"
    PARENT_SUMMARY = "PARENT_SUMMARY"
    CHILD = "CHILD"


def overlaps(start_a: datetime, end_a: datetime | None, start_b: datetime, end_b: datetime | None) -> bool:
    """Whether `[start_a, end_a)` and `[start_b, end_b)` share an instant (None = open)."""
    return (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a)


def first_collision(
    product_id: uuid.UUID, start: datetime, end: datetime | None, others: Iterable[Attachment]
) -> Attachment | None:
    same_product = sorted((o for o in others if o.product_id == product_id), key=lambda o: (o.start, str(o.id)))
    return next((o for o in same_product if overlaps(start, end, o.start, o.end)), None)


def resolve_plan(data: Given, at: ProblemCollector, known: Known, account_id: uuid.UUID) -> PlanRef | None:
    """The plan named by `planId` or `planCode` (exactly one), attachable to the account."""
    plan_id, plan_code = data.get("planId"), data.get("planCode")
    if plan_id is not None and plan_code is not None:
        at.add("planCode", ErrorCode.INVALID, "give planId or planCode, not both")
        return None
    if plan_id is None and plan_code is None:
        at.add("planId", ErrorCode.REQUIRED, "planId or planCode is required")
        return None
    if plan_id is not None:
        key, parsed = "planId", as_uuid(plan_id, "planId", at)
        if parsed is None:
            return None
        plan, wanted = known.plan_by_id(parsed), f"id {parsed}"
    else:
        key, plan, wanted = "planCode", known.plan_by_code(plan_code), f"code {plan_code!r}"
    if plan is None:
        at.add(key, ErrorCode.NOT_FOUND, f"no plan with {wanted}")
    elif plan.account_id is not None and plan.account_id != account_id:
        at.add(key, ErrorCode.INVALID, f"plan {plan.code} is bespoke to another account")
        return None
    return plan


def check_account_plan(
    data: AccountPlanDraft | Mapping[str, Any],
    at: ProblemCollector,
    known: Known,
    codes: CodeBook,
    *,
    account_id: uuid.UUID,
    others: Iterable[Attachment],
    creating: bool = True,
) -> dict[str, Any]:
    """A whole attachment input (for an update: current values overlaid with the
    changes) → model column values; `others` are the account's other attachments."""
    data = as_fields(AccountPlanDraft, data)
    start = instant(data.get("startDate"), "startDate", at)
    if data.get("startDate") is None:
        at.add("startDate", ErrorCode.REQUIRED, "is required")
    end = instant(data.get("endDate"), "endDate", at)
    # A wrong end makes the interval unknown: judging overlaps on it would only add noise.
    interval_known = end is not None or data.get("endDate") is None
    if start is not None and end is not None and end <= start:
        at.add("endDate", ErrorCode.INVALID, "must be after startDate (the end is exclusive)")
        interval_known = False
    return attachment_values(
        data,
        at,
        known,
        codes,
        account_id=account_id,
        start=start,
        end=end,
        others=others,
        creating=creating,
        check_overlap=interval_known,
    )


def attachment_values(
    data: Given,
    at: ProblemCollector,
    known: Known,
    codes: CodeBook,
    *,
    account_id: uuid.UUID,
    start: datetime | None,
    end: datetime | None,
    others: Iterable[Attachment],
    creating: bool,
    start_key: str = "startDate",
    check_overlap: bool = True,
) -> dict[str, Any]:
    """Everything but the dates, which arrive checked; `start_key` is where the input
    carries the start (`date` for a replacement), for reporting a collision."""
    plan = resolve_plan(data, at, known, account_id)
    values: dict[str, Any] = {
        "account_id": account_id,
        "plan_id": plan.id if plan else None,
        "product_id": plan.product_id if plan else None,
        "code": text(data, "code", at, entity_code_problem),
        "start_date": start,
        "end_date": end,
        "bill_epoch": plain_date(data.get("billEpoch"), "billEpoch", at),
        "child_billing_mode": (
            member(data.get("childBillingMode"), "childBillingMode", at, ChildBillingMode)
            or ChildBillingMode.PARENT_BREAKDOWN
        ).value,
        "custom_fields": custom_fields(data.get("customFields"), at),
    }
    codes.claim(ACCOUNT_PLAN, values["code"], at)
    if check_overlap and plan is not None and start is not None and not known.allow_overlapping_plans:
        if collision := first_collision(plan.product_id, start, end, others):
            at.add(start_key, ErrorCode.INVALID, f"overlaps {collision.label} of the same product")
    if creating:
        values["id"] = uuid.uuid4()
    return values


def attachment_of(values: Mapping[str, Any]) -> Attachment:
    """The interval a checked attachment occupies, for checking later ones against it."""
    return Attachment(values["id"], values["code"], values["product_id"], values["start_date"], values["end_date"])


def check_replacement(
    old: Attachment,
    data: ReplacementDraft | Mapping[str, Any],
    at: ProblemCollector,
    known: Known,
    codes: CodeBook,
    *,
    account_id: uuid.UUID,
    others: Iterable[Attachment],
) -> tuple[datetime | None, dict[str, Any]]:
    """Replace `old` by another plan at `date` → (the replacement instant, the new
    attachment's values). The new attachment runs to old's end; `data` holds the new
    plan (`planId` | `planCode`), `code`, and `billEpoch` / `childBillingMode` /
    `customFields` (the service fills in old's when the client leaves them out)."""
    data = as_fields(ReplacementDraft, data)
    date = instant(data.get("date"), "date", at)
    if data.get("date") is None:
        at.add("date", ErrorCode.REQUIRED, "is required")
    elif date is not None and not old.start < date:
        at.add("date", ErrorCode.INVALID, f"must be after the account plan's start {old.start.isoformat()}")
        date = None
    elif date is not None and old.end is not None and not date < old.end:
        at.add("date", ErrorCode.INVALID, f"must be before the account plan's end {old.end.isoformat()}")
        date = None
    shortened = Attachment(old.id, old.code, old.product_id, old.start, date or old.end)
    values = attachment_values(
        data,
        at,
        known,
        codes,
        account_id=account_id,
        start=date,
        end=old.end,
        others=[*others, shortened],
        creating=True,
        start_key="date",
    )
    return date, values
