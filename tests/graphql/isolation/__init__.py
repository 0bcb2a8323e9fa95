"""Tables and helpers of `tests/graphql/test_tenant_isolation.py`, split by domain:

- `world`: the two tenants, what tenant A owns (built through the public API) and the
  snapshot of A that no check may change;
- `entities`: the checks generated per configuration kind (list, get by id/code,
  update, delete) from one table;
- `references`: create/update mutations run by B naming A's parents;
- `ingest`: measurements, batches and usage.
"""
