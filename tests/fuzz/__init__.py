"""Fuzzing through the public surface: GraphQL documents generated from `schema.graphql`
(hypothesis-graphql) and hostile bodies for the plain routes (hypothesis).

`METERGRAPH_FUZZ_EXAMPLES` sets the examples per fuzz test: small by default so that the
suite stays fast, thousands under `make fuzz`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("METERGRAPH_FUZZ_EXAMPLES", "25"))


def fuzz_settings(examples: int = EXAMPLES) -> settings:
    """No deadline (the machine is shared; tests never assert wall-clock times), no
    example database (each run explores afresh), fixtures shared across examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
