"""Execution through per-request plans (app.graphql.compiled_execution): the same data and
the same errors, at the same paths, as graphql-core's general execution, whatever a
resolver returns or raises."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from app.graphql import execution_plans
from app.graphql.compiled_execution import CompiledExecutionContext
from app.graphql.plain_leaves import is_sync, mark_plain_leaves
from app.graphql.schema import schema as served


@strawberry.type
class Leaf:
    name: str
    label: str | None = None


async def _leaf_later(name: str | None) -> Leaf:
    await asyncio.sleep(0)
    return Leaf(name=name)  # type: ignore[arg-type]


@strawberry.type
class Item:
    name: str
    children: list[Leaf]
    maybe_children: list[Leaf | None] | None
    child: Leaf | None
    required_child: Leaf

    @strawberry.field
    def pick(self, first: int = 1, word: str | None = None) -> list[Leaf]:
        return [Leaf(name=f"{c.name}:{word}") for c in self.children[:first]]

    @strawberry.field
    def boom(self) -> Leaf | None:
        raise ValueError(f"boom {self.name}")

    @strawberry.field
    def required_boom(self) -> Leaf:
        raise ValueError(f"required boom {self.name}")

    @strawberry.field
    async def later(self) -> Leaf | None:
        await asyncio.sleep(0)
        return self.child

    @strawberry.field
    def here(self, info: Info) -> Leaf:
        return Leaf(name=".".join(map(str, info.path.as_list())), label=info.field_name)

    @strawberry.field
    def as_tuple(self) -> list[Leaf]:
        return tuple(self.children)  # type: ignore[return-value]

    @strawberry.field
    def awaited_items(self) -> list[Leaf | None]:
        return [_leaf_later("x"), _leaf_later(None), Leaf(name="y")]  # type: ignore[list-item]

    @strawberry.field
    def error_value(self) -> Leaf | None:
        return ValueError("returned, not raised")  # type: ignore[return-value]

    @strawberry.field
    def not_a_list(self) -> list[Leaf] | None:
        return 3  # type: ignore[return-value]


def _item(name: str | None, **changes: Any) -> Item:
    values: dict[str, Any] = {
        "name": name,
        "children": [Leaf(name=f"{name}-a"), Leaf(name=f"{name}-b", label="b")],
        "maybe_children": [Leaf(name="m"), None, Leaf(name=None)],  # type: ignore[arg-type]
        "child": Leaf(name=f"{name}-child"),
        "required_child": Leaf(name=f"{name}-required"),
    }
    return Item(**{**values, **changes})


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            _item("one"),
            _item(None),  # null in a non-null leaf
            _item("three", children=[Leaf(name=None), Leaf(name="ok")]),  # null in a non-null list's item
            _item("four", required_child=None, child=None, maybe_children=None),
            _item("five", children=None),
        ]

    @strawberry.field
    def required_items(self) -> list[Item]:
        return [_item("r1"), _item("r2", required_child=None)]

    @strawberry.field
    def item(self) -> Item:
        return _item("single")


def _schema(execution_context_class: type, extensions: list[Any] | None = None) -> strawberry.Schema:
    built = strawberry.Schema(query=Query, execution_context_class=execution_context_class, extensions=extensions or [])
    mark_plain_leaves(built._schema)
    return built


FIELDS = "name children { name label } maybeChildren { name } child { name } requiredChild { name }"
QUERIES = [
    "{ items { " + FIELDS + " } }",
    "{ requiredItems { name requiredChild { name } } }",
    "{ item { " + FIELDS + " } }",
    "{ items { name boom { name } } }",
    "{ items { name requiredBoom { name } } }",
    "{ item { later { name } awaitedItems { name } } }",
    "{ items { name later { name label } } }",
    "{ item { here { name label } a: here { name label } } items { here { name } } }",
    "{ item { asTuple { name } errorValue { name } notAList { name } } }",
    '{ item { pick { name } two: pick(first: 2, word: "w") { name } } }',
    "query($n: Int!, $w: String) { item { pick(first: $n, word: $w) { name } } }",
    "query($yes: Boolean!) { item { name @include(if: $yes) child @skip(if: $yes) { name } children { ...L } } }",
    "{ item { __typename children { __typename ... on Leaf { name } ...L } } } ",
    "{ item { c: children { n: name name } c2: children { label } child { name } child { label } } }",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_answers_and_errors_are_those_of_the_general_execution(query):
    if "...L" in query:
        query += " fragment L on Leaf { label name }"
    variables = {"n": 2, "w": "v", "yes": True}
    compiled = await _schema(CompiledExecutionContext).execute(query, variables)
    general = await _schema(StrawberryGraphQLCoreExecutionContext).execute(query, variables)
    assert json.dumps(compiled.data) == json.dumps(general.data)
    assert [(e.message, e.path, e.locations) for e in compiled.errors or ()] == [
        (e.message, e.path, e.locations) for e in general.errors or ()
    ]


async def test_the_cases_above_do_reach_errors_and_nulls():
    """The comparison above is only worth something if the cases are unusual."""
    result = await _schema(CompiledExecutionContext).execute(QUERIES[0])
    assert result.data["items"][0]["name"] == "one"
    assert result.data["items"][1] is None  # null name in a non-null field
    assert result.data["items"][2] is None  # null item in a non-null list
    assert {tuple(e.path) for e in result.errors} >= {("items", 1, "name"), ("items", 2, "children", 0, "name")}
    here = await _schema(CompiledExecutionContext).execute("{ items { here { name } } }")
    assert here.data["items"][3]["here"]["name"] == "items.3.here"


async def test_object_fields_run_in_the_plans_loops(monkeypatch):
    """A selection of plain leaves and object fields never reaches graphql-core's
    per-field execution or completion."""
    calls = []
    for method in ("execute_field", "complete_value"):
        general = getattr(StrawberryGraphQLCoreExecutionContext, method)

        def counted(self, *args, _general=general, _method=method):  # noqa: ANN001, ANN002
            calls.append(_method)
            return _general(self, *args)

        monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, method, counted)
    result = await _schema(CompiledExecutionContext).execute(
        "{ item { name children { name label } pick(first: 2) { name } here { name } } }"
    )
    assert result.errors is None and result.data["item"]["pick"][1]["name"] == "single-b:None"
    assert calls == []


async def test_a_middleware_sees_every_field():
    seen: dict[str, list[str]] = {}

    def counting(key: str) -> type[SchemaExtension]:
        class Counting(SchemaExtension):
            def resolve(self, _next, root, info, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
                seen.setdefault(key, []).append(info.field_name)
                return _next(root, info, *args, **kwargs)

        return Counting

    query = "{ item { name children { name } child { label } } }"
    await _schema(CompiledExecutionContext, [counting("compiled")]).execute(query)
    await _schema(StrawberryGraphQLCoreExecutionContext, [counting("general")]).execute(query)
    assert seen["compiled"] == seen["general"] and "label" in seen["compiled"]


def test_the_catalog_fields_are_planned_to_run_in_the_loops():
    """The served schema's catalog types: pages' nodes, guarded direct resolvers and plain
    leaves run in the loops; a resolver leaf (totalCount) keeps the general path."""

    class Executor:
        schema, variable_values, hide_suggestions = served._schema, None, False
        field_resolver = None

        @staticmethod
        def collect_subfields(type_: Any, details: Any) -> tuple[dict, list, None]:
            return {}, [], None

    def kind(type_name: str, field: str) -> str:
        node = type("Node", (), {"name": type("N", (), {"value": field})(), "arguments": [], "directives": []})()
        details = [type("D", (), {"node": node, "fragment_variable_values": None})()]
        plan = execution_plans.plan_object(Executor, served._schema.type_map[type_name], {field: details})
        return plan.fields[0].kind

    assert kind("Product", "meters") == execution_plans.OBJECT
    assert kind("MeterConnection", "nodes") == execution_plans.OBJECT
    assert kind("Meter", "code") == execution_plans.LEAF
    assert kind("Meter", "dataFields") == execution_plans.OBJECT
    assert kind("MeterConnection", "totalCount") == execution_plans.GENERAL
    assert served.execution_context_class is CompiledExecutionContext


class _Colour(Enum):
    RED = "RED"


class _Lookup:
    def __getattr__(self, name: str) -> Any:
        return name


class _AwaitableThing:
    def __await__(self) -> Any:
        yield


async def _coroutine() -> None:
    return None


@pytest.mark.parametrize(
    "make",
    [
        lambda: "s",
        lambda: Decimal("1.5"),
        lambda: _Colour.RED,  # its metaclass's __getattr__ is no instance lookup
        lambda: Leaf(name="x"),
        lambda: (1, 2),
        lambda: None,
        lambda: _Lookup(),
        lambda: _AwaitableThing(),
        lambda: ValueError("x"),
        _coroutine,
        lambda: asyncio.get_event_loop().create_future(),
    ],
)
async def test_a_value_is_plain_exactly_when_graphql_core_would_not_await_or_raise_it(make):
    value = make()
    try:
        expected = not (isinstance(value, Exception) or optimized_is_awaitable(value))
        assert is_sync(value) is expected
        assert is_sync(value) is expected  # the second time, from the types seen
    finally:
        if asyncio.iscoroutine(value):
            value.close()
