"""Plan templates and plans (SEMANTICS §4.1–4.2).

Invariants
- A template fixes a plan's product, currency, bill frequency, interval, standing-charge
  interval and offset; plans read those through from the template, live, so nothing is
  copied and changing the template changes its plans.
- A plan's overrides (standing charge, minimum spend, their descriptions and timings) are
  null unless set; null reads through to the template.
- Neither a template's product nor a plan's template ever changes: pricings of both were
  checked against that product.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, cast

from app.domain.catalog.pricing.draft import PlanDraft, PlanTemplateDraft
from app.domain.catalog.pricing.values import (
    ZERO,
    Data,
    amount,
    boolean,
    choice,
    custom_fields,
    identifier,
    integer,
    text,
)
from app.domain.catalog.refs import PlanRef, PlanTemplateRef
from app.domain.given import Given, as_fields
from app.domain.ids import as_uuid
from app.domain.naming import description_problem, entity_code_problem, name_problem
from app.domain.periods import MAX_INTERVAL, MIN_INTERVAL, BillFrequency
from app.domain.problems import ErrorCode, ProblemCollector

# The overrides a plan may set, by the name the API shows them under (`overriddenFields`).
OVERRIDE_COLUMNS = {
    "standingCharge": "standing_charge",
    "standingChargeDescription": "standing_charge_description",
    "standingChargeBillInAdvance": "standing_charge_bill_in_advance",
    "minimumSpend": "minimum_spend",
    "minimumSpendDescription": "minimum_spend_description",
    "minimumSpendBillInAdvance": "minimum_spend_bill_in_advance",
}
MAX_OFFSET = MAX_INTERVAL - 1


def check_plan_template(
    data: PlanTemplateDraft | Data,
    at: ProblemCollector,
    *,
    product_id: uuid.UUID,
    currency_codes: Collection[str],
    template_id: uuid.UUID | None = None,
) -> tuple[dict[str, Any], PlanTemplateRef]:
    """A whole template input (an update passes the stored values merged with the changes,
    and its id) → model values; a create's values carry a new `id`."""
    data = as_fields(PlanTemplateDraft, data)
    values: dict[str, Any] = {
        "product_id": product_id,
        "code": text(data, "code", at, entity_code_problem, required=True),
        "name": text(data, "name", at, name_problem, required=True),
        "currency": _currency(data, at, currency_codes),
        "bill_frequency": choice(data, "billFrequency", at, BillFrequency),
        "bill_frequency_interval": integer(data, "billFrequencyInterval", at, MIN_INTERVAL, MAX_INTERVAL, default=1),
        "standing_charge": amount(data, "standingCharge", at, default=ZERO),
        "standing_charge_description": text(data, "standingChargeDescription", at, description_problem, required=False),
        "standing_charge_interval": integer(data, "standingChargeInterval", at, MIN_INTERVAL, MAX_INTERVAL, default=1),
        "standing_charge_offset": integer(data, "standingChargeOffset", at, 0, MAX_OFFSET, default=0),
        "standing_charge_bill_in_advance": boolean(data, "standingChargeBillInAdvance", at, default=None),
        "minimum_spend": amount(data, "minimumSpend", at, default=ZERO),
        "minimum_spend_description": text(data, "minimumSpendDescription", at, description_problem, required=False),
        "minimum_spend_bill_in_advance": boolean(data, "minimumSpendBillInAdvance", at, default=None),
        "custom_fields": custom_fields(data, at),
    }
    if template_id is not None:
        _refuse_move(data, at, "productId", product_id, "a plan template's product cannot be changed")
    template_id, values = _with_id(template_id, values)
    return values, PlanTemplateRef(
        id=template_id, code=values["code"] or "", product_id=product_id, currency=values["currency"] or ""
    )


def check_plan(
    data: PlanDraft | Data, at: ProblemCollector, *, template: PlanTemplateRef, plan_id: uuid.UUID | None = None
) -> tuple[dict[str, Any], PlanRef]:
    """A whole plan input → model values. Overrides left null read through to `template`."""
    data = as_fields(PlanDraft, data)
    _refuse_move(
        data,
        at,
        "planTemplateId",
        template.id,
        "a plan stays with its plan template (a nested plan with the template it is nested in)",
    )
    values: dict[str, Any] = {
        "plan_template_id": template.id,
        "product_id": template.product_id,
        "code": text(data, "code", at, entity_code_problem, required=True),
        "name": text(data, "name", at, name_problem, required=True),
        # Accounts are not checked here: whether the account exists is the caller's question.
        "account_id": identifier(data, "accountId", at),
        "standing_charge": amount(data, "standingCharge", at, default=None),
        "standing_charge_description": text(data, "standingChargeDescription", at, description_problem, required=False),
        "standing_charge_bill_in_advance": boolean(data, "standingChargeBillInAdvance", at, default=None),
        "minimum_spend": amount(data, "minimumSpend", at, default=None),
        "minimum_spend_description": text(data, "minimumSpendDescription", at, description_problem, required=False),
        "minimum_spend_bill_in_advance": boolean(data, "minimumSpendBillInAdvance", at, default=None),
        "custom_fields": custom_fields(data, at),
    }
    plan_id, values = _with_id(plan_id, values)
    ref = PlanRef(
        id=plan_id,
        code=values["code"] or "",
        product_id=template.product_id,
        plan_template_id=template.id,
        account_id=values["account_id"],
    )
    return values, ref


def _currency(data: Given, at: ProblemCollector, codes: Collection[str]) -> str | None:
    code = data.get("currency")
    if code is None:
        at.add("currency", ErrorCode.REQUIRED, "is required")
    elif code not in codes:
        at.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {code!r}")
    return cast("str | None", code)


def _refuse_move(data: Given, at: ProblemCollector, key: str, current: uuid.UUID, message: str) -> None:
    value = data.get(key)
    if value is not None and as_uuid(value) != current:
        at.add(key, ErrorCode.INVALID, message)


def _with_id(existing: uuid.UUID | None, values: dict[str, Any]) -> tuple[uuid.UUID, dict[str, Any]]:
    # New entities get their id here so that nested children can point at them before
    # anything is written; updates keep theirs and must not write it.
    if existing is not None:
        return existing, values
    new_id = uuid.uuid4()
    return new_id, {"id": new_id, **values}
