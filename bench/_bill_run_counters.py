"""The counter load of `bill_run.py --counters` (SEMANTICS §8): one counter, priced on the
bench plan template (tiered bands, running totals in advance, prorated), and two
adjustments per account in January 2026 (on the 1st, inside the running total, and a
mid-month increase on the 16th, an adjustment line). Adjustments are COPYed straight into
their table, like the measurements: the API's create path has its own tests.

Each bill then carries three counter lines besides its usage and standing charge:
January's running total, February's (advance, the account plan's first bill) and the
debit of the 16th.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

COUNTER = """mutation($input: CreateCounterInput!) { createCounter(input: $input) {
  counter { id } userErrors { field message } } }"""
PRICING = """mutation($input: CreateCounterPricingInput!) { createCounterPricing(input: $input) {
  counterPricing { id } userErrors { field message } } }"""
COLUMNS = (
    "id",
    "organization_id",
    "version",
    "dt_created",
    "dt_last_modified",
    "counter_id",
    "account_id",
    "date",
    "value",
)


def create_counter_pricing(gql: Any, base: str, token: str, start: datetime) -> str:
    """The counter and its pricing on the bench template; the counter's id."""
    template = gql(base, token, '{ planTemplate(code: "bench") { id } }')["planTemplate"]["id"]
    created = gql(base, token, COUNTER, {"input": {"code": "seats", "name": "Seats", "unit": "seats"}})
    assert not created["createCounter"]["userErrors"], created
    counter = created["createCounter"]["counter"]["id"]
    bands = [
        {"lowerLimit": "0", "unitPrice": "10", "fixedPrice": "0"},
        {"lowerLimit": "10", "unitPrice": "8", "fixedPrice": "0"},
    ]
    priced = gql(
        base,
        token,
        PRICING,
        {
            "input": {
                "planTemplateId": template,
                "counterId": counter,
                "startDate": start.isoformat(),
                "pricingBands": bands,
            }
        },
    )
    assert not priced["createCounterPricing"]["userErrors"], priced
    return counter


async def copy_adjustments(database_url: str, organization_id: str, counter_id: str) -> int:
    """Two adjustments per account (January 1st and 16th); how many were stored."""
    conn = await asyncpg.connect(database_url)
    try:
        org, counter = uuid.UUID(organization_id), uuid.UUID(counter_id)
        accounts = [r["id"] for r in await conn.fetch("SELECT id FROM accounts WHERE organization_id = $1", org)]
        now = datetime.now(UTC)
        records = [
            (uuid.uuid4(), org, 1, now, now, counter, account, day, seats + bump)
            for n, account in enumerate(accounts)
            for day, seats, bump in ((date(2026, 1, 1), 5 + n % 10, 0), (date(2026, 1, 16), 5 + n % 10, 3))
        ]
        await conn.copy_records_to_table("counter_adjustments", records=records, columns=COLUMNS)
        await conn.execute("ANALYZE counter_adjustments")
        return len(records)
    finally:
        await conn.close()
