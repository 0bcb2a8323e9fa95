"""The demo's ten customer accounts and their two months of usage.

Usage is generated from a fixed seed, so every demo organization tells the same story:
each account stores data every day (one measurement per region it uses) and calls the API
four times a day. Every measurement has a uid, as a careful client would send.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

SEED = 2026


@dataclass(frozen=True)
class Customer:
    code: str
    name: str
    plans: tuple[str, ...] = ()  # plan codes attached at the start of the first month
    regions: tuple[str, ...] = ()
    storage_gb: int = 0  # typical gigabytes stored per region per day
    requests: int = 0  # typical API requests per call of the generator (four a day)
    keys: int = 0
    children: tuple[Customer, ...] = field(default=())


CHILD_STORAGE: dict[str, Any] = dict(regions=("eu",), storage_gb=180, requests=2_500, keys=2)
CUSTOMERS: tuple[Customer, ...] = (
    Customer(
        "northwind",
        "Northwind Traders",
        ("storage-standard", "api-scale"),
        ("eu", "us"),
        900,
        60_000,
        6,
        children=(
            Customer("northwind-eu", "Northwind Traders EU", **CHILD_STORAGE),
            Customer("northwind-us", "Northwind Traders US", regions=("us",), storage_gb=240, requests=4_000, keys=3),
        ),
    ),
    Customer("globex", "Globex Corporation", ("storage-standard", "api-scale"), ("us",), 1_500, 90_000, 12),
    Customer("initech", "Initech", ("storage-standard", "api-starter"), ("us",), 120, 8_000, 2),
    Customer("umbrella", "Umbrella Health", ("storage-standard",), ("eu", "us"), 2_600),
    Customer("hooli", "Hooli", ("api-scale",), requests=150_000, keys=9),
    Customer("stark", "Stark Industries", ("storage-standard", "api-starter"), ("eu",), 60, 3_000, 1),
    Customer("wayne", "Wayne Enterprises", ("api-starter",), requests=20_000, keys=4),
    Customer("soylent", "Soylent", ("storage-standard",), ("eu",), 40),
)
PREPAID = "globex"  # the account with a prepayment commitment
PARENT = "northwind"


def all_customers() -> list[Customer]:
    return [c for parent in CUSTOMERS for c in (parent, *parent.children)]


def account_input(customer: Customer, start: datetime) -> dict[str, Any]:
    """createAccount's input: plans attached from `start`, children nested."""
    data: dict[str, Any] = {
        "code": customer.code,
        "name": customer.name,
        "emailAddress": f"billing@{customer.code}.example",
        "accountPlans": [
            {"planCode": plan, "startDate": start, "childBillingMode": "PARENT_BREAKDOWN"} for plan in customer.plans
        ],
    }
    if customer.children:
        data["children"] = [account_input(child, start) for child in customer.children]
    return data


def _days(first: date, end: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((end - first).days)]


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), UTC).isoformat().replace("+00:00", "Z")


def measurements(first: date, end: date) -> list[dict[str, Any]]:
    """Every measurement of [first, end), in the m3ter wire shape."""
    rng, items = random.Random(SEED), []
    for customer in all_customers():
        for day in _days(first, end):
            growth = 1 + (day - first).days / 120  # a little busier every day
            for region in customer.regions:
                megabytes = round(customer.storage_gb * growth * rng.uniform(0.9, 1.1) * 1000)
                items.append(
                    {
                        "uid": f"{customer.code}-{region}-{day}",
                        "meter": "storage",
                        "account": customer.code,
                        "ts": _at(day, 12),
                        "where": {"region": region},
                        "measure": {"megabytes": megabytes},
                    }
                )
            for call, hour in enumerate((6, 10, 14, 18)) if customer.requests else ():
                requests = round(customer.requests * growth * rng.uniform(0.6, 1.4))
                errors = round(requests * rng.uniform(0, 0.02))
                items.append(
                    {
                        "uid": f"{customer.code}-api-{day}-{call}",
                        "meter": "api",
                        "account": customer.code,
                        "ts": _at(day, hour),
                        "what": {"endpoint": rng.choice(("/v1/search", "/v1/items"))},
                        "measure": {"requests": requests, "errors": errors, "keys": customer.keys},
                    }
                )
    return items
