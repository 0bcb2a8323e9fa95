"""Tortoise models, one aggregate per module. Constraints live here; rules live in services."""
