"""`schema.graphql` in the repository is exactly the schema the code serves."""

from pathlib import Path

from app.graphql.export import export_schema

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_matches_code():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == export_schema(), "schema.graphql is stale: run `make schema` (metergraph export-schema)"


def test_every_field_has_a_description():
    from graphql import GraphQLObjectType

    from app.graphql.schema import schema

    missing = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if not field.description:
                missing.append(f"{type_name}.{field_name}")
    assert missing == []
