"""Mutations by B whose input names A's things: a parent (createMeter with A's product),
a target (createPricing with A's aggregation, by id or by code), a plan, an account, a
currency code only A has. Each is refused with the exact userErrors the API defines (the
path of the reference, NOT_FOUND; a calculation naming A's aggregation is INVALID, as any
unknown name is), and nothing changes. Codes are unique per organization, so the same
codes as A's are accepted for B, and the new rows are B's (checked in the database).

B's own catalog and account, where a case needs them, come from `World.b_catalog`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from app.models import accounts as acc
from app.models import catalog as cat
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import (
    BAND,
    JAN,
    World,
    accepted,
    account_input,
    global_meter_input,
    product_input,
    refused,
)

Has = dict[str, dict[str, Any]]
Input = Callable[[Has, Has], dict]  # (A's things, B's things) → the input
NOT_FOUND, INVALID = "NOT_FOUND", "INVALID"


@dataclass(frozen=True)
class Mutation:
    input_type: str
    selection: str  # the payload's entity field, e.g. "meter { id }"
    model: type[Model]  # where an accepted input's row must belong to B


MUTATIONS = {
    "createProduct": Mutation("CreateProductInput", "product { id }", cat.Product),
    "updateProduct": Mutation("UpdateProductInput", "product { id }", cat.Product),
    "createMeter": Mutation("CreateMeterInput", "meter { id }", cat.Meter),
    "updateMeter": Mutation("UpdateMeterInput", "meter { id }", cat.Meter),
    "createAggregation": Mutation("CreateAggregationInput", "aggregation { id }", cat.Aggregation),
    "createCompoundAggregation": Mutation(
        "CreateCompoundAggregationInput", "compoundAggregation { id }", cat.CompoundAggregation
    ),
    "updateCompoundAggregation": Mutation(
        "UpdateCompoundAggregationInput", "compoundAggregation { id }", cat.CompoundAggregation
    ),
    "createPlanTemplate": Mutation("CreatePlanTemplateInput", "planTemplate { id }", cat.PlanTemplate),
    "updatePlanTemplate": Mutation("UpdatePlanTemplateInput", "planTemplate { id }", cat.PlanTemplate),
    "createPlan": Mutation("CreatePlanInput", "plan { id }", cat.Plan),
    "updatePlan": Mutation("UpdatePlanInput", "plan { id }", cat.Plan),
    "createPricing": Mutation("CreatePricingInput", "pricing { id }", cat.Pricing),
    "updatePricing": Mutation("UpdatePricingInput", "pricing { id }", cat.Pricing),
    "createAccount": Mutation("CreateAccountInput", "account { id }", acc.Account),
    "updateAccount": Mutation("UpdateAccountInput", "account { id }", acc.Account),
    "createAccountPlan": Mutation("CreateAccountPlanInput", "accountPlan { id }", acc.AccountPlan),
    "replaceAccountPlan": Mutation(
        "ReplaceAccountPlanInput", "endedAccountPlan { id } accountPlan { id }", acc.AccountPlan
    ),
    "createCommitment": Mutation("CreateCommitmentInput", "commitment { id }", acc.Commitment),
    "updateCommitment": Mutation("UpdateCommitmentInput", "commitment { id }", acc.Commitment),
}


@dataclass(frozen=True)
class Case:
    label: str
    input: Input
    errors: tuple[tuple[tuple[str, ...], str], ...] | None  # None: accepted, as B's own
    needs_b: bool = False  # the input names B's own catalog or account


def _id(has: Has, kind: str) -> str:
    return has[kind]["id"]


def _template(**extra: Any) -> dict:
    return {"code": "b-template-2", "name": "B template 2", "currency": "USD", "billFrequency": "MONTHLY", **extra}


def _pricing(**target: Any) -> dict:
    return {"startDate": "2027-01-01T00:00:00+00:00", "pricingBands": BAND, **target}


def _commitment(**extra: Any) -> dict:
    return {"currency": "USD", "amount": "100", "startDate": "2026-01-01", "endDate": "2026-07-01", **extra}


def _account(code: str = "b-account-2", **extra: Any) -> dict:
    return {"code": code, "name": "B account 2", "emailAddress": "two@b.example.com", **extra}


# Every way a pricing names its target, each naming one of A's: (what, input key, value).
TARGETS: list[tuple[str, str, Callable[[Has], Any]]] = [
    ("aggregation", "aggregationId", lambda a: _id(a, "aggregation")),
    ("global aggregation", "aggregationId", lambda a: _id(a, "globalAggregation")),
    ("aggregation by code", "aggregationCode", lambda a: a["aggregation"]["code"]),
    ("global aggregation by code", "aggregationCode", lambda a: a["globalAggregation"]["code"]),
    ("compound aggregation", "compoundAggregationId", lambda a: _id(a, "compoundAggregation")),
    ("compound aggregation by code", "compoundAggregationCode", lambda a: a["compoundAggregation"]["code"]),
]


def _target_cases(
    label: str, build: Callable[[Has, Has, dict], dict], under: tuple[str, ...], needs_b: bool
) -> list[Case]:
    """One case per way of naming A's target: `build(a, b, {key: value})` is the input,
    refused with NOT_FOUND at `under` + the key."""

    def case(what: str, key: str, value: Callable[[Has], Any]) -> Case:
        return Case(
            f"{label} naming A's {what}",
            lambda a, b: build(a, b, {key: value(a)}),
            (((*under, key), NOT_FOUND),),
            needs_b,
        )

    return [case(*target) for target in TARGETS]


CASES: dict[str, list[Case]] = {
    "createProduct": [
        *_target_cases(
            "createProduct",
            lambda a, b, t: {"code": "x", "name": "X", "planTemplates": [_template(pricings=[_pricing(**t)])]},
            ("planTemplates", "0", "pricings", "0"),
            False,
        ),
        *_target_cases(
            "createProduct plan",
            lambda a, b, t: {
                "code": "x",
                "name": "X",
                "planTemplates": [_template(plans=[{"code": "x-plan", "name": "X", "pricings": [_pricing(**t)]}])],
            },
            ("planTemplates", "0", "plans", "0", "pricings", "0"),
            False,
        ),
        Case(
            "compound over A's global aggregation",
            lambda a, b: {
                "code": "x",
                "name": "X",
                "compoundAggregations": [
                    {"code": "x_combo", "name": "X", "calculation": f"aggregation.{a['globalAggregation']['code']} + 1"}
                ],
            },
            ((("compoundAggregations", "0", "calculation"), INVALID),),
        ),
        Case(
            "template in A's currency",
            lambda a, b: {"code": "x", "name": "X", "planTemplates": [_template(currency="EUR2")]},
            ((("planTemplates", "0", "currency"), NOT_FOUND),),
        ),
        Case(
            "plan bespoke to A's account",
            lambda a, b: {
                "code": "x",
                "name": "X",
                "planTemplates": [_template(plans=[{"code": "x-plan", "name": "X", "accountId": _id(a, "account")}])],
            },
            ((("planTemplates", "0", "plans", "0", "accountId"), NOT_FOUND),),
        ),
        # Last: it gives B A's codes.
        Case("A's very codes, as B's own", lambda a, b: product_input("a"), None),
    ],
    "createMeter": [
        Case(
            "of A's product",
            lambda a, b: {**global_meter_input("x"), "productId": _id(a, "product")},
            ((("productId",), NOT_FOUND),),
        ),
        Case("A's codes, as B's own", lambda a, b: global_meter_input("a"), None),
    ],
    "createAggregation": [
        Case(
            "over A's meter",
            lambda a, b: {
                "meterId": _id(a, "meter"),
                "code": "x_gb",
                "name": "X",
                "targetField": "gb",
                "aggregation": "SUM",
            },
            ((("meterId",), NOT_FOUND),),
        ),
        Case(
            "over A's global meter",
            lambda a, b: {
                "meterId": _id(a, "globalMeter"),
                "code": "x_calls",
                "name": "X",
                "targetField": "calls",
                "aggregation": "COUNT",
            },
            ((("meterId",), NOT_FOUND),),
        ),
        Case(
            "A's code over B's meter",
            lambda a, b: {
                "meterId": _id(b, "meter"),
                "code": a["aggregation"]["code"],
                "name": "X",
                "targetField": "gb",
                "aggregation": "MAX",
            },
            None,
            True,
        ),
    ],
    "createCompoundAggregation": [
        Case(
            "over A's global aggregation",
            lambda a, b: {
                "code": "x_combo",
                "name": "X",
                "calculation": f"aggregation.{a['globalAggregation']['code']} * 2",
            },
            ((("calculation",), INVALID),),
        ),
        Case(
            "of A's product over A's aggregation",
            lambda a, b: {
                "productId": _id(a, "product"),
                "code": "x_combo",
                "name": "X",
                "calculation": f"aggregation.{a['aggregation']['code']} * 2",
            },
            # Without a product of B's, only B's global aggregations are usable.
            ((("productId",), NOT_FOUND), (("calculation",), INVALID)),
        ),
        Case(
            "of B's product over A's aggregation",
            lambda a, b: {
                "productId": _id(b, "product"),
                "code": "x_combo",
                "name": "X",
                "calculation": f"aggregation.{a['aggregation']['code']} * 2",
            },
            ((("calculation",), INVALID),),
            True,
        ),
    ],
    "updateCompoundAggregation": [
        Case(
            "B's, over A's aggregation",
            lambda a, b: {
                "id": _id(b, "compoundAggregation"),
                "version": 1,
                "calculation": f"aggregation.{a['aggregation']['code']} * 2",
            },
            ((("calculation",), INVALID),),
            True,
        ),
    ],
    "createPlanTemplate": [
        Case("of A's product", lambda a, b: _template(productId=_id(a, "product")), ((("productId",), NOT_FOUND),)),
        Case(
            "B's, in A's currency",
            lambda a, b: _template(productId=_id(b, "product"), currency="EUR2"),
            ((("currency",), NOT_FOUND),),
            True,
        ),
        *_target_cases(
            "createPlanTemplate",
            lambda a, b, t: _template(productId=_id(b, "product"), pricings=[_pricing(**t)]),
            ("pricings", "0"),
            True,
        ),
        Case(
            "B's, with a plan bespoke to A's account",
            lambda a, b: _template(
                productId=_id(b, "product"), plans=[{"code": "x-plan", "name": "X", "accountId": _id(a, "account")}]
            ),
            ((("plans", "0", "accountId"), NOT_FOUND),),
            True,
        ),
        Case(
            "A's code, as B's own",
            lambda a, b: _template(productId=_id(b, "product"), code=a["planTemplate"]["code"]),
            None,
            True,
        ),
    ],
    "updatePlanTemplate": [
        Case(
            "B's, to A's currency",
            lambda a, b: {"id": _id(b, "planTemplate"), "version": 1, "currency": "EUR2"},
            ((("currency",), NOT_FOUND),),
            True,
        ),
    ],
    "createPlan": [
        Case(
            "of A's template",
            lambda a, b: {"planTemplateId": _id(a, "planTemplate"), "code": "x-plan", "name": "X"},
            ((("planTemplateId",), NOT_FOUND),),
        ),
        Case(
            "of B's template, bespoke to A's account",
            lambda a, b: {
                "planTemplateId": _id(b, "planTemplate"),
                "code": "x-plan",
                "name": "X",
                "accountId": _id(a, "account"),
            },
            ((("accountId",), NOT_FOUND),),
            True,
        ),
        *_target_cases(
            "createPlan",
            lambda a, b, t: {
                "planTemplateId": _id(b, "planTemplate"),
                "code": "x-plan",
                "name": "X",
                "pricings": [_pricing(**t)],
            },
            ("pricings", "0"),
            True,
        ),
        Case(
            "A's code, as B's own",
            lambda a, b: {"planTemplateId": _id(b, "planTemplate"), "code": a["plan"]["code"], "name": "X"},
            None,
            True,
        ),
    ],
    "updatePlan": [
        Case(
            "B's, bespoke to A's account",
            lambda a, b: {"id": _id(b, "sparePlan"), "version": 1, "accountId": _id(a, "account")},
            ((("accountId",), NOT_FOUND),),
            True,
        ),
    ],
    "createPricing": [
        Case(
            "of A's plan",
            lambda a, b: _pricing(planId=_id(a, "plan"), aggregationCode="b_gb"),
            ((("planId",), NOT_FOUND),),
            True,
        ),
        Case(
            "of A's template",
            lambda a, b: _pricing(planTemplateId=_id(a, "planTemplate"), aggregationCode="b_gb"),
            ((("planTemplateId",), NOT_FOUND),),
            True,
        ),
        Case(
            "of A's plan for A's aggregation",
            lambda a, b: _pricing(planId=_id(a, "plan"), aggregationId=_id(a, "aggregation")),
            ((("planId",), NOT_FOUND), (("aggregationId",), NOT_FOUND)),
        ),
        *_target_cases("createPricing (plan)", lambda a, b, t: _pricing(planId=_id(b, "plan"), **t), (), True),
        *_target_cases(
            "createPricing (template)", lambda a, b, t: _pricing(planTemplateId=_id(b, "planTemplate"), **t), (), True
        ),
        Case(
            "A's code, as B's own",
            lambda a, b: _pricing(planId=_id(b, "plan"), aggregationCode="b_gb", code=a["pricing"]["code"]),
            None,
            True,
        ),
    ],
    "updatePricing": [
        *_target_cases("updatePricing", lambda a, b, t: {"id": _id(b, "pricing"), "version": 1, **t}, (), True),
    ],
    "createAccount": [
        Case(
            "child of A's account",
            lambda a, b: _account(parentAccountId=_id(a, "account")),
            ((("parentAccountId",), NOT_FOUND),),
        ),
        Case(
            "child of A's child account",
            lambda a, b: _account(parentAccountId=_id(a, "childAccount")),
            ((("parentAccountId",), NOT_FOUND),),
        ),
        Case("in A's currency", lambda a, b: _account(currency="EUR2"), ((("currency",), NOT_FOUND),)),
        Case(
            "on A's plan by code",
            lambda a, b: _account(accountPlans=[{"planCode": a["plan"]["code"], "startDate": JAN}]),
            ((("accountPlans", "0", "planCode"), NOT_FOUND),),
        ),
        Case(
            "on A's plan by id",
            lambda a, b: _account(accountPlans=[{"planId": _id(a, "plan"), "startDate": JAN}]),
            ((("accountPlans", "0", "planId"), NOT_FOUND),),
        ),
        Case(
            "child on A's plan",
            lambda a, b: _account(
                children=[_account("b-kid", accountPlans=[{"planCode": a["plan"]["code"], "startDate": JAN}])]
            ),
            ((("children", "0", "accountPlans", "0", "planCode"), NOT_FOUND),),
        ),
        Case(
            "committed to A's product",
            lambda a, b: _account(commitments=[_commitment(productIds=[_id(a, "product")])]),
            ((("commitments", "0", "productIds", "0"), NOT_FOUND),),
        ),
        Case(
            "fees on A's plan",
            lambda a, b: _account(commitments=[_commitment(billingPlanId=_id(a, "plan"))]),
            ((("commitments", "0", "billingPlanId"), NOT_FOUND),),
        ),
        Case(
            "A's codes, as B's own",
            lambda a, b: (
                {k: v for k, v in account_input("a", b).items() if k != "commitments"}
                | {"accountPlans": [{"planCode": "b-plan", "startDate": JAN, "code": "a-account-plan"}]}
            ),
            None,
            True,
        ),
    ],
    "updateAccount": [
        Case(
            "B's child under A's account",
            lambda a, b: {"id": _id(b, "childAccount"), "version": 1, "parentAccountId": _id(a, "account")},
            ((("parentAccountId",), NOT_FOUND),),
            True,
        ),
        Case(
            "B's, to A's currency",
            lambda a, b: {"id": _id(b, "account"), "version": 1, "currency": "EUR2"},
            ((("currency",), NOT_FOUND),),
            True,
        ),
    ],
    "createAccountPlan": [
        Case(
            "to A's account",
            lambda a, b: {
                "accountId": _id(a, "account"),
                "planId": _id(b, "plan"),
                "startDate": "2030-01-01T00:00:00Z",
            },
            ((("accountId",), NOT_FOUND),),
            True,
        ),
        Case(
            "of A's plan by id",
            lambda a, b: {"accountId": _id(b, "childAccount"), "planId": _id(a, "plan"), "startDate": JAN},
            ((("planId",), NOT_FOUND),),
            True,
        ),
        Case(
            "of A's plan by code",
            lambda a, b: {"accountId": _id(b, "childAccount"), "planCode": a["plan"]["code"], "startDate": JAN},
            ((("planCode",), NOT_FOUND),),
            True,
        ),
        Case(
            "A's code, as B's own",
            lambda a, b: {
                "accountId": _id(b, "childAccount"),
                "planId": _id(b, "plan"),
                "startDate": JAN,
                "code": a["accountPlan"]["code"] + "-2",
            },
            None,
            True,
        ),
    ],
    "replaceAccountPlan": [
        Case(
            "B's, by A's plan id",
            lambda a, b: {
                "accountPlanId": _id(b, "accountPlan"),
                "version": 1,
                "date": FEB_B,
                "planId": _id(a, "plan"),
            },
            ((("planId",), NOT_FOUND),),
            True,
        ),
        Case(
            "B's, by A's plan code",
            lambda a, b: {
                "accountPlanId": _id(b, "accountPlan"),
                "version": 1,
                "date": FEB_B,
                "planCode": a["plan"]["code"],
            },
            ((("planCode",), NOT_FOUND),),
            True,
        ),
    ],
    "createCommitment": [
        Case(
            "of A's account",
            lambda a, b: {"accountId": _id(a, "account"), **_commitment()},
            ((("accountId",), NOT_FOUND),),
        ),
        Case(
            "B's, on A's product",
            lambda a, b: {
                "accountId": _id(b, "account"),
                **_commitment(productIds=[_id(b, "product"), _id(a, "product")]),
            },
            ((("productIds", "1"), NOT_FOUND),),
            True,
        ),
        Case(
            "B's, fees on A's plan",
            lambda a, b: {"accountId": _id(b, "account"), **_commitment(billingPlanId=_id(a, "plan"))},
            ((("billingPlanId",), NOT_FOUND),),
            True,
        ),
        Case(
            "B's, in A's currency",
            lambda a, b: {"accountId": _id(b, "account"), **_commitment(currency="EUR2")},
            ((("currency",), NOT_FOUND),),
            True,
        ),
    ],
    "updateCommitment": [
        Case(
            "B's, on A's product",
            lambda a, b: {"id": _id(b, "commitment"), "version": 1, "productIds": [_id(a, "product")]},
            ((("productIds", "0"), NOT_FOUND),),
            True,
        ),
        Case(
            "B's, fees on A's plan",
            lambda a, b: {"id": _id(b, "commitment"), "version": 1, "billingPlanId": _id(a, "plan")},
            ((("billingPlanId",), NOT_FOUND),),
            True,
        ),
    ],
    "updateProduct": [
        Case(
            "B's, to A's code",
            lambda a, b: {"id": _id(b, "product"), "version": 1, "code": a["product"]["code"]},
            None,
            True,
        ),
    ],
    "updateMeter": [
        Case(
            "B's, to A's code",
            lambda a, b: {"id": _id(b, "meter"), "version": 1, "code": a["meter"]["code"]},
            None,
            True,
        ),
    ],
}
FEB_B = "2026-02-01T00:00:00+00:00"


def cases_check(name: str) -> Check:
    mutation = MUTATIONS[name]

    async def check(w: World) -> None:
        for case in CASES[name]:
            b_has = await w.b_catalog() if case.needs_b else {}
            payload = await w.b_run(name, mutation.input_type, mutation.selection, case.input(w.a_has, b_has))
            if case.errors is None:
                accepted(payload)
                await _owned_by_b(w, mutation.model, payload, case.label)
            else:
                try:
                    refused(payload, *case.errors)
                except AssertionError as exc:
                    raise AssertionError(f"{name}: {case.label}: {exc}") from None

    check.__name__ = f"m_{name}_naming_a"
    return check


async def _owned_by_b(w: World, model: type[Model], payload: dict, label: str) -> None:
    entities = [v for k, v in payload.items() if k != "userErrors"]
    assert entities and all(entities), (label, payload)
    a_ids = {e["id"] for e in w.a_has.values()}
    for entity in entities:
        assert entity["id"] not in a_ids, (label, entity)
        row = await model.get(id=entity["id"])
        assert str(row.organization_id) == w.ids["b_org"], (label, entity)


def generated() -> dict[str, dict[str, Check]]:
    return {"Query": {}, "Mutation": {name: cases_check(name) for name in CASES}}
