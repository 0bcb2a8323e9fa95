"""Resolvers of ingest: `submitMeasurements`, `ingestBatch`, `measurements`, `usage`.

`submitMeasurements` is the playground's way in: its typed input is re-encoded to the
wire format and goes through exactly the service the REST route uses (bulk clients use
REST: typed GraphQL input costs about 33 µs per item).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.domain.ids import as_uuid
from app.graphql.authorization import authorize
from app.graphql.context import Info
from app.graphql.errors import BadRequest, or_bad_request, respond
from app.graphql.inputs import filter_ids
from app.graphql.json_numbers import exact
from app.graphql.pagination import (
    Connection,
    Edge,
    PageInfo,
    decode_cursor,
    encode_cursor,
    page_size,
)
from app.services import account_usage, ingest
from app.services.errors import ErrorCode, fail
from app.services.ingest.wire import encode as wire_encode

from .types import (
    SECTIONS,
    IngestBatch,
    Measurement,
    MeasurementFilter,
    SubmitMeasurementsInput,
    SubmitMeasurementsPayload,
    Usage,
)

UPLOAD, RETRIEVE, KIND = "measurements:upload", "measurements:retrieve", "measurement"


def _wire(data: SubmitMeasurementsInput) -> bytes:
    items = []
    for item in data.measurements:
        wire: dict[str, Any] = {"meter": item.meter, "account": item.account, "ts": item.ts}
        for name in ("uid", "ets"):
            if getattr(item, name) is not None:
                wire[name] = getattr(item, name)
        for name in SECTIONS:
            if getattr(item, name) is not None:
                wire[name] = exact(getattr(item, name))  # each number as sent, as REST takes it
        items.append(wire)
    return wire_encode({"measurements": items})


def _filter(flt: MeasurementFilter | None) -> ingest.MeasurementFilter:
    if flt is None:
        return ingest.MeasurementFilter()
    named = {"account_id": "accountId", "meter_id": "meterId", "batch_id": "batchId"}
    parsed = {
        name: filter_ids([getattr(flt, name)], wire)[0]
        for name, wire in named.items()
        if getattr(flt, name) is not None
    }
    return ingest.MeasurementFilter(
        account_code=flt.account_code, meter_code=flt.meter_code, start=flt.from_, end=flt.to, uid=flt.uid, **parsed
    )


@strawberry.type
class IngestQuery:
    @strawberry.field(
        description="One ingest batch: its status, counts and failures.", extensions=authorize(RETRIEVE, KIND)
    )
    async def ingest_batch(self, info: Info, id: strawberry.ID) -> IngestBatch | None:
        batch_id = as_uuid(id)
        batch = await ingest.get_batch(info.context.organization_id, batch_id) if batch_id else None
        return IngestBatch.of(batch) if batch else None

    @strawberry.field(description="Stored measurements in time order.", extensions=authorize(RETRIEVE, KIND))
    async def measurements(
        self, info: Info, filter: MeasurementFilter | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Measurement]:
        org, flt, size, start = info.context.organization_id, _filter(filter), page_size(first), decode_cursor(after)
        rows = await ingest.list_measurements(org, flt, start, size + 1) if size else []
        edges = [Edge(cursor=encode_cursor(start + i), node=Measurement.of(row)) for i, row in enumerate(rows[:size])]
        info_ = PageInfo(
            has_next_page=len(rows) > size,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
        )
        return Connection(
            nodes=[e.node for e in edges],
            edges=edges,
            page_info=info_,
            _count=lambda: ingest.count_measurements(org, flt),
        )

    @strawberry.field(
        description="An account's usage in [from, to) of an aggregation (optionally one segment) "
        "or a compound aggregation, computed exactly as billing does.",
        extensions=authorize(RETRIEVE, KIND),
    )
    async def usage(
        self,
        info: Info,
        account_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from", description="Start of the period (inclusive).")],
        to: Annotated[datetime, strawberry.argument(description="End of the period (exclusive).")],
        aggregation_id: strawberry.ID | None = None,
        compound_aggregation_id: strawberry.ID | None = None,
        segment: Annotated[
            JSON | None, strawberry.argument(description="A segment of the aggregation: field code → value.")
        ] = None,
    ) -> Usage | None:
        ids = [as_uuid(v) if v is not None else None for v in (account_id, aggregation_id, compound_aggregation_id)]
        if (
            ids[0] is None
            or (aggregation_id is not None and ids[1] is None)
            or (compound_aggregation_id is not None and ids[2] is None)
        ):
            return None
        if segment is not None and not isinstance(segment, dict):
            raise BadRequest("segment must be an object of field code → value")
        result = await or_bad_request(
            lambda: account_usage.usage_of(
                info.context.organization_id,
                ids[0],
                aggregation_id=ids[1],
                compound_aggregation_id=ids[2],
                start=from_,
                end=to,
                segment=segment,
            )
        )
        return Usage(quantity=result.quantity, units=result.units) if result else None


@strawberry.type
class IngestMutation:
    @strawberry.mutation(
        description="Submit measurements (the GraphQL form of POST /organizations/{orgId}/measurements).",
        extensions=authorize(UPLOAD, KIND),
    )
    async def submit_measurements(self, info: Info, input: SubmitMeasurementsInput) -> SubmitMeasurementsPayload:
        principal = info.context.require_principal()

        async def accept() -> Any:
            try:
                return await ingest.accept_measurements(
                    principal.organization_id,
                    _wire(input),
                    queue=info.context.queue,
                    actor=principal.actor,
                    source="GRAPHQL",
                )
            except ingest.BatchTooLarge as exc:  # over HTTP a 413; here a problem with the list
                raise fail(("measurements",), ErrorCode.INVALID, str(exc)) from None

        return await respond(
            SubmitMeasurementsPayload,
            ("result", "batch_id"),
            accept,
            lambda batch_id: ("accepted", strawberry.ID(str(batch_id))),
            at=("input",),
        )
