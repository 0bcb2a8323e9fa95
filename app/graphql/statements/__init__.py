"""GraphQL surface of bill statements (SEMANTICS §12.2): `generateBillStatement`; the
statement flags are fields of `Bill`, the documents are downloaded over plain HTTP."""

from app.graphql.statements.mutations import StatementMutation

__all__ = ["StatementMutation"]
