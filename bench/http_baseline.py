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
    metergraph,
    print_result,
    raise_rate_limits,
    requests_per_second,
    scratch_database,
    served_api,
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
        with served_api(env) as base:
            token = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
            raise_rate_limits(base, token)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            requests_per_second(base + "/graphql", method="POST", body=QUERY, headers=headers, seconds=2)  # warm-up
            graphql, graphql_failed = requests_per_second(
                base + "/graphql",
                method="POST",
                body=QUERY,
                headers=headers,
                seconds=args.seconds,
                connections=args.connections,
            )
            health, health_failed = requests_per_second(
                base + "/healthz", seconds=args.seconds, connections=args.connections
            )
    print(f"graphql_query_rps={graphql:.0f} (failed {graphql_failed})")
    print(f"healthz_rps={health:.0f} (failed {health_failed})")
    print(f"graphql_to_healthz_ratio={graphql / health:.2f}")
    print(f"target graphql_query_rps>=4000: {'met' if graphql >= 4000 else 'NOT met'}")
    print_result(
        "http_baseline",
        [
            figure("graphql_query_rps", graphql, ">= 4000", unit="req/s"),
            figure("healthz_rps", health, unit="req/s"),
            figure("graphql_failed", graphql_failed + health_failed, "<= 0"),
        ],
    )


if __name__ == "__main__":
    main()
