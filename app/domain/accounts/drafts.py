"""Account, account plan and commitment inputs, typed: what the checks of this package take.

Each draft has one field per input field, with snake_case names; the input's name (the
path a problem is reported at) is the camelCase of the python name. A field left out is
`NOT_GIVEN`, which reads as None; an update's draft is the stored values merged with the
fields sent (`stored.merged(changes)`). Fee dates stay as stored documents
({date, amount, servicePeriodStartDate, servicePeriodEndDate}).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.given import NOT_GIVEN, Fields, nested


@dataclass(frozen=True, slots=True)
class AccountPlanDraft(Fields):
    account_id: Any = NOT_GIVEN
    plan_id: Any = NOT_GIVEN
    plan_code: Any = NOT_GIVEN
    plan_group_id: Any = NOT_GIVEN  # instead of a plan (SEMANTICS §10.1)
    code: Any = NOT_GIVEN
    start_date: Any = NOT_GIVEN
    end_date: Any = NOT_GIVEN
    bill_epoch: Any = NOT_GIVEN
    child_billing_mode: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class ReplacementDraft(Fields):
    """The plan that replaces an attachment from `date` on, and what the new attachment
    sets itself (the rest it inherits from the old one)."""

    date: Any = NOT_GIVEN
    plan_id: Any = NOT_GIVEN
    plan_code: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    bill_epoch: Any = NOT_GIVEN
    child_billing_mode: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class CommitmentDraft(Fields):
    account_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    currency: Any = NOT_GIVEN
    amount: Any = NOT_GIVEN
    amount_pre_paid: Any = NOT_GIVEN
    amount_first_bill: Any = NOT_GIVEN
    start_date: Any = NOT_GIVEN
    end_date: Any = NOT_GIVEN
    product_ids: Any = NOT_GIVEN
    line_item_types: Any = NOT_GIVEN
    overage_surcharge_percent: Any = NOT_GIVEN
    separate_overage_usage: Any = NOT_GIVEN
    fee_dates: Any = NOT_GIVEN
    billing_plan_id: Any = NOT_GIVEN
    billing_interval: Any = NOT_GIVEN
    billing_offset: Any = NOT_GIVEN
    commitment_fee_bill_in_advance: Any = NOT_GIVEN
    commitment_fee_description: Any = NOT_GIVEN
    commitment_usage_description: Any = NOT_GIVEN
    overage_description: Any = NOT_GIVEN
    child_billing_mode: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class AccountDraft(Fields):
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    email_address: Any = NOT_GIVEN
    address: Any = NOT_GIVEN
    parent_account_id: Any = NOT_GIVEN
    bill_epoch: Any = NOT_GIVEN
    currency: Any = NOT_GIVEN
    days_before_bill_due: Any = NOT_GIVEN
    purchase_order_number: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN
    credit_application_order: Any = NOT_GIVEN
    children: Any = nested(lambda: AccountDraft)
    account_plans: Any = nested(lambda: AccountPlanDraft)
    commitments: Any = nested(lambda: CommitmentDraft)
