"""Usage for many bills at once: one aggregation query per (aggregation, window) group.

`app.domain.billing.usage_windows` lists the windows each bill reads. Windows are merged
across the accounts of a chunk, so accounts whose periods line up (the usual case) share
one `app.services.measurement_aggregates.aggregate_usage` query per aggregation and window: GROUP BY
account and segment over the measurements of every account of the chunk.

Segment keys: `aggregate_usage` keys a segmented aggregation's rows by the canonical JSON
of the matched (normalized) segment, an unsegmented one by "" and measurements matching
no segment by `UNMATCHED` (never billed). The domain keys windows by `segment_pairs(map)`,
a sorted tuple of (field, value) pairs; pricings store their segment normalized the same way as the aggregation's
segments, so the two keys name the same segment. A window with segment None reads every
measurement of the aggregation (an unsegmented pricing, or a compound reference): for a
segmented aggregation that is a query without its segments.

A bill job reads its usage up front instead (`job_usage`, with the same segment keys);
its chunks come here only for windows it did not prepare. Preview always comes here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from app.domain.aggregate import UNMATCHED, UNSEGMENTED, segment_key
from app.domain.billing import SegmentPairs, UsageWindow, segment_pairs
from app.models.catalog import Aggregation
from app.services.measurement_aggregates import aggregate_usage, segments_of

UsageByAccount = dict[uuid.UUID, dict[UsageWindow, Decimal | None]]


def is_segmented(aggregation: Aggregation) -> bool:
    return bool(aggregation.segmented_fields)


def domain_key(key: str) -> SegmentPairs | None:
    """The domain's key of a segment from `aggregate_usage`'s text key ("" → None)."""
    return None if key == UNSEGMENTED else segment_pairs(json.loads(key))


def text_key(segment: SegmentPairs | None) -> str:
    """The text key `aggregate_usage` would give the segment of a window (None → "")."""
    return UNSEGMENTED if segment is None else segment_key(dict(segment))


def read_segments(aggregation: Aggregation, window: UsageWindow) -> list[dict[str, str]]:
    """The segments a window's aggregation is read with: none when the window is the
    aggregation as a whole (segment None), else the aggregation's own (none if it has none)."""
    return [] if window.segment is None else segments_of(aggregation)


async def fetch_usage(
    organization_id: uuid.UUID,
    aggregations: Mapping[uuid.UUID, Aggregation],
    needs: Mapping[uuid.UUID, Iterable[UsageWindow]],
) -> UsageByAccount:
    """The raw value of every window each account needs; a window without measurements
    is absent (the domain reads that as no usage and applies defaultValue)."""
    groups: dict[tuple[uuid.UUID, datetime, datetime, bool], set[uuid.UUID]] = {}
    for account_id, windows in needs.items():
        for window in windows:
            aggregation = aggregations.get(window.aggregation_id)
            if aggregation is None:
                continue  # deleted meanwhile: no usage
            whole = window.segment is None and is_segmented(aggregation)
            groups.setdefault((window.aggregation_id, window.start, window.end, whole), set()).add(account_id)
    found: dict[tuple, Decimal | None] = {}
    for (aggregation_id, start, end, whole), account_ids in groups.items():
        aggregation = aggregations[aggregation_id]
        rows = await aggregate_usage(organization_id, aggregation, sorted(account_ids), start, end, whole=whole)
        for (row_account_id, key), value in rows.items():
            if key != UNMATCHED:
                found[(row_account_id, aggregation_id, domain_key(key), start, end)] = value
    usage: UsageByAccount = {}
    for account_id, windows in needs.items():
        usage[account_id] = {
            w: found[k] for w in windows if (k := (account_id, w.aggregation_id, w.segment, w.start, w.end)) in found
        }
    return usage
