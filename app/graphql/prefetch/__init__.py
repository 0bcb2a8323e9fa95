"""Reading a nested catalog query's rows ahead, cheaply.

- `lookahead`: root resolvers load every relation their selection names, one statement per
  level, into the request's loaders; nested resolvers then answer without awaiting.
- `depth`: where that synchronous completion must still hand over to a coroutine.
- `selection`: reading the query's selection below a field.
- `rows`: the loaders' rows, read without building Tortoise model instances.
- `nodes`: GraphQL objects over one row, each field computed when first read.

Worked example: a type shown from rows declares, next to each field, how the field reads
its row. Adding a field is that one line (plus the column, if it is new, in the model and
a migration); nothing else lists the fields.

    @row_type(description="What a plan charges for one aggregation.")
    class Pricing(RowNode):
        id: strawberry.ID = id_from_row(description="Id of the pricing.")     # row.id as an ID
        code: str | None = from_row(description="Optional code.")             # row.code as is
        type: PricingType = from_row(                                         # computed from the row
            lambda row: DomainPricingType(row.type), description="DEBIT, PRODUCT_CREDIT or GLOBAL_CREDIT."
        )
        _row: strawberry.Private[m.Pricing]

        @strawberry.field(description="The aggregation priced, when one is.")  # a relation: a resolver
        def aggregation(self, info: Info) -> Aggregation | None:
            return load_then(info, AGGREGATION_BY_ID, self._row.aggregation_id, Aggregation.of_or_none)

    # A relation is read ahead by the root resolver when the query selects it:
    lookahead.parent(m.Pricing, ["aggregation"], AGGREGATION_BY_ID, m.Aggregation, "aggregation_id")

`Pricing.of(row)` keeps the row; a field is computed on first read. `row_type` refuses a
field that has neither a resolver nor a reader, so a forgotten one fails at import.

This `__init__` imports none of them, so that `app.graphql.loaders` can use `rows` while
`lookahead` uses the loaders.
"""
