"""Service tests against real PostgreSQL and Redis, and the billing world they share.

`BillingWorld` sets up an organization's catalog and accounts with the models directly
(fast), and inserts measurements straight into the `measurements` table (COPY, the way
ingest stores them), so a test states only what it is about. The reference setup: a
product with a `storage` meter and a SUM aggregation of `gb`; a monthly USD plan template
with a $30 standing charge (arrears) and a tiered pricing 0 @ 0.15, 500 @ 0.10; accounts
attached from 2024-01-01, so January 2024 is billed on 2024-02-01. 700 GB in January:
500 × 0.15 + 200 × 0.10 = 95.00, plus 30.00 = 125.00.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timezone
from decimal import Decimal
from typing import Any

from app.db import connection
from app.models.accounts import Account, AccountPlan
from app.models.billing import Bill, BillJob, BillLineItem
from app.models.catalog import Aggregation, Meter, Plan, PlanTemplate, Pricing, Product
from app.models.ingest import MEASUREMENTS_COLUMNS
from app.models.organization import Currency, OrganizationConfig
from app.services.organizations import create_organization

UTC = UTC
JAN = datetime(2024, 1, 1, tzinfo=UTC)
FEB = datetime(2024, 2, 1, tzinfo=UTC)
BILL_DATE = date(2024, 2, 1)
LAST_DAY = date(2024, 1, 31)
TIERED = [
    {"lowerLimit": "0", "unitPrice": "0.15", "fixedPrice": "0"},
    {"lowerLimit": "500", "unitPrice": "0.10", "fixedPrice": "0"},
]
ACTOR = "tester"


def at(day: int, hour: int = 12) -> datetime:
    """An instant in January 2024."""
    return datetime(2024, 1, day, hour, tzinfo=UTC)


@dataclass
class BillingWorld:
    organization_id: uuid.UUID
    product: Product
    meter: Meter
    aggregation: Aggregation
    template: PlanTemplate
    plan: Plan
    pricing: Pricing
    accounts: dict[str, Account] = field(default_factory=dict)

    async def account(
        self, code: str, *, currency: str | None = None, plan: Plan | None = None, start: datetime = JAN, **fields: Any
    ) -> Account:
        account = await Account.create(
            organization_id=self.organization_id, code=code, name=code.title(), currency=currency, **fields
        )
        chosen = plan or self.plan
        await AccountPlan.create(
            organization_id=self.organization_id,
            account_id=account.id,
            plan_id=chosen.id,
            product_id=chosen.product_id,
            start_date=start,
        )
        self.accounts[code] = account
        return account

    async def measure(self, code: str, gb: Any, ts: datetime | None = None, **data: Any) -> None:
        await self.measurements([(code, gb, ts or at(15), data)])

    async def measurements(self, items: list[tuple[str, Any, datetime, dict]]) -> None:
        batch_id = uuid.uuid4()
        records = [
            (
                self.organization_id,
                self.accounts[code].id,
                self.meter.id,
                ts,
                None,
                None,
                batch_id,
                index,
                datetime.now(UTC),
                json.dumps({"gb": gb, **extra}),
            )
            for index, (code, gb, ts, extra) in enumerate(items)
        ]
        async with connection() as conn:
            await conn.copy_records_to_table("measurements", records=records, columns=MEASUREMENTS_COLUMNS)

    async def configure(self, **changes: Any) -> None:
        await OrganizationConfig.filter(organization_id=self.organization_id).update(**changes)

    async def currency(self, code: str, places: int = 2) -> None:
        await Currency.create(organization_id=self.organization_id, code=code, name=code, max_decimal_places=places)

    async def bills(self) -> list[Bill]:
        return await Bill.filter(organization_id=self.organization_id).order_by("account_code", "bill_date")

    async def bill_of(self, code: str) -> Bill | None:
        return await Bill.filter(organization_id=self.organization_id, account_id=self.accounts[code].id).first()

    async def job(self, job_id: uuid.UUID) -> BillJob:
        return await BillJob.get(organization_id=self.organization_id, id=job_id)


async def new_world(
    name: str = "Billing",
    *,
    standing_charge: str = "30",
    bands: list | None = None,
    frequency: str = "MONTHLY",
    **pricing_fields: Any,
) -> BillingWorld:
    org = await create_organization(name)
    org_id = org.id
    product = await Product.create(organization_id=org_id, code="storage", name="Storage")
    meter = await Meter.create(
        organization_id=org_id,
        product_id=product.id,
        code="storage",
        name="Storage",
        data_fields=[
            {"category": "MEASURE", "code": "gb", "name": "GB", "unit": "GB"},
            {"category": "WHO", "code": "region", "name": "Region"},
        ],
    )
    aggregation = await Aggregation.create(
        organization_id=org_id,
        product_id=product.id,
        meter_id=meter.id,
        code="gb_sum",
        name="Gigabytes",
        target_field="gb",
        aggregation="SUM",
        unit="GB",
    )
    template = await PlanTemplate.create(
        organization_id=org_id,
        product_id=product.id,
        code="std",
        name="Standard",
        currency="USD",
        bill_frequency=frequency,
        standing_charge=Decimal(standing_charge),
        standing_charge_description="Base",
    )
    plan = await Plan.create(
        organization_id=org_id,
        plan_template_id=template.id,
        product_id=product.id,
        code="std-plan",
        name="Standard plan",
    )
    pricing = await Pricing.create(
        organization_id=org_id,
        plan_template_id=template.id,
        aggregation_id=aggregation.id,
        product_id=product.id,
        start_date=datetime(2023, 1, 1, tzinfo=UTC),
        pricing_bands=bands if bands is not None else TIERED,
        **pricing_fields,
    )
    return BillingWorld(org_id, product, meter, aggregation, template, plan, pricing)


async def lines_of(bill: Bill) -> list[BillLineItem]:
    return await BillLineItem.filter(organization_id=bill.organization_id, bill_id=bill.id).order_by("position")


def line_view(line: Any) -> tuple:
    """The billing content of a stored line item or a composed line, comparable across both."""
    kind = getattr(line, "line_item_type", None) or line.line_type.value
    return (
        kind,
        line.description,
        line.quantity,
        line.units,
        line.subtotal,
        line.converted_subtotal,
        line.currency,
        line.pricing_id,
        line.service_period_start,
        line.service_period_end,
    )
