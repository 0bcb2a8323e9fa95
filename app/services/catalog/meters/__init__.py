"""Use cases of meters, aggregations and compound aggregations (SEMANTICS §3.2–3.4): load
what the domain checks need, check, refuse taken codes, write in one transaction."""

from app.services.catalog.meters.aggregation import create_aggregation, delete_aggregation, update_aggregation
from app.services.catalog.meters.compound import (
    create_compound_aggregation,
    delete_compound_aggregation,
    update_compound_aggregation,
)
from app.services.catalog.meters.loading import aggregation_ref_of, meter_ref_of, usable_aggregations
from app.services.catalog.meters.meter import create_meter, delete_meter, nested_aggregations, update_meter

__all__ = [
    "aggregation_ref_of",
    "create_aggregation",
    "create_compound_aggregation",
    "create_meter",
    "delete_aggregation",
    "delete_compound_aggregation",
    "delete_meter",
    "meter_ref_of",
    "nested_aggregations",
    "update_aggregation",
    "update_compound_aggregation",
    "update_meter",
    "usable_aggregations",
]
