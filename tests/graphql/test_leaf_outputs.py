"""Leaf outputs worked out when a selection is planned (app.graphql.execution_plans): a
Decimal's text and an enum member's name, the same as the leaf types' own coercion."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql import execution_plans
from app.graphql.compiled_execution import CompiledExecutionContext
from app.graphql.plain_leaves import mark_plain_leaves
from app.graphql.scalars import SCALAR_OVERRIDES


@strawberry.enum
class Shade(Enum):
    LIGHT = "light"
    DARK = "dark"
    NAMED = strawberry.enum_value("n", name="SPECIAL")


class Amount(Decimal):
    """Not a Decimal exactly: coerced per call."""


@strawberry.type
class Swatch:
    shade: Shade
    shade_or_none: Shade | None
    amount: Decimal
    amount_or_none: Decimal | None


SWATCHES = [
    Swatch(shade=Shade.LIGHT, shade_or_none=None, amount=Decimal("0.150"), amount_or_none=Decimal("1E+2")),
    Swatch(shade=Shade.NAMED, shade_or_none=Shade.DARK, amount=Amount("2.5"), amount_or_none=None),
    Swatch(shade="dark", shade_or_none="nope", amount=Decimal("-0"), amount_or_none=Decimal("NaN")),  # type: ignore[arg-type]
]


@strawberry.type
class Query:
    @strawberry.field
    def swatches(self) -> list[Swatch | None]:
        return list(SWATCHES)


def _schema(execution_context_class: type) -> strawberry.Schema:
    built = strawberry.Schema(
        query=Query, execution_context_class=execution_context_class, scalar_overrides=SCALAR_OVERRIDES
    )
    mark_plain_leaves(built._schema)
    return built


async def test_leaf_outputs_are_the_coercions_answers():
    query = "{ swatches { shade shadeOrNone amount amountOrNone } }"
    compiled = await _schema(CompiledExecutionContext).execute(query)
    general = await _schema(StrawberryGraphQLCoreExecutionContext).execute(query)
    assert json.dumps(compiled.data) == json.dumps(general.data)
    assert [(e.message, e.path) for e in compiled.errors or ()] == [(e.message, e.path) for e in general.errors or ()]
    assert compiled.data["swatches"][:2] == [
        {"shade": "LIGHT", "shadeOrNone": None, "amount": "0.150", "amountOrNone": "1E+2"},
        {"shade": "SPECIAL", "shadeOrNone": "DARK", "amount": "2.5", "amountOrNone": None},
    ]


def test_the_outputs_are_planned_for_enums_and_decimals():
    built = _schema(CompiledExecutionContext)._schema
    swatch = built.type_map["Swatch"]
    plans = {}
    for name in ("shade", "amount"):
        plan = execution_plans.FieldPlan(name, execution_plans.LEAF, swatch, None)
        execution_plans._plan_output(plan, swatch.fields[name].extensions[execution_plans.PLAIN_LEAF])  # noqa: SLF001
        plans[name] = plan
    assert plans["shade"].enum_class is Shade and set(plans["shade"].enum_names.values()) == {
        "LIGHT",
        "DARK",
        "SPECIAL",
    }
    assert plans["amount"].str_of is Decimal and plans["amount"].enum_class is None
