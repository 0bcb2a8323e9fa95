"""Loading the demo organization, step by step, through the services the API uses.

Order matters: catalog before accounts (plans are attached by code), the commitment after
the plans (it bills on the Scale plan's bill dates), measurements through the ingest
service (stored raw, then processed by a worker), then one bill job per month, the second
after the first has completed (commitment draws build on the earlier bill).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.domain.accounts.drafts import AccountDraft
from app.models.accounts import Account
from app.models.billing import Bill, BillJob
from app.models.catalog import Plan
from app.models.ingest import MeasurementBatch
from app.services import billing, currencies, ingest, organization_config
from app.services.accounts.accounts import create_account
from app.services.accounts.commands import CreateAccount
from app.services.billing.commands import CreateBillJob
from app.services.catalog.commands import CreateProduct
from app.services.catalog.nested import create_product
from app.services.demo import accounts, catalog
from app.services.organizations import bootstrap_organization

ACTOR = "demo"
BATCH_SIZE = 1000  # the ingest API's limit per request (SEMANTICS §6)
WAIT_SECONDS = 300
Enqueue = Callable[..., Awaitable[Any]]


@dataclass
class DemoSummary:
    organization_id: uuid.UUID
    credentials: dict[str, str]
    months: tuple[date, date]
    measurements: int = 0
    batches: int = 0
    bill_jobs: list[BillJob] = field(default_factory=list)
    bills: list[Bill] = field(default_factory=list)


def demo_months(today: date) -> tuple[date, date, date]:
    """First days of the two full months before `today`'s month, and of `today`'s month."""
    this = today.replace(day=1)
    previous = (this - timedelta(days=1)).replace(day=1)
    before = (previous - timedelta(days=1)).replace(day=1)
    return before, previous, this


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def configure(organization_id: uuid.UUID) -> None:
    await currencies.create_currency(
        organization_id, currencies.CurrencyFields(code="EUR", name="Euro", max_decimal_places=2), actor=ACTOR
    )
    config = await organization_config.get_config(organization_id)
    command = organization_config.UpdateOrganizationConfig(
        version=config.version,
        timezone="UTC",
        currency="USD",
        days_before_bill_due=14,
        currency_conversions=[{"from": "EUR", "to": "USD", "multiplier": Decimal("1.08")}],
    )
    await organization_config.update_config(organization_id, command, actor=ACTOR)


async def load_catalog(organization_id: uuid.UUID, start: datetime) -> None:
    for product in (catalog.storage_product(start), catalog.api_product(start)):
        await create_product(organization_id, CreateProduct.from_input(product), actor=ACTOR)


async def load_accounts(organization_id: uuid.UUID, first: date, end: date) -> None:
    for customer in accounts.CUSTOMERS:
        data = accounts.account_input(customer, _midnight(first))
        if customer.code == accounts.PREPAID:
            data["commitments"] = [await _prepayment(organization_id, first, end)]
        # The demo's customers are written as a client would send them.
        await create_account(organization_id, CreateAccount(AccountDraft.from_input(data)), actor=ACTOR)


async def _prepayment(organization_id: uuid.UUID, first: date, end: date) -> dict[str, Any]:
    """6,000.00 USD committed for the two months, half of the fee on each Scale bill; 10 %
    surcharge on spend beyond it."""
    plan = await Plan.get(organization_id=organization_id, code="api-scale")
    return {
        "currency": "USD",
        "amount": Decimal("6000"),
        "startDate": first,
        "endDate": end,
        "billingPlanId": plan.id,
        "billingInterval": 1,
        "billingOffset": 0,
        "overageSurchargePercent": Decimal("10"),
        "commitmentFeeDescription": "Prepayment",
        "commitmentUsageDescription": "Drawn from prepayment",
        "overageDescription": "Usage beyond prepayment",
    }


async def send_usage(organization_id: uuid.UUID, first: date, end: date, queue: Any) -> tuple[int, list[uuid.UUID]]:
    items = accounts.measurements(first, end)
    batch_ids = []
    for offset in range(0, len(items), BATCH_SIZE):
        body = json.dumps({"measurements": items[offset : offset + BATCH_SIZE]}).encode()
        batch_ids.append(
            await ingest.accept_measurements(organization_id, body, queue=queue, actor=ACTOR, source="REST")
        )
    return len(items), batch_ids


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not finish within {WAIT_SECONDS} s; is a worker running?")
        await asyncio.sleep(0.2)


async def stored(organization_id: uuid.UUID, batch_ids: list[uuid.UUID]) -> None:
    async def done() -> bool:
        return not await MeasurementBatch.filter(
            organization_id=organization_id, id__in=batch_ids, status="PENDING"
        ).exists()

    await until(done, "processing the measurements")


async def run_bills(organization_id: uuid.UUID, last_day: date, enqueue: Enqueue) -> BillJob:
    job = await billing.create_bill_job(
        organization_id, CreateBillJob(last_date_in_billing_period=last_day), actor=ACTOR, enqueue=enqueue
    )

    async def done() -> bool:
        await job.refresh_from_db(fields=["status"])
        return job.status in ("COMPLETE", "FAILED", "CANCELLED")

    await until(done, f"the bill job for {last_day:%B %Y}")
    await job.refresh_from_db()
    if job.status != "COMPLETE":
        raise RuntimeError(f"the bill job for {last_day:%B %Y} ended {job.status}: {job.failure_reason}")
    return job


async def create_demo(name: str, today: date, queue: Any) -> DemoSummary:
    """The whole demo organization; `queue` is the arq client jobs are enqueued on."""
    first, second, end = demo_months(today)
    boot = await bootstrap_organization(name)
    org = boot.organization_id
    summary = DemoSummary(org, boot.as_json(), (first, second))
    await configure(org)
    await load_catalog(org, _midnight(first))
    await load_accounts(org, first, end)
    summary.measurements, batch_ids = await send_usage(org, first, end, queue)
    summary.batches = len(batch_ids)
    await stored(org, batch_ids)
    for last_day in (second - timedelta(days=1), end - timedelta(days=1)):
        summary.bill_jobs.append(await run_bills(org, last_day, queue.enqueue_job))
    summary.bills = await Bill.filter(organization_id=org).order_by("bill_date", "account_code")
    return summary


async def account_count(organization_id: uuid.UUID) -> int:
    return await Account.filter(organization_id=organization_id).count()
