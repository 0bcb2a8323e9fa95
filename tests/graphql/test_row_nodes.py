"""Types shown from rows (app.graphql.prefetch.nodes): each field declares beside itself how
it reads the row, and a field that declares nothing is refused when the type is made."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry

from app.graphql.prefetch.nodes import RowNode, from_row, id_from_row, row_type


def test_each_field_reads_the_row_as_it_declares():
    # given a type with a field read as is, one as an ID and one computed
    @row_type(description="A thing.")
    class Thing(RowNode):
        id: strawberry.ID = id_from_row(description="Id.")
        code: str = from_row(description="Code.")
        shout: str = from_row(lambda row: row.code.upper(), description="Code, louder.")
        _row: strawberry.Private[Any]

    key = uuid.uuid4()
    # when it is shown from a row
    thing = Thing.of(SimpleNamespace(id=key, code="abc"))
    # then each field is computed from the row
    assert (thing.id, thing.code, thing.shout) == (str(key), "abc", "ABC")


def test_a_field_without_a_reader_or_resolver_is_refused():
    # given a type whose field declares neither a reader nor a resolver
    # when the type is made, then it is refused, naming the field
    with pytest.raises(TypeError, match="Lost.code"):

        @row_type(description="A thing that forgot a reader.")
        class Lost(RowNode):
            code: str = strawberry.field(description="Code.")
            _row: strawberry.Private[Any]
