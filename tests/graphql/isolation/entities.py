"""Checks generated per configuration kind from one table (`KINDS`).

For each kind that A owns one of:
- the list query, plain and with every filter naming A's entity (ids, codes, parents),
  shows B nothing, while the same query shows A its entity (so the check can fail);
- the get-by-id, get-by-code, both, and the id in another spelling answer null to B and
  the entity to A;
- update and delete naming A's entity, at its current version, answer NOT_FOUND at
  `input.id` and change nothing (the snapshot proves it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tests.graphql.isolation.world import World, not_found

Check = Callable[[World], Awaitable[None]]


@dataclass(frozen=True)
class Kind:
    key: str  # World.a_has key, and the GraphQL name of the one-item query
    many: str  # the list query
    type_name: str  # `UpdateXInput`, `updateX`, `deleteX`
    change: dict  # what B's update tries to change
    # Filters of the list query naming A's things: GraphQL argument text with {kind}
    # placeholders replaced by the id of A's entity of that kind.
    filters: tuple[str, ...] = ()
    payload: str = ""  # payload field of the update (default: key)


def _filter(template: str, w: World) -> str:
    return template.format(**{kind: entity["id"] for kind, entity in w.a_has.items()})


KINDS = [
    Kind("product", "products", "Product", {"name": "hijacked"}),
    Kind("meter", "meters", "Meter", {"name": "hijacked"}, ('filter: {{productId: "{product}"}}',)),
    Kind(
        "aggregation",
        "aggregations",
        "Aggregation",
        {"name": "hijacked", "quantityPerUnit": "1000"},
        ('meterId: "{meter}"', 'filter: {{productId: "{product}"}}', "filter: {{globalOnly: false}}"),
    ),
    Kind(
        "compoundAggregation",
        "compoundAggregations",
        "CompoundAggregation",
        {"calculation": "aggregation.a_gb * 3"},
        ('filter: {{productId: "{product}"}}',),
    ),
    Kind(
        "planTemplate",
        "planTemplates",
        "PlanTemplate",
        {"standingCharge": "999"},
        ('filter: {{productId: "{product}"}}',),
    ),
    Kind(
        "plan",
        "plans",
        "Plan",
        {"standingCharge": "999"},
        (
            'filter: {{planTemplateId: "{planTemplate}"}}',
            'filter: {{productId: "{product}"}}',
            'filter: {{accountId: "{account}"}}',
        ),
    ),
    Kind(
        "pricing",
        "pricings",
        "Pricing",
        {"pricingBands": [{"lowerLimit": "0", "unitPrice": "999"}]},
        (
            'filter: {{planId: "{plan}"}}',
            'filter: {{planTemplateId: "{planTemplate}"}}',
            'filter: {{aggregationId: "{aggregation}"}}',
            'filter: {{compoundAggregationId: "{compoundAggregation}"}}',
            'filter: {{productId: "{product}"}}',
        ),
    ),
    Kind("counter", "counters", "Counter", {"name": "hijacked"}, ('filter: {{productId: "{product}"}}',)),
    Kind(
        "counterPricing",
        "counterPricings",
        "CounterPricing",
        {"pricingBands": [{"lowerLimit": "0", "unitPrice": "999"}]},
        ('filter: {{planId: "{plan}"}}', 'filter: {{counterId: "{counter}"}}'),
    ),
    Kind(
        "account",
        "accounts",
        "Account",
        {"name": "hijacked", "emailAddress": "thief@b.example.com"},
        ('filter: {{parentAccountId: "{account}"}}', "filter: {{hasParent: true}}"),
    ),
    Kind(
        "accountPlan",
        "accountPlans",
        "AccountPlan",
        {"endDate": "2026-01-15T00:00:00+00:00"},
        (
            'filter: {{accountId: "{account}"}}',
            'filter: {{planId: "{plan}"}}',
            'filter: {{productId: "{product}"}}',
            'filter: {{activeAt: "2026-01-20T00:00:00+00:00"}}',
        ),
    ),
    Kind(
        "commitment",
        "commitments",
        "Commitment",
        {"amount": "1"},
        ('filter: {{accountId: "{account}"}}', 'filter: {{activeOn: "2026-06-01"}}'),
    ),
    Kind(
        "balance",
        "balances",
        "Balance",
        {"name": "hijacked", "overageSurchargePercent": "50"},
        ('filter: {{accountId: "{account}"}}', 'filter: {{activeAt: "2099-06-01T00:00:00+00:00"}}'),
    ),
    Kind("transactionType", "transactionTypes", "TransactionType", {"name": "hijacked"}),
    Kind(
        "charge",
        "charges",
        "Charge",
        {"amount": "999"},
        (
            'filter: {{accountId: "{account}"}}',
            'filter: {{billId: "{bill}"}}',
            'filter: {{billDateFrom: "2026-01-01"}}',
        ),
    ),
    Kind("planGroup", "planGroups", "PlanGroup", {"minimumSpend": "999"}, ('filter: {{accountId: "{account}"}}',)),
]


def list_check(kind: Kind) -> Check:
    async def check(w: World) -> None:
        mine = w.a_has[kind.key]
        naming_it = ["", f'filter: {{ids: ["{mine["id"]}"]}}', f'filter: {{codes: ["{mine["code"]}"]}}']
        for args in [*naming_it, *(_filter(f, w) for f in kind.filters)]:
            query = f"{{ {kind.many}(first: 100{', ' if args else ''}{args}) {{ totalCount nodes {{ id code }} }} }}"
            a_sees = (await w.as_a(query))[kind.many]
            # The same query finds A's entity (or, for a parent filter, A's entities under it).
            assert a_sees["totalCount"] > 0 and (
                args not in naming_it or mine["id"] in {n["id"] for n in a_sees["nodes"]}
            ), (query, a_sees)
            b_sees = (await w.as_b(query))[kind.many]
            assert b_sees == {"totalCount": 0, "nodes": []}, (query, b_sees)

    check.__name__ = f"q_{kind.many}"
    return check


def one_check(kind: Kind) -> Check:
    async def check(w: World) -> None:
        mine = w.a_has[kind.key]
        spellings = [
            f'id: "{mine["id"]}"',
            f'id: "{mine["id"].upper()}"',
            f'id: "{mine["id"].replace("-", "")}"',
            f'code: "{mine["code"]}"',
            f'id: "{mine["id"]}", code: "{mine["code"]}"',
        ]
        for args in spellings:
            query = f"{{ {kind.key}({args}) {{ id code version }} }}"
            assert (await w.as_a(query))[kind.key] == {
                "id": mine["id"],
                "code": mine["code"],
                "version": mine["version"],
            }, query
            assert (await w.as_b(query))[kind.key] is None, query

    check.__name__ = f"q_{kind.key}"
    return check


def update_check(kind: Kind) -> Check:
    async def check(w: World) -> None:
        mine = w.a_has[kind.key]
        name = f"update{kind.type_name}"
        payload = await w.b_run(
            name,
            f"Update{kind.type_name}Input",
            f"{kind.payload or kind.key} {{ id version }}",
            {"id": mine["id"], "version": mine["version"], **kind.change},
        )
        not_found(payload, "id")

    check.__name__ = f"m_update_{kind.key}"
    return check


def delete_check(kind: Kind) -> Check:
    async def check(w: World) -> None:
        mine = w.a_has[kind.key]
        name = f"delete{kind.type_name}"
        payload = await w.b_run(name, "DeleteInput", "deletedId", {"id": mine["id"], "version": mine["version"]})
        not_found(payload, "id")

    check.__name__ = f"m_delete_{kind.key}"
    return check


def generated() -> dict[str, dict[str, Check]]:
    queries: dict[str, Check] = {}
    mutations: dict[str, Check] = {}
    for kind in KINDS:
        queries[kind.many] = list_check(kind)
        queries[kind.key] = one_check(kind)
        mutations[f"update{kind.type_name}"] = update_check(kind)
        mutations[f"delete{kind.type_name}"] = delete_check(kind)
    return {"Query": queries, "Mutation": mutations}


def both(*checks: Check) -> Check:
    """One check running several in turn."""

    async def check(w: World) -> None:
        for each in checks:
            await each(w)

    check.__name__ = "+".join(c.__name__ for c in checks)
    return check
