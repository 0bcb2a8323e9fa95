"""Billing stories told through the public API (SEMANTICS §7): GraphQL for the catalog,
accounts, bill jobs and the bill lifecycle; `POST /organizations/{orgId}/measurements`
with a bearer token from `/oauth/token` for usage. A real arq worker (burst, in this
event loop) processes the ingest batches and runs the bill jobs.

Isolation in a shared Redis: during a test the application enqueues on this session's
own queue (`BILL_QUEUE`, `bill_queue` fixture), and the burst worker consumes only it.
"""

from __future__ import annotations

import json
import uuid
import warnings
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest_asyncio
from arq.worker import Worker

from tests.conftest import Tenant, data_of
from workers.settings import worker_options

BILL_QUEUE = f"metergraph:test-billing:{uuid.uuid4().hex[:10]}"
ERRORS = "userErrors { field code message }"

LINE = """lineItemType description productId planId pricingId aggregationId compoundAggregationId meterId segment
  childAccountId quantity units unit subtotal currency conversionRate convertedSubtotal averageUnitPrice
  servicePeriodStartDate servicePeriodEndDate position
  usagePerPricingBand { lowerLimit unitPrice fixedPrice bandUnits bandQuantity bandSubtotal }"""
BILL = f"""id version accountId accountCode billDate dueDate startDate endDate lastDateInBillingPeriod billingFrequency
  currency status locked billJobId lastCalculatedDate purchaseOrderNumber sequentialInvoiceNumber billTotal
  lineItems(first: 100) {{ totalCount nodes {{ {LINE} }} }}"""
JOB = """id version status type lastDateInBillingPeriod billDate billingFrequency accountIds total pending failed
  billIds
  failureReason dtStarted dtCompleted failures { accountId reason }"""

CREATE_BILL_JOB = (
    f"""mutation($input: CreateBillJobInput!) {{ createBillJob(input: $input) {{ billJob {{ {JOB} }} {ERRORS} }} }}"""
)
RECALCULATE = (
    f"""mutation($ids: [ID!]!) {{ recalculateBills(input: {{billIds: $ids}}) {{ billJob {{ {JOB} }} {ERRORS} }} }}"""
)
APPROVE = f"""mutation($ids: [ID!]!) {{ approveBills(input: {{billIds: $ids}}) {{ bills {{ id version status locked }}
  {ERRORS} }} }}"""
LOCK = f"""mutation($id: ID!, $version: Int!) {{ lockBill(input: {{id: $id, version: $version}}) {{
  bill {{ id version status locked }} {ERRORS} }} }}"""
BILL_JOB = f"""query($id: ID!) {{ billJob(id: $id) {{ {JOB} }} }}"""
BILLS = f"""query($filter: BillFilter) {{ bills(first: 100, filter: $filter) {{ totalCount nodes {{ {BILL} }} }} }}"""


# Credit sources, as the balance and commitment stories create them (SEMANTICS §5.3, §11).
CREATE_BALANCE = f"""mutation($input: CreateBalanceInput!) {{ createBalance(input: $input) {{ balance {{ id }}
  {ERRORS} }} }}"""
CREDIT = f"""mutation($input: CreateBalanceTransactionInput!) {{ createBalanceTransaction(input: $input) {{
  balanceTransaction {{ id }} {ERRORS} }} }}"""
CREATE_COMMITMENT = f"""mutation($input: CreateCommitmentInput!) {{ createCommitment(input: $input) {{
  commitment {{ id }} {ERRORS} }} }}"""


def band(lower: str, unit: str, fixed: str = "0") -> dict:
    return {"lowerLimit": lower, "unitPrice": unit, "fixedPrice": fixed}


def money(value: Any) -> Decimal:
    return Decimal(str(value))


@pytest_asyncio.fixture
async def bill_queue(app) -> AsyncIterator[Any]:
    """The app enqueues (ingest batches and bill jobs) on this session's own queue."""
    client = app.state.arq
    previous = client.default_queue_name
    client.default_queue_name = BILL_QUEUE
    try:
        yield client
    finally:
        client.default_queue_name = previous
        await client.delete(BILL_QUEUE)


async def run_worker() -> Worker:
    """Run everything queued on BILL_QUEUE with a real arq burst worker in this event
    loop (Tortoise is already initialised by the app fixture)."""
    worker = Worker(
        **worker_options(
            burst=True, poll_delay=0.05, queue_name=BILL_QUEUE, handle_signals=False, ctx={"db_ready": "external"}
        )
    )
    try:
        await worker.main()
    finally:
        with warnings.catch_warnings():  # arq 0.28 closes its pool with redis' deprecated close()
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
    assert worker.jobs_failed == 0, f"{worker.jobs_failed} worker job(s) failed"
    return worker


class Story:
    """One organization's billing story, spoken through the public API."""

    def __init__(self, tenant: Tenant):
        self.tenant = tenant

    async def ok(self, operation: str, variables: dict, name: str) -> dict:
        payload = data_of(await self.tenant.gql(operation, variables))[name]
        assert payload["userErrors"] == [], payload
        return payload

    async def configure(self, **changes: Any) -> None:
        version = data_of(await self.tenant.gql("{ organizationConfig { version } }"))["organizationConfig"]["version"]
        await self.ok(
            f"""mutation($input: UpdateOrganizationConfigInput!) {{ updateOrganizationConfig(input: $input) {{
          organizationConfig {{ version }} {ERRORS} }} }}""",
            {"input": {"version": version, **changes}},
            "updateOrganizationConfig",
        )

    async def currency(self, code: str, places: int = 2) -> None:
        await self.ok(
            f"""mutation($input: CreateCurrencyInput!) {{ createCurrency(input: $input) {{ currency {{ id }} {ERRORS}
              }} }}""",
            {"input": {"code": code, "name": code, "maxDecimalPlaces": places}},
            "createCurrency",
        )

    async def product(self, product: dict) -> str:
        payload = await self.ok(
            f"""mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{
          product {{ id }} {ERRORS} }} }}""",
            {"input": product},
            "createProduct",
        )
        return payload["product"]["id"]

    async def account(self, code: str, plans: list[tuple[str, str]] | None = None, **fields: Any) -> str:
        """An account with plans attached: (plan code, start instant) each."""
        data = {
            "code": code,
            "name": code.title(),
            "emailAddress": f"{code}@example.com",
            **fields,
            "accountPlans": [{"planCode": plan, "startDate": start} for plan, start in plans or []],
        }
        payload = await self.ok(
            f"""mutation($input: CreateAccountInput!) {{ createAccount(input: $input) {{
          account {{ id }} {ERRORS} }} }}""",
            {"input": data},
            "createAccount",
        )
        return payload["account"]["id"]

    async def ingest(self, measurements: list[dict]) -> str:
        response = await self.tenant.client.post(
            f"/organizations/{self.tenant.organization_id}/measurements",
            content=json.dumps({"measurements": measurements}),
            headers={"Authorization": f"Bearer {self.tenant.token}", "Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.text
        return response.json()["batchId"]

    async def bill_run(self, **job_input: Any) -> dict:
        """createBillJob, let a worker run it, and return the finished job."""
        job = (await self.ok(CREATE_BILL_JOB, {"input": job_input}, "createBillJob"))["billJob"]
        return await self.finish(job)

    async def recalculate(self, bill_ids: list[str]) -> dict:
        job = (await self.ok(RECALCULATE, {"ids": bill_ids}, "recalculateBills"))["billJob"]
        return await self.finish(job)

    async def finish(self, job: dict) -> dict:
        await run_worker()
        done = data_of(await self.tenant.gql(BILL_JOB, {"id": job["id"]}))["billJob"]
        assert done["status"] == "COMPLETE", done
        return done

    async def bills(self, **flt: Any) -> list[dict]:
        return data_of(await self.tenant.gql(BILLS, {"filter": flt or None}))["bills"]["nodes"]

    async def bill(self, account_code: str, bill_date: str) -> dict:
        found = [b for b in await self.bills(billDate=bill_date) if b["accountCode"] == account_code]
        assert len(found) == 1, found
        return found[0]

    async def approve(self, bill_ids: list[str]) -> list[dict]:
        return (await self.ok(APPROVE, {"ids": bill_ids}, "approveBills"))["bills"]

    async def lock(self, bill: dict) -> dict:
        return (await self.ok(LOCK, {"id": bill["id"], "version": bill["version"]}, "lockBill"))["bill"]


def lines(bill: dict, line_type: str | None = None) -> list[dict]:
    return [line for line in bill["lineItems"]["nodes"] if line_type is None or line["lineItemType"] == line_type]


def amounts(bill: dict) -> list[tuple[str, Decimal]]:
    """(type, converted subtotal) of every line, in bill order."""
    return [(line["lineItemType"], money(line["convertedSubtotal"])) for line in lines(bill)]


def requests_catalog(start: str = "2026-01-01T00:00:00Z", **template: object) -> dict:
    """Product `app`: meter `app` with MEASURE `requests`, summed by aggregation `requests`;
    plan `usage-plan` (USD, monthly, from `start`) charging 1.00 a request, in arrears, no
    standing charge unless `template` (more fields of the plan template) says otherwise:
    the setting of the balance, commitment, charge and time-zone stories."""
    return {
        "code": "app",
        "name": "App",
        "meters": [
            {
                "code": "app",
                "name": "App",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"}
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "usage",
                "name": "Usage",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                **template,
                "pricings": [{"aggregationCode": "requests", "startDate": start, "pricingBands": [band("0", "1")]}],
                "plans": [{"code": "usage-plan", "name": "Usage"}],
            },
        ],
    }
