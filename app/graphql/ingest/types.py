"""GraphQL types and inputs of ingest: batches, their failures, measurements, usage."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from app.graphql.errors import UserError
from app.graphql.pagination import Connection, connection_of_list
from app.models import ingest as m
from app.services import ingest

SECTIONS = ("who", "what", "where", "other", "metadata", "measure", "income", "cost")


@strawberry.type(description="A measurement of a batch that was not stored.")
class IngestFailure:
    index: int = strawberry.field(description="Position of the measurement in its batch (0-based).")
    uid: str | None = strawberry.field(description="The measurement's uid, if it had one.")
    code: str = strawberry.field(
        description="Why, as a stable code: UNKNOWN_METER, UNKNOWN_FIELD, WRONG_TYPE, METADATA_TOO_LONG, "
        "TS_IN_FUTURE, TS_OUT_OF_RANGE, DERIVED_FIELD, INVALID_UID, INVALID_ACCOUNT."
    )
    reason: str = strawberry.field(description="Why, for people.")

    @classmethod
    def of(cls, f: m.IngestFailure) -> IngestFailure:
        return cls(index=f.batch_index, uid=f.uid, code=f.code, reason=f.reason)


@strawberry.type(description="An accepted batch of measurements and what processing made of it.")
class IngestBatch:
    id: strawberry.ID = strawberry.field(description="Id of the batch (the batchId of the ingest answer).")
    status: str = strawberry.field(description="PENDING until a worker has processed it, then PROCESSED.")
    source: str = strawberry.field(description="REST or GRAPHQL.")
    accepted: int = strawberry.field(description="Measurements in the batch.")
    stored: int | None = strawberry.field(description="Measurements stored; null while PENDING.")
    duplicates: int | None = strawberry.field(
        description="Measurements not stored because their uid was already stored; null while PENDING."
    )
    rejected: int | None = strawberry.field(description="Measurements refused (see failures); null while PENDING.")
    attempts: int = strawberry.field(
        description="Processing attempts that failed with an error (retried automatically)."
    )
    last_error: str | None = strawberry.field(description="The error of the last failed attempt.")
    dt_created: datetime = strawberry.field(description="When the batch was accepted.")
    dt_processed: datetime | None = strawberry.field(description="When it was processed.")
    _id: strawberry.Private[uuid.UUID]
    _organization_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The measurements that were refused, in batch order.")
    async def failures(self, first: int | None = None, after: str | None = None) -> Connection[IngestFailure]:
        rows = await ingest.batch_failures(self._organization_id, self._id)
        return connection_of_list(rows, first, after, IngestFailure.of)

    @classmethod
    def of(cls, b: m.MeasurementBatch) -> IngestBatch:
        return cls(
            id=strawberry.ID(str(b.id)),
            status=b.status,
            source=b.source,
            accepted=b.item_count,
            stored=b.stored,
            duplicates=b.duplicates,
            rejected=b.rejected,
            attempts=b.attempts,
            last_error=b.last_error,
            dt_created=b.dt_created,
            dt_processed=b.dt_processed,
            _id=b.id,
            _organization_id=b.organization_id,
        )


@strawberry.type(description="A stored measurement.")
class Measurement:
    uid: str | None = strawberry.field(description="Client-given unique id, if any.")
    meter_id: strawberry.ID = strawberry.field(description="The meter.")
    meter_code: str | None = strawberry.field(description="Code of the meter.")
    account_id: strawberry.ID = strawberry.field(description="The account.")
    account_code: str | None = strawberry.field(description="Code of the account.")
    ts: datetime = strawberry.field(description="When the usage happened.")
    ets: datetime | None = strawberry.field(description="End of the usage, if given.")
    batch_id: strawberry.ID = strawberry.field(description="The batch it arrived in.")
    batch_index: int = strawberry.field(description="Its position in that batch.")
    data: JSON = strawberry.field(
        description="Data and derived field values by field code; numbers as exact decimal strings."
    )

    @classmethod
    def of(cls, r: ingest.MeasurementRow) -> Measurement:
        data = {code: str(v) if isinstance(v, Decimal) else v for code, v in r.data.items()}
        return cls(
            uid=r.uid,
            meter_id=strawberry.ID(str(r.meter_id)),
            meter_code=r.meter_code,
            account_id=strawberry.ID(str(r.account_id)),
            account_code=r.account_code,
            ts=r.ts,
            ets=r.ets,
            batch_id=strawberry.ID(str(r.batch_id)),
            batch_index=r.batch_index,
            data=data,
        )


@strawberry.input(description="Narrows the measurements list; every given criterion must hold.")
class MeasurementFilter:
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only this account.")
    account_code: str | None = strawberry.field(default=None, description="Only the account with this code.")
    meter_id: strawberry.ID | None = strawberry.field(default=None, description="Only this meter.")
    meter_code: str | None = strawberry.field(default=None, description="Only the meter with this code.")
    from_: datetime | None = strawberry.field(default=None, name="from", description="ts at or after this instant.")
    to: datetime | None = strawberry.field(default=None, description="ts before this instant.")
    uid: str | None = strawberry.field(default=None, description="Only the measurement with this uid.")
    batch_id: strawberry.ID | None = strawberry.field(default=None, description="Only measurements of this batch.")


@strawberry.type(description="An account's usage of an aggregation or compound aggregation, computed as billing does.")
class Usage:
    quantity: Decimal | None = strawberry.field(
        description="Raw aggregated quantity (defaultValue when there was no usage); null: no usage and no default."
    )
    units: Decimal | None = strawberry.field(description="quantity / quantityPerUnit, rounded as the aggregation says.")


@strawberry.input(description="One measurement, as in m3ter's ingest API.")
class MeasurementInput:
    meter: str = strawberry.field(description="Code of the meter.")
    account: str = strawberry.field(description="Code of the account (created when unknown).")
    ts: datetime = strawberry.field(description="When the usage happened.")
    uid: str | None = strawberry.field(
        default=None, description="Unique id (≤ 50 characters): a uid stored in the last 35 days is not stored again."
    )
    ets: datetime | None = strawberry.field(default=None, description="End of the usage.")
    who: JSON | None = strawberry.field(default=None, description="WHO fields: code → string.")
    what: JSON | None = strawberry.field(default=None, description="WHAT fields: code → string.")
    where: JSON | None = strawberry.field(default=None, description="WHERE fields: code → string.")
    other: JSON | None = strawberry.field(default=None, description="OTHER fields: code → string.")
    metadata: JSON | None = strawberry.field(
        default=None, description="METADATA fields: code → string (≤ 256 characters)."
    )
    measure: JSON | None = strawberry.field(default=None, description="MEASURE fields: code → number.")
    income: JSON | None = strawberry.field(default=None, description="INCOME fields: code → number.")
    cost: JSON | None = strawberry.field(default=None, description="COST fields: code → number.")


@strawberry.input(description="A batch of 1–1000 measurements.")
class SubmitMeasurementsInput:
    measurements: list[MeasurementInput] = strawberry.field(description="The measurements.")


@strawberry.type(description="Result of submitMeasurements.")
class SubmitMeasurementsPayload:
    result: str | None = strawberry.field(description='"accepted": the batch is stored and will be processed.')
    batch_id: strawberry.ID | None = strawberry.field(description="Id of the batch; follow it with ingestBatch.")
    user_errors: list[UserError] = strawberry.field(description="Why the whole batch was refused; empty on success.")
