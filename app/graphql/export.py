"""The schema as SDL, exactly as `schema.graphql` must hold it."""

from __future__ import annotations

from strawberry.printer import print_schema

from app.graphql.schema import schema


def export_schema() -> str:
    return print_schema(schema) + "\n"
