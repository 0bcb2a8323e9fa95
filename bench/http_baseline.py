"""HTTP baseline: requests/s of an authenticated trivial GraphQL query and of `/healthz`
on one uvicorn worker, in the same run, with their ratio.

Target (issue #18): the GraphQL query sustains ≥ 4,000 requests/s on one process (the
first round asked 1,000, which needed the parser and validation caches working).

    .venv/bin/python bench/http_baseline.py [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import tempfile

from _harness import (
    client_token,
    env_for,
    figure,
    full_mode,
    load,
    metergraph,
    print_result,
    raise_rate_limits,
    scratch_database,
    served_api_process,
    services,
)

QUERY = json.dumps({"query": "{ me { organizationId principalType } }"}).encode()


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--seconds", type=float, default=10.0 if full_mode() else 5.0)
    options.add_argument("--connections", type=int, default=16)
    args = options.parse_args()
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        env = env_for(database_url, redis_url, data)
        metergraph("migrate", env=env)
        credentials = json.loads(metergraph("bootstrap", "--org", "Bench", env=env))
        with served_api_process(env) as (base, server):
            token = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
            raise_rate_limits(base, token)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            post = {"method": "POST", "body": QUERY, "headers": headers}
            load(base + "/graphql", **post, seconds=2)  # warm-up
            timed = {"seconds": args.seconds, "connections": args.connections, "server_pid": server.pid}
            graphql = load(base + "/graphql", **post, **timed)
            health = load(base + "/healthz", **timed)
    for name, run in (("graphql_query", graphql), ("healthz", health)):
        print(f"{name}_rps={run.per_second:.0f} (failed {run.failed})")
        # Per request, whatever else the machine runs: what a quiet core would serve.
        if run.server_cpu_us_per_request:
            print(
                f"  server CPU {run.server_cpu_us_per_request:.0f} us/request "
                f"({1e6 / run.server_cpu_us_per_request:.0f} requests per CPU second); "
                f"load generator busy {run.client_cpu_share:.0%} of its core"
            )
    print(f"graphql_to_healthz_ratio={graphql.per_second / health.per_second:.2f}")
    print(f"target graphql_query_rps>=4000: {'met' if graphql.per_second >= 4000 else 'NOT met'}")
    print_result(
        "http_baseline",
        [
            figure("graphql_query_rps", graphql.per_second, ">= 4000", unit="req/s"),
            figure("healthz_rps", health.per_second, unit="req/s"),
            figure("graphql_failed", graphql.failed + health.failed, "<= 0"),
            figure("graphql_server_cpu_us", graphql.server_cpu_us_per_request or 0.0, unit="us/req"),
            figure("load_generator_busy", graphql.client_cpu_share),
        ],
    )


if __name__ == "__main__":
    main()
