"""Counters in GraphQL (SEMANTICS §8): types, root queries and mutations."""

from app.graphql.counters.inputs import NestedCounterInput, NestedCounterPricingInput
from app.graphql.counters.mutations import CounterMutation
from app.graphql.counters.queries import CounterQuery
from app.graphql.counters.types import Counter, CounterAdjustment, CounterPricing, CounterValue

__all__ = [
    "Counter",
    "CounterAdjustment",
    "CounterMutation",
    "CounterPricing",
    "CounterQuery",
    "CounterValue",
    "NestedCounterInput",
    "NestedCounterPricingInput",
]
