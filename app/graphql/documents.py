"""Each distinct query text is parsed and validated once per process.

The limits are the Settings defaults (they shape the schema's behaviour, not the
deployment): at most `graphql_max_tokens` tokens (parsing stops past them), depth and
aliases, and Decimal literals within bounds (`LIMIT_RULES`, beside GraphQL's own rules).

Both caches are keyed by the query text, whose hash the string keeps: strawberry's
validation cache is keyed by the parsed document, whose hash walks every node of it on
every request (and by a tuple of some thirty rule classes rebuilt per request); for a
trivial query that hashing was a few percent of its CPU time. A text always parses to
the same document and validates to the same errors, so the text is the whole key.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

from app.graphql.scalars import DecimalLiteralBounds
from app.settings import Settings

# Built once: a limiter built per request would make new rule classes each time.
LIMIT_RULES = (
    depth_rule(Settings.graphql_max_depth, None),
    alias_rule(Settings.graphql_max_aliases),
    DecimalLiteralBounds,
)
RULES = (*specified_rules, *LIMIT_RULES)
KEPT = 512  # distinct query texts: clients send a few dozen, and a flood of new ones only evicts


@functools.lru_cache(maxsize=KEPT)
def parsed(query: str) -> DocumentNode:
    """The document of `query`; GraphQLError for a syntax error or too many tokens."""
    return parse(query, max_tokens=Settings.graphql_max_tokens)


@functools.lru_cache(maxsize=KEPT)
def validation_errors(schema: GraphQLSchema, query: str) -> list[GraphQLError]:
    """What validating `query` against `schema` finds (an empty list: valid)."""
    return validate_document(schema, parsed(query), RULES)


class ParsedAndValidatedOnce(SchemaExtension):
    """Serves the operation's document and its validation from the caches above."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = parsed(context.query)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.query:
            context.pre_execution_errors = validation_errors(context.schema._schema, context.query)
        yield
