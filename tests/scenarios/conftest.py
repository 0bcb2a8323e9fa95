"""Fixtures of the billing stories: their bill jobs run on this session's own queue."""

from tests.scenarios import bill_queue  # noqa: F401 - a fixture, requested by name
