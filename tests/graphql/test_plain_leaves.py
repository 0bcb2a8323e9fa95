"""Plain leaf fields answered inline (app.graphql.plain_leaves): the same response, byte
for byte, as GraphQL's general execution, errors included."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql.compiled_execution import CompiledExecutionContext
from app.graphql.plain_leaves import PLAIN_LEAF, mark_plain_leaves
from app.graphql.schema import schema
from tests.graphql.test_catalog_prefetch import PRODUCT, catalog  # noqa: F401 - the fixture


@pytest.fixture
def general_execution(monkeypatch):
    """Run the served schema with strawberry's own execution context."""

    def use_general() -> None:
        monkeypatch.setattr(schema, "execution_context_class", StrawberryGraphQLCoreExecutionContext)

    return use_general


@pytest.mark.parametrize(
    "query",
    [
        'query { product(code: "p1") { ' + PRODUCT + " } }",
        "query { products(first: 100) { nodes { " + PRODUCT + " } } }",
        """query { products(first: 2) { nodes { __typename c: code code ...F
             meters { nodes { code @skip(if: true) name @include(if: true) dataFields { code category } } } } } }
           fragment F on Product { name code }""",
    ],
    ids=["product", "products", "aliases-fragments-directives"],
)
async def test_a_catalog_read_answers_as_the_general_execution(catalog, general_execution, query):  # noqa: F811
    headers = {"Authorization": f"Bearer {catalog.token}"}
    plain = (await catalog.client.post("/graphql", json={"query": query}, headers=headers)).content
    general_execution()
    general = (await catalog.client.post("/graphql", json={"query": query}, headers=headers)).content
    assert plain == general
    assert b'"errors"' not in plain


def test_the_served_schema_marks_plain_leaves_only():
    types = schema._schema.type_map
    product, aggregation = types["Product"].fields, types["Aggregation"].fields
    assert PLAIN_LEAF in product["code"].extensions  # an attribute
    assert PLAIN_LEAF in aggregation["quantityPerUnit"].extensions  # a Decimal attribute
    assert PLAIN_LEAF not in product["meters"].extensions  # a page, guarded
    assert PLAIN_LEAF not in types["Query"].fields["me"].extensions  # a resolver
    assert schema.execution_context_class is CompiledExecutionContext


# A schema of its own, to reach what the catalog never holds: nulls in non-null fields,
# values a scalar refuses, attributes that raise.
class Colour(Enum):
    RED = "RED"


@strawberry.type
class Thing:
    name: str
    label: str | None
    count: int
    amount: Decimal
    colour: Colour
    flag: bool | None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


class BrokenThing:
    name = "x"
    label = None
    count = 1
    colour = Colour.RED
    flag = None

    @property
    def amount(self) -> Decimal:
        raise RuntimeError("no amount")


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [
            Thing(name="a", label=None, count=1, amount=Decimal("0.10"), colour=Colour.RED, flag=True),
            Thing(name=None, label="b", count=2, amount=Decimal("2"), colour=Colour.RED, flag=None),  # type: ignore[arg-type]
            Thing(name="c", label="c", count="many", amount=Decimal("3"), colour=Colour.RED, flag=None),  # type: ignore[arg-type]
            Thing(name="d", label="d", count=4, amount=Decimal("4"), colour="GREEN", flag=None),  # type: ignore[arg-type]
        ]

    @strawberry.field
    def maybe_things(self) -> list[Thing | None]:
        return [
            Thing(name=None, label=None, count=1, amount=Decimal("1"), colour=Colour.RED, flag=None),  # type: ignore[arg-type]
            Thing(name="e", label=None, count=5, amount=Decimal("5"), colour=Colour.RED, flag=False),
        ]

    @strawberry.field
    def broken(self) -> Thing | None:
        return BrokenThing()  # type: ignore[return-value]


def _toy_schema(execution_context_class: type) -> strawberry.Schema:
    built = strawberry.Schema(query=Query, execution_context_class=execution_context_class)
    mark_plain_leaves(built._schema)
    return built


@pytest.mark.parametrize(
    "query",
    [
        "{ maybeThings { name label count amount colour flag shout } }",
        "{ things { name } }",
        "{ things { count } }",
        "{ things { colour } }",
        "{ things { label amount flag __typename } }",
        "{ broken { name amount } }",
        "{ a: maybeThings { flag x: name } b: maybeThings { label } }",
    ],
)
async def test_errors_and_nulls_are_those_of_the_general_execution(query):
    plain = await _toy_schema(CompiledExecutionContext).execute(query)
    general = await _toy_schema(StrawberryGraphQLCoreExecutionContext).execute(query)
    assert json.dumps(plain.data) == json.dumps(general.data)
    assert [(e.message, e.path) for e in plain.errors or ()] == [(e.message, e.path) for e in general.errors or ()]


async def test_the_plain_path_answers_without_the_general_one(monkeypatch):
    """The inline read is what answers a plain field (not the general path behind it)."""
    calls = []
    general = StrawberryGraphQLCoreExecutionContext.execute_field

    def counted(self, parent_type, source, field_details_list, *args):  # noqa: ANN001, ANN002
        calls.append(field_details_list[0].node.name.value)
        return general(self, parent_type, source, field_details_list, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counted)
    result = await _toy_schema(CompiledExecutionContext).execute("{ maybeThings { label count amount } }")
    assert result.errors is None
    assert calls == []
