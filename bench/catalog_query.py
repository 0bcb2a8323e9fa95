"""Catalog read benchmark: the full nested catalog query over 20 products × 10 meters ×
5 aggregations, 2 plan templates × 3 plans each, with pricings.

Prints the p50 and p90 of 50 runs and the number of SQL statements one run sends.
Targets (issue #18): statements ≤ one per nesting level; p50 ≤ 50 ms.

The query runs in-process through the ASGI app (HTTP parsing, GraphQL validation and
execution, DataLoaders, PostgreSQL round trips, JSON serialisation), without the network
hop, so that the statements it sends can be counted.

    .venv/bin/python bench/catalog_query.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _harness import SECRET_KEY, figure, print_result, scratch_database, services  # noqa: E402

PRODUCTS, METERS, AGGREGATIONS, TEMPLATES, PLANS = 20, 10, 5, 2, 3
QUERY = """{ products(first: 100) { nodes { code
  meters(first: 100) { nodes { code dataFields { code }
    aggregations(first: 100) { nodes { code aggregation quantityPerUnit
    pricings { nodes { id pricingBands { lowerLimit unitPrice } } } } } } }
  planTemplates { nodes { code currency billFrequency
    pricings { nodes { id aggregation { code } pricingBands { lowerLimit unitPrice fixedPrice } } }
    plans { nodes { code standingCharge pricings { nodes { id aggregation { code } } } } } } }
} } }"""
# products, meters, aggregations, aggregation pricings, templates, template pricings, their
# aggregations, plans, plan pricings, their aggregations.
LEVELS = 10


def product_input(p: int) -> dict:
    band = [{"lowerLimit": "0", "unitPrice": "0.15"}, {"lowerLimit": "500", "unitPrice": "0.10"}]
    meters = [
        {
            "code": f"p{p}-m{m}",
            "name": f"Meter {m}",
            "dataFields": [{"category": "MEASURE", "code": f"f{i}", "name": f"F{i}"} for i in range(AGGREGATIONS)],
            "aggregations": [
                {"code": f"p{p}_m{m}_a{a}", "name": f"A{a}", "targetField": f"f{a}", "aggregation": "SUM"}
                for a in range(AGGREGATIONS)
            ],
        }
        for m in range(METERS)
    ]

    def pricing(code: str) -> dict:
        return {"aggregationCode": code, "startDate": "2026-01-01T00:00:00Z", "pricingBands": band}

    templates = [
        {
            "code": f"p{p}-t{t}",
            "name": f"T{t}",
            "currency": "USD",
            "billFrequency": "MONTHLY",
            "pricings": [pricing(f"p{p}_m{t}_a{a}") for a in range(AGGREGATIONS)],
            "plans": [
                {
                    "code": f"p{p}-t{t}-plan{k}",
                    "name": f"Plan {k}",
                    "pricings": [pricing(f"p{p}_m{t}_a{a}") for a in range(2)],
                }
                for k in range(PLANS)
            ],
        }
        for t in range(TEMPLATES)
    ]
    return {"code": f"p{p}", "name": f"Product {p}", "meters": meters, "planTemplates": templates}


async def run(database_url: str, redis_url: str, data_dir: Path) -> None:
    import httpx

    from app.db import count_statements, run_migrations
    from app.main import create_app
    from app.services.organizations import bootstrap_organization
    from app.settings import Settings, use_settings

    settings = Settings(database_url=database_url, redis_url=redis_url, secret_key=SECRET_KEY, data_dir=data_dir)
    use_settings(settings)
    await run_migrations(database_url)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        credentials = (await bootstrap_organization("Bench")).as_json()
        token = (
            await client.post(
                "/oauth/token",
                auth=(credentials["accessKeyId"], credentials["apiSecret"]),
                data={"grant_type": "client_credentials"},
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        create = "mutation($i: CreateProductInput!) { createProduct(input: $i) { userErrors { field message } } }"
        for p in range(PRODUCTS):
            result = (
                await client.post(
                    "/graphql", json={"query": create, "variables": {"i": product_input(p)}}, headers=headers
                )
            ).json()
            assert result["data"]["createProduct"]["userErrors"] == [], result
        timings, cpu = [], []
        for _ in range(5):  # warm-up: caches, connection pool
            await client.post("/graphql", json={"query": QUERY}, headers=headers)
        for _ in range(50):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = await client.post("/graphql", json={"query": QUERY}, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            # This process's CPU time (PostgreSQL's excluded): less at the mercy of other load.
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert "errors" not in response.json()
        with count_statements() as counter:
            body = (await client.post("/graphql", json={"query": QUERY}, headers=headers)).json()
    nodes = body["data"]["products"]["nodes"]
    aggregations = sum(len(m["aggregations"]["nodes"]) for p in nodes for m in p["meters"]["nodes"])
    pricings = sum(
        len(t["pricings"]["nodes"]) + sum(len(pl["pricings"]["nodes"]) for pl in t["plans"]["nodes"])
        for p in nodes
        for t in p["planTemplates"]["nodes"]
    )
    print(
        f"catalog: {len(nodes)} products, {aggregations} aggregations, {pricings} pricings in the response "
        f"({len(response.content)} bytes)"
    )
    print(f"p50_ms={statistics.median(timings):.1f} p90_ms={statistics.quantiles(timings, n=10)[-1]:.1f}")
    print(f"python_cpu_p50_ms={statistics.median(cpu):.1f} (the API's own CPU time per request)")
    print(f"sql_statements={len(counter.statements)} nesting_levels={LEVELS}")
    print(
        f"target p50<=50ms: {'met' if statistics.median(timings) <= 50 else 'NOT met'}; "
        f"statements<=levels: {'met' if len(counter.statements) <= LEVELS else 'NOT met'}"
    )
    print_result(
        "catalog_query",
        [
            figure("p50_ms", statistics.median(timings), "<= 50", unit="ms"),
            figure("p90_ms", statistics.quantiles(timings, n=10)[-1], unit="ms"),
            figure("python_cpu_p50_ms", statistics.median(cpu), unit="ms"),
            figure("sql_statements", len(counter.statements), f"<= {LEVELS}"),
        ],
    )


def main() -> None:
    import tempfile

    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        asyncio.run(run(database_url, redis_url, Path(data)))


if __name__ == "__main__":
    main()
