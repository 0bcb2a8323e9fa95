"""The GraphQL API: schema assembly, context, authorization, errors, pagination, and one
module per domain with its types, queries and mutations."""
