"""What an organization can actually return, for the query cost's second pass (`cost`):
a root list at most its row count (capped past a full page), a nested list at most its
largest fan-out in the organization. One SQL statement reads the figures for the lists a
query names; only catalog and account configuration lists are here (the usage-sized
lists, bills' line items, keep their `first`).
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from app.graphql.pagination import MAX_PAGE
from app.models import access, accounts, billing, catalog, organization

# Opens the statement that reads list sizes, so that statement counts can tell it apart.
SIZES_TAG = "/* query cost: list sizes */"

# The lists whose real sizes the second pass may read: root lists by capped row count,
# nested lists by their largest fan-out in the organization (catalog and account
# configuration; the usage-sized lists, bills and line items, keep `first`).
ROOT_LISTS: dict[str, type[Model]] = {
    "currencies": organization.Currency,
    "users": access.User,
    "serviceUsers": access.ServiceUser,
    "permissionPolicies": access.PermissionPolicy,
    "products": catalog.Product,
    "meters": catalog.Meter,
    "aggregations": catalog.Aggregation,
    "compoundAggregations": catalog.CompoundAggregation,
    "planTemplates": catalog.PlanTemplate,
    "plans": catalog.Plan,
    "pricings": catalog.Pricing,
    "accounts": accounts.Account,
    "accountPlans": accounts.AccountPlan,
    "commitments": accounts.Commitment,
    "bills": billing.Bill,
    "billJobs": billing.BillJob,
}
NESTED_LISTS: dict[tuple[str, str], tuple[type[Model], str]] = {
    ("Product", "meters"): (catalog.Meter, "product_id"),
    ("Product", "aggregations"): (catalog.Aggregation, "product_id"),
    ("Product", "compoundAggregations"): (catalog.CompoundAggregation, "product_id"),
    ("Product", "planTemplates"): (catalog.PlanTemplate, "product_id"),
    ("Product", "plans"): (catalog.Plan, "product_id"),
    ("Meter", "aggregations"): (catalog.Aggregation, "meter_id"),
    ("Aggregation", "pricings"): (catalog.Pricing, "aggregation_id"),
    ("CompoundAggregation", "pricings"): (catalog.Pricing, "compound_aggregation_id"),
    ("PlanTemplate", "plans"): (catalog.Plan, "plan_template_id"),
    ("PlanTemplate", "pricings"): (catalog.Pricing, "plan_template_id"),
    ("Plan", "pricings"): (catalog.Pricing, "plan_id"),
    ("Account", "children"): (accounts.Account, "parent_account_id"),
    ("Account", "accountPlans"): (accounts.AccountPlan, "account_id"),
    ("Account", "commitments"): (accounts.Commitment, "account_id"),
    ("ServiceUser", "accessKeys"): (access.AccessKey, "service_user_id"),
}


async def read_sizes(organization_id: Any, named: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(parent type, field) → the most items that list can hold in the organization, in
    one statement, for the lists of `named` that have a known table."""
    parts, keys = [], []
    for key in sorted(named):
        sql = _size_sql(key)
        if sql is not None:
            parts.append(f"SELECT {len(keys)} AS k, ({sql}) AS n")
            keys.append(key)
    if not parts:
        return {}
    sql = SIZES_TAG + " " + " UNION ALL ".join(parts)
    _, rows = await catalog.Product._meta.db.execute_query(sql, [organization_id])
    return {keys[row["k"]]: int(row["n"] or 0) for row in rows}


def _size_sql(key: tuple[str, str]) -> str | None:
    parent, field = key
    if parent == "Query":
        model = ROOT_LISTS.get(field)
        if model is None:
            return None
        # Capped: counting stops past a full page, however big the table.
        return (
            f'SELECT count(*) FROM (SELECT 1 FROM "{model._meta.db_table}" '
            f'WHERE "organization_id"=$1 LIMIT {MAX_PAGE + 1}) s'
        )
    nested = NESTED_LISTS.get(key)
    if nested is None:
        return None
    model, column = nested
    return (
        f'SELECT max(c) FROM (SELECT count(*) c FROM "{model._meta.db_table}" '
        f'WHERE "organization_id"=$1 AND "{column}" IS NOT NULL GROUP BY "{column}") s'
    )
