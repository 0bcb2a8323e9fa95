"""Reading what the account checks need: row locks, the `Known` facts an input names,
an account's plan attachments, and existing rows as input mappings (for updates, which
are checked as the current values overlaid with the changes)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from tortoise.expressions import Q
from tortoise.functions import Count

from app.domain.accounts import ACCOUNT, ACCOUNT_PLAN, COMMITMENT, AccountRef, Attachment, Known, PlanRef, References
from app.domain.accounts.drafts import AccountDraft, AccountPlanDraft, CommitmentDraft
from app.models.accounts import Account, AccountPlan, Commitment
from app.models.catalog import Plan, Product
from app.models.organization import OrganizationConfig
from app.services import currencies
from app.services.catalog.entities import taken_codes

CODED = {ACCOUNT: Account, ACCOUNT_PLAN: AccountPlan, COMMITMENT: Commitment}


async def lock_accounts(organization_id: uuid.UUID, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Account]:
    """`SELECT … FOR UPDATE` on these accounts (only inside a transaction). Rows are
    locked in id order, so two transactions locking overlapping sets cannot deadlock."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await Account.select_for_update().filter(organization_id=organization_id, id__in=wanted).order_by("id")
    return {row.id: row for row in rows}


async def load_known(organization_id: uuid.UUID, refs: References, *, exclude_id: uuid.UUID | None = None) -> Known:
    """The facts `refs` names. `exclude_id` is the entity being updated: its own code is
    not taken, and it does not count among its parent's children."""
    config = await OrganizationConfig.get(organization_id=organization_id)
    taken = {
        kind: frozenset(await taken_codes(CODED[kind], organization_id, codes, exclude_id=exclude_id))
        for kind, codes in refs.codes.items()
    }
    return Known(
        # Held until the caller's transaction ends (see `currencies`): every caller writes in it.
        currencies=frozenset(await currencies.held_codes(organization_id)),
        product_ids=await _product_ids(organization_id, refs.product_ids),
        plans=await _plans(organization_id, refs.plan_ids, refs.plan_codes),
        accounts=await _accounts(organization_id, refs.account_ids, exclude_id),
        taken_codes=taken,
        allow_overlapping_plans=config.allow_overlapping_plans,
    )


async def _product_ids(organization_id: uuid.UUID, ids: set[uuid.UUID]) -> frozenset[uuid.UUID]:
    if not ids:
        return frozenset()
    query = Product.filter(organization_id=organization_id, id__in=list(ids))
    return frozenset(cast("list[uuid.UUID]", await query.values_list("id", flat=True)))


async def _plans(organization_id: uuid.UUID, ids: set[uuid.UUID], codes: set[str]) -> tuple[PlanRef, ...]:
    if not ids and not codes:
        return ()
    rows = await Plan.filter(Q(id__in=list(ids)) | Q(code__in=list(codes)), organization_id=organization_id).values(
        "id", "code", "product_id", "account_id"
    )
    return tuple(PlanRef(r["id"], r["code"], r["product_id"], r["account_id"]) for r in rows)


async def _accounts(
    organization_id: uuid.UUID, ids: set[uuid.UUID], exclude_id: uuid.UUID | None
) -> dict[uuid.UUID, AccountRef]:
    if not ids:
        return {}
    rows = await Account.filter(organization_id=organization_id, id__in=list(ids)).values(
        "id", "code", "parent_account_id"
    )
    children = Account.filter(organization_id=organization_id, parent_account_id__in=list(ids))
    if exclude_id is not None:
        children = children.exclude(id=exclude_id)
    counts = await children.annotate(n=Count("id")).group_by("parent_account_id").values_list("parent_account_id", "n")
    count_of = dict(counts)
    return {r["id"]: AccountRef(r["id"], r["code"], r["parent_account_id"], count_of.get(r["id"], 0)) for r in rows}


async def attachments_of(
    organization_id: uuid.UUID, account_id: uuid.UUID, *, exclude_id: uuid.UUID | None = None
) -> list[Attachment]:
    # Plan group attachments have no product of their own: their rule is the groups' (SEMANTICS §10.2 rule 3).
    query = AccountPlan.filter(organization_id=organization_id, account_id=account_id, plan_group_id__isnull=True)
    if exclude_id is not None:
        query = query.exclude(id=exclude_id)
    return [attachment(row) for row in await query]


def attachment(row: AccountPlan) -> Attachment:
    assert row.product_id is not None  # a plan's attachment (a group's is never one)
    return Attachment(row.id, row.code, row.product_id, row.start_date, row.end_date)


def account_input(row: Account) -> AccountDraft:
    """A stored account as the input that would create it (to merge an update's changes into)."""
    return AccountDraft(
        code=row.code,
        name=row.name,
        email_address=row.email_address,
        address=row.address,
        parent_account_id=row.parent_account_id,
        bill_epoch=row.bill_epoch,
        currency=row.currency,
        days_before_bill_due=row.days_before_bill_due,
        purchase_order_number=row.purchase_order_number,
        custom_fields=row.custom_fields,
        credit_application_order=row.credit_application_order,
    )


def account_plan_input(row: AccountPlan) -> AccountPlanDraft:
    return AccountPlanDraft(
        plan_id=row.plan_id,
        code=row.code,
        start_date=row.start_date,
        end_date=row.end_date,
        bill_epoch=row.bill_epoch,
        child_billing_mode=row.child_billing_mode,
        custom_fields=row.custom_fields,
    )


def commitment_input(row: Commitment) -> CommitmentDraft:
    return CommitmentDraft(
        code=row.code,
        currency=row.currency,
        amount=row.amount,
        amount_pre_paid=row.amount_pre_paid,
        amount_first_bill=row.amount_first_bill,
        start_date=row.start_date,
        end_date=row.end_date,
        product_ids=list(row.product_ids),
        line_item_types=list(row.line_item_types),
        overage_surcharge_percent=row.overage_surcharge_percent,
        separate_overage_usage=row.separate_overage_usage,
        fee_dates=[fee_date_input(f) for f in row.fee_dates],
        billing_plan_id=row.billing_plan_id,
        billing_interval=row.billing_interval,
        billing_offset=row.billing_offset,
        commitment_fee_bill_in_advance=row.commitment_fee_bill_in_advance,
        commitment_fee_description=row.commitment_fee_description,
        commitment_usage_description=row.commitment_usage_description,
        overage_description=row.overage_description,
        child_billing_mode=row.child_billing_mode,
    )


def fee_date_input(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A stored fee (JSON strings) back as the typed values the checks take."""
    return {
        "date": date.fromisoformat(stored["date"]),
        "amount": Decimal(stored["amount"]),
        "servicePeriodStartDate": datetime.fromisoformat(stored["servicePeriodStartDate"]),
        "servicePeriodEndDate": datetime.fromisoformat(stored["servicePeriodEndDate"]),
    }
