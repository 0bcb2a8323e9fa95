"""Per-request DataLoaders of billing's nested edges, each one statement per batch of
parents, always within the caller's organization."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from app.graphql.loaders import LoaderSpec, RequestLoader, children_by, one_by_id
from app.models import accounts as account_models
from app.models import billing as m
from app.services.billing import claims

LINES_BY_BILL = children_by(m.BillLineItem, "bill_id", ("position", "id"))
ACCOUNT_BY_ID = one_by_id(account_models.Account)
JOB_BY_ID = one_by_id(m.BillJob)
BILL_ORDER = ("account_code", "bill_date", "billing_frequency", "id")
# For an `Account.bills` edge: an account's bills, newest bill date first.
BILLS_BY_ACCOUNT = children_by(m.Bill, "account_id", ("-bill_date", "billing_frequency", "id"))


def _failures_factory(organization_id: uuid.UUID) -> RequestLoader:
    async def load(job_ids: list[Any]) -> list[list[m.BillJobAccount]]:
        rows = await m.BillJobAccount.filter(
            organization_id=organization_id, bill_job_id__in=job_ids, status="FAILED"
        ).order_by("account_id")
        grouped: dict[Any, list[m.BillJobAccount]] = defaultdict(list)
        for row in rows:
            grouped[row.bill_job_id].append(row)
        return [grouped.get(key, []) for key in job_ids]

    return RequestLoader(load)


def _bills_by_ids_factory(organization_id: uuid.UUID) -> RequestLoader:
    """Key: a tuple of bill ids (a job's result) → those bills, by account code. One
    statement for the union of every key of the batch."""

    async def load(keys: list[tuple[str, ...]]) -> list[list[m.Bill]]:
        wanted = {uuid.UUID(i) for key in keys for i in key}
        rows = (
            await m.Bill.filter(organization_id=organization_id, id__in=list(wanted)).order_by(*BILL_ORDER)
            if wanted
            else []
        )
        return [[row for row in rows if str(row.id) in members] for members in map(frozenset, keys)]

    return RequestLoader(load)


def _bill_ids_by_job_factory(organization_id: uuid.UUID) -> RequestLoader:
    """Key: a job id → the bills it made or updated so far, in the order its chunks finished."""

    async def load(job_ids: list[Any]) -> list[list[uuid.UUID]]:
        found = await claims.bill_ids_by_job(organization_id, list(job_ids))
        return [found.get(key, []) for key in job_ids]

    return RequestLoader(load)


FAILURES_BY_JOB: LoaderSpec = ("BillJobAccount.failed_by_job", _failures_factory)
BILLS_BY_IDS: LoaderSpec = ("Bill.by_id_set", _bills_by_ids_factory)
BILL_IDS_BY_JOB: LoaderSpec = ("BillJob.bill_ids", _bill_ids_by_job_factory)
