"""Fields of types shown from rows (app.graphql.prefetch.nodes) read straight from the row
by the compiled execution (app.graphql.compiled_execution): the same answers as
graphql-core's general execution through the fields' descriptors, and a value set on
the object still wins over its row."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql.compiled_execution import CompiledExecutionContext
from app.graphql.plain_leaves import mark_plain_leaves
from app.graphql.prefetch.nodes import RowNode, from_row, row_type


@strawberry.type
class Part:
    name: str


@row_type(description="A thing shown from its row.")
class Thing(RowNode):
    code: str = from_row(description="Code, as the row holds it.")
    shout: str = from_row(lambda row: row.code.upper(), description="Code, computed.")
    parts: list[Part] = from_row(lambda row: [Part(name=p) for p in row.parts], description="Parts, computed.")
    _row: strawberry.Private[Any]


ROWS = [SimpleNamespace(code="a", parts=["x", "y"]), SimpleNamespace(code="b", parts=[])]
THINGS: list[Thing] = []


def _things() -> list[Thing]:
    THINGS[:] = [Thing.of(row) for row in ROWS]
    # Made by the constructor: its own values hide what the row says.
    THINGS.append(Thing(code="own", shout="OWN!", parts=[Part(name="own")], _row=ROWS[0]))
    return THINGS


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return _things()


QUERY = "{ things { code shout parts { name } again: shout } }"


def _schema(execution_context_class: type) -> strawberry.Schema:
    built = strawberry.Schema(query=Query, execution_context_class=execution_context_class)
    mark_plain_leaves(built._schema)
    return built


async def test_row_fields_answer_as_their_descriptors_do():
    compiled = await _schema(CompiledExecutionContext).execute(QUERY)
    general = await _schema(StrawberryGraphQLCoreExecutionContext).execute(QUERY)
    assert compiled.errors is None and general.errors is None
    assert json.dumps(compiled.data) == json.dumps(general.data)
    assert compiled.data["things"][0] == {
        "code": "a",
        "shout": "A",
        "parts": [{"name": "x"}, {"name": "y"}],
        "again": "A",
    }
    # The constructor's values, not the row's.
    assert compiled.data["things"][2] == {"code": "own", "shout": "OWN!", "parts": [{"name": "own"}], "again": "OWN!"}


async def test_row_fields_are_read_from_the_row_not_kept_on_the_object():
    result = await _schema(CompiledExecutionContext).execute(QUERY)
    assert result.errors is None
    # Read through the descriptor, a field is kept in the object's `__dict__`; read from
    # the row by the plan, it is not (each object is read once).
    assert [sorted(vars(thing)) for thing in THINGS[:2]] == [["_row"], ["_row"]]
