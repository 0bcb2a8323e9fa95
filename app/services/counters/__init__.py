"""Counters (SEMANTICS §8): counters, counter pricings and adjustments (CRUD), their
nested creation in `createProduct`, what bill composition reads about them, and the value
of a counter at an instant."""
