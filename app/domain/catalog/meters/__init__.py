"""Pure rules of meters, aggregations and compound aggregations (SEMANTICS §3.2–3.5).

Each check takes one entity's plain input (camelCase keys, as clients send them) and what
it references already loaded (`app.domain.catalog.refs`), reports every problem into the
collector at its camelCase input path, and returns model column values (snake_case,
ready for `Model(**values)`, with a fresh `id` for a create) and the entity's ref, so a
nested input can link parents and children before anything is written.
"""

from app.domain.catalog.meters.aggregation import (
    FUNCTIONS,
    MAX_SEGMENTED_FIELDS,
    MAX_SEGMENTS,
    ROUNDINGS,
    WILDCARD,
    check_aggregation,
    functions_for,
    normalize_segment,
)
from app.domain.catalog.meters.compound import check_compound, compound_references, mentioned_codes
from app.domain.catalog.meters.meter import (
    CATEGORIES,
    CATEGORY_TYPES,
    MAX_DATA_FIELDS,
    MAX_DERIVED_FIELDS,
    SEGMENTABLE,
    calculation_names,
    check_meter,
    meter_ref,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_TYPES",
    "FUNCTIONS",
    "MAX_DATA_FIELDS",
    "MAX_DERIVED_FIELDS",
    "MAX_SEGMENTED_FIELDS",
    "MAX_SEGMENTS",
    "ROUNDINGS",
    "SEGMENTABLE",
    "WILDCARD",
    "calculation_names",
    "check_aggregation",
    "check_compound",
    "check_meter",
    "compound_references",
    "functions_for",
    "mentioned_codes",
    "meter_ref",
    "normalize_segment",
]
