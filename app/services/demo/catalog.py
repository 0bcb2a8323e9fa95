"""The demo organization's catalog: what a small cloud company sells.

Cloud storage, priced per region (a segmented aggregation) in tiers with a monthly
platform fee; an API, billed on requests that did not fail (a compound aggregation over
two sums), in volume bands on the Starter plan and tiered on Scale, plus API keys in
stairstep bands. Plain data in the shape `catalog.nested.create_product` takes (camelCase,
as the GraphQL input arrives), so the demo goes through the same validation as the API.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

D = Decimal


def band(lower: str, unit: str, fixed: str = "0") -> dict[str, Decimal]:
    return {"lowerLimit": D(lower), "unitPrice": D(unit), "fixedPrice": D(fixed)}


def storage_product(start: datetime) -> dict[str, Any]:
    def regional(region: str, bands: list[dict]) -> dict[str, Any]:
        return {
            "aggregationCode": "storage_gb",
            "segment": {"region": region},
            "startDate": start,
            "cumulative": True,
            "pricingBands": bands,
            "description": f"Storage ({region.upper()})",
        }

    return {
        "code": "cloud-storage",
        "name": "Cloud Storage",
        "meters": [
            {
                "code": "storage",
                "name": "Storage",
                "dataFields": [
                    {"category": "WHERE", "code": "region", "name": "Region"},
                    {"category": "MEASURE", "code": "megabytes", "name": "Megabytes stored", "unit": "MB"},
                ],
                "derivedFields": [
                    {
                        "category": "MEASURE",
                        "code": "gigabytes",
                        "name": "Gigabytes stored",
                        "unit": "GB",
                        "calculation": "megabytes / 1000",
                    }
                ],
                "aggregations": [
                    {
                        "code": "storage_gb",
                        "name": "Storage (GB-days)",
                        "targetField": "gigabytes",
                        "aggregation": "SUM",
                        "unit": "GB-days",
                        "segmentedFields": ["region"],
                        "segments": [{"region": "eu"}, {"region": "us"}],
                    },
                    {
                        "code": "storage_peak_gb",
                        "name": "Peak storage",
                        "targetField": "gigabytes",
                        "aggregation": "MAX",
                        "unit": "GB",
                    },
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "storage-monthly",
                "name": "Storage monthly",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": D("20"),
                "standingChargeDescription": "Storage platform fee",
                "pricings": [
                    regional("eu", [band("0", "0.023"), band("1000", "0.020"), band("10000", "0.015")]),
                    regional("us", [band("0", "0.021"), band("1000", "0.018"), band("10000", "0.013")]),
                ],
                "plans": [{"code": "storage-standard", "name": "Storage Standard"}],
            }
        ],
    }


def api_product(start: datetime) -> dict[str, Any]:
    def priced(bands: list[dict], cumulative: bool) -> dict[str, Any]:
        return {
            "compoundAggregationCode": "billable_requests",
            "startDate": start,
            "cumulative": cumulative,
            "pricingBands": bands,
            "description": "API requests (thousands)",
        }

    keys = {
        "aggregationCode": "api_keys",
        "startDate": start,
        "cumulative": False,
        "description": "API keys",
        "pricingBands": [band("0", "0", "0"), band("3", "0", "15"), band("10", "0", "40")],
    }
    return {
        "code": "api",
        "name": "API",
        "meters": [
            {
                "code": "api",
                "name": "API calls",
                "dataFields": [
                    {"category": "WHAT", "code": "endpoint", "name": "Endpoint"},
                    {"category": "MEASURE", "code": "requests", "name": "Requests"},
                    {"category": "MEASURE", "code": "errors", "name": "Failed requests"},
                    {"category": "MEASURE", "code": "keys", "name": "Active API keys"},
                ],
                "derivedFields": [
                    {
                        "category": "MEASURE",
                        "code": "success_rate",
                        "name": "Success rate",
                        "unit": "%",
                        "calculation": "requests > 0 ? (requests - errors) * 100 / requests : 100",
                    }
                ],
                "aggregations": [
                    {"code": "api_requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"},
                    {"code": "api_errors", "name": "Failed requests", "targetField": "errors", "aggregation": "SUM"},
                    {
                        "code": "api_keys",
                        "name": "API keys",
                        "targetField": "keys",
                        "aggregation": "MAX",
                        "unit": "keys",
                    },
                ],
            }
        ],
        "compoundAggregations": [
            {
                "code": "billable_requests",
                "name": "Billable requests",
                "unit": "thousand requests",
                "calculation": "aggregation.api_requests - aggregation.api_errors",
                "quantityPerUnit": D("1000"),
                "rounding": "UP",
            }
        ],
        "planTemplates": [
            {
                "code": "api-monthly",
                "name": "API monthly",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": D("49"),
                "standingChargeDescription": "API platform fee",
                "plans": [
                    {
                        "code": "api-starter",
                        "name": "API Starter",
                        "pricings": [
                            priced([band("0", "0.50"), band("100", "0.40"), band("1000", "0.30")], False),
                            keys,
                        ],
                    },
                    {
                        "code": "api-scale",
                        "name": "API Scale",
                        "standingCharge": D("199"),
                        "pricings": [
                            priced([band("0", "0.40"), band("500", "0.25"), band("5000", "0.15")], True),
                            keys,
                        ],
                    },
                ],
            }
        ],
    }
