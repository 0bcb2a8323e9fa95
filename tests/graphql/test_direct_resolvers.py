"""Nested resolvers called directly (app.graphql.direct_resolvers): the same answers as
strawberry's general resolver chain, and the fields that keep that chain keep it."""

from __future__ import annotations

import json

import pytest
import strawberry

from app.graphql import direct_resolvers
from app.graphql import schema as assembled
from app.graphql.context import Context
from app.services.principals import principal_from_token
from tests.graphql.test_catalog_prefetch import PRODUCT, catalog  # noqa: F401 - the fixture

QUERIES = [
    'query { product(code: "p1") { ' + PRODUCT + " } }",
    "query { products(first: 100) { nodes { " + PRODUCT + " } } }",
    # Arguments by variable and by default, pages after a cursor, an unknown code.
    """query($n: Int) { products(first: 2) { nodes { meters(first: $n) { nodes { code
         aggregations(first: 1, after: "bzow") { pageInfo { hasNextPage } nodes { code pricings { totalCount } } } } }
         plans { totalCount } } } product(code: "nope") { code } }""",
]


@pytest.fixture(scope="module")
def general_schema():
    """The schema as assembled without direct resolvers."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(direct_resolvers, "install", lambda schema: None)
        return assembled.build_schema()


@pytest.mark.parametrize("query", QUERIES, ids=["product", "products", "arguments"])
async def test_nested_reads_answer_as_the_general_resolver_chain(catalog, general_schema, query):  # noqa: F811
    principal = await principal_from_token(catalog.token)
    answers = []
    for schema in (assembled.schema, general_schema):
        result = await schema.execute(
            query, {"n": 3}, context_value=Context(request=None, response=None, principal=principal)
        )
        answers.append((json.dumps(result.data), [e.message for e in result.errors or ()]))
    assert answers[0] == answers[1]
    assert answers[0][1] == [] and "p1" in answers[0][0]


def _is_direct(resolve) -> bool:  # noqa: ANN001
    """Whether `resolve` is a direct resolver, or a read guard around one."""
    inner = [cell.cell_contents for cell in getattr(resolve, "__closure__", None) or ()]
    return any(getattr(f, "__qualname__", "").startswith("_direct.") for f in [resolve, *inner])


def test_only_plain_nested_resolvers_are_direct():
    types = assembled.schema._schema.type_map
    aggregation, query = types["Aggregation"].fields, types["Query"].fields
    assert _is_direct(aggregation["meter"].resolve)  # info only, under its read guard
    assert _is_direct(aggregation["pricings"].resolve)  # first: Int, after: String
    assert not _is_direct(aggregation["code"].resolve)  # no resolver of its own
    # Root fields have `authorize`: strawberry's chain runs it.
    assert not _is_direct(query["me"].resolve)
    assert not _is_direct(query["product"].resolve)


# A schema of its own for what the served one has no nested field for: arguments whose
# GraphQL name is not their Python name, a parent parameter, defaults.
@strawberry.type
class Box:
    size: int

    @strawberry.field
    def scaled(self, info: strawberry.Info, scale_by: int, plus_one: bool = False, label: str | None = None) -> str:
        return f"{info.field_name}:{self.size * scale_by + plus_one}:{label}"

    @strawberry.field
    def parent_size(self, parent: strawberry.Parent[Box], times_two: int | None = None) -> int:
        return parent.size * (times_two or 1)


@strawberry.type
class BoxQuery:
    @strawberry.field
    def boxes(self) -> list[Box]:
        return [Box(size=2), Box(size=3)]


@pytest.mark.parametrize(
    "query",
    [
        '{ boxes { scaled(scaleBy: 3) a: scaled(scaleBy: 2, plusOne: true, label: "x") parentSize(timesTwo: 2) } }',
        "query($s: Int!, $l: String) { boxes { scaled(scaleBy: $s, label: $l) parentSize } }",
    ],
)
async def test_renamed_arguments_answer_as_the_general_resolver_chain(query):
    general = strawberry.Schema(query=BoxQuery)
    direct = strawberry.Schema(query=BoxQuery)
    direct_resolvers.install(direct)
    assert _is_direct(direct._schema.type_map["Box"].fields["scaled"].resolve)
    variables = {"s": 4, "l": None}
    answers = [await schema.execute(query, variables) for schema in (direct, general)]
    assert (answers[0].data, answers[0].errors) == (answers[1].data, answers[1].errors)
    assert answers[0].errors is None and "scaled" in json.dumps(answers[0].data)


def test_a_resolver_s_info_is_made_as_strawberry_makes_it():
    """The schema's info class is called positionally only where that is the same call."""
    from dataclasses import dataclass

    from strawberry.types.info import Info

    assert direct_resolvers._info_maker(Info) is Info  # noqa: SLF001
    made = direct_resolvers._info_maker(Info)("raw", "field")  # noqa: SLF001
    assert (made._raw_info, made._field) == ("raw", "field")  # noqa: SLF001

    @dataclass
    class Extended(Info):  # a field more, with a default: still the same positional call
        extra: int = 0

    assert direct_resolvers._info_maker(Extended) is Extended  # noqa: SLF001

    @dataclass
    class Ahead:  # another field first: keywords, as strawberry calls it
        note: str = "n"
        _raw_info: object = None
        _field: object = None

    maker = direct_resolvers._info_maker(Ahead)  # noqa: SLF001
    assert maker is not Ahead
    made = maker("raw", "field")
    assert (made.note, made._raw_info, made._field) == ("n", "raw", "field")  # noqa: SLF001
