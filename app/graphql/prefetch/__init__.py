"""Reading a nested catalog query's rows ahead, cheaply.

- `lookahead`: root resolvers load every relation their selection names, one statement per
  level, into the request's loaders; nested resolvers then answer without awaiting.
- `depth`: where that synchronous completion must still hand over to a coroutine.
- `selection`: reading the query's selection below a field.
- `rows`: the loaders' rows, read without building Tortoise model instances.
- `nodes`: GraphQL objects over one row, each field computed when first read.

This `__init__` imports none of them, so that `app.graphql.loaders` can use `rows` while
`lookahead` uses the loaders.
"""
