"""Export job types, the `exportJobs`/`exportJob` queries and `createExportJob`."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import strawberry

from app.domain.exports.formats import ExportFormat as FormatValue
from app.domain.exports.formats import ExportKind as KindValue
from app.graphql.authorization import authorize
from app.graphql.billing.mutations import enqueuer
from app.graphql.context import Info
from app.graphql.errors import UserError, respond
from app.graphql.lookups import by_id_or_code
from app.graphql.pagination import Connection, paginate
from app.models import exports as m
from app.services import exports
from app.services.errors import PermissionDenied

log = logging.getLogger(__name__)
READ, CREATE = "config:retrieve", "config:create"
# What reading the records of each kind needs (as the download routes check it).
KIND_READS = {
    "BILLS": ("config:retrieve", "config:bill/item/*"),
    "MEASUREMENTS": ("measurements:retrieve", "measurements:measurement/item/*"),
    "USAGE": ("measurements:retrieve", "measurements:measurement/item/*"),
}

ExportKind = strawberry.enum(KindValue, name="ExportKind", description="What an export holds (SEMANTICS §15.1).")
ExportFormat = strawberry.enum(FormatValue, name="ExportFormat", description="CSV (RFC 4180) or JSON Lines.")


@strawberry.enum(description="Where an export job is.")
class ExportJobStatus(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


@strawberry.enum(description="The periods of a USAGE export's rows.")
class UsageGranularity(Enum):
    DAY = "DAY"
    MONTH = "MONTH"
    BILLING_PERIOD = "BILLING_PERIOD"


@strawberry.type(description="An export written to a file by a worker, downloaded at /exports/jobs/{id}/download.")
class ExportJob:
    id: strawberry.ID = strawberry.field(description="Id of the job.")
    version: int = strawberry.field(description="Incremented by every change of status.")
    kind: ExportKind = strawberry.field(description="What the export holds.")
    format: ExportFormat = strawberry.field(description="The file's format.")
    filters: strawberry.scalars.JSON = strawberry.field(description="The filters, as the download route's parameters.")
    status: ExportJobStatus = strawberry.field(description="PENDING, RUNNING, COMPLETE, FAILED or EXPIRED.")
    row_count: int | None = strawberry.field(description="Data rows in the file (CSV: after the header).")
    byte_size: int | None = strawberry.field(description="Size of the file in bytes.")
    sha256: str | None = strawberry.field(description="SHA-256 of the file, hex.")
    expires_at: datetime | None = strawberry.field(description="When the file is deleted.")
    error: str | None = strawberry.field(description="Why the job FAILED.")
    download_url: str | None = strawberry.field(description="Path to download the file while it is COMPLETE.")
    dt_created: datetime = strawberry.field(description="When it was asked for.")
    dt_completed: datetime | None = strawberry.field(description="When it ended.")
    created_by: str | None = strawberry.field(description="Principal that asked for it.")

    @classmethod
    def of(cls, row: m.ExportJob) -> ExportJob:
        status = exports.status_at(row, datetime.now(UTC))
        return cls(
            id=strawberry.ID(str(row.id)),
            version=row.version,
            kind=KindValue(row.kind),
            format=FormatValue(row.format),
            filters=row.filters,
            status=ExportJobStatus(status),
            row_count=row.row_count,
            byte_size=row.byte_size,
            sha256=row.sha256,
            expires_at=row.expires_at,
            error=row.error,
            download_url=f"/exports/jobs/{row.id}/download" if status == m.COMPLETE else None,
            dt_created=row.dt_created,
            dt_completed=row.dt_completed,
            created_by=row.created_by,
        )


@strawberry.input(description="Filters of an export; each applies to the kinds SEMANTICS §15.1 names.")
class ExportFiltersInput:
    from_: str | None = strawberry.field(
        default=None, name="from", description="Start (inclusive): YYYY-MM-DD or an instant with offset."
    )
    to: str | None = strawberry.field(default=None, description="End (exclusive), like from.")
    account_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these accounts.")
    status: str | None = strawberry.field(default=None, description="BILLS: PENDING or APPROVED.")
    locked: bool | None = strawberry.field(default=None, description="BILLS: locked or unlocked bills only.")
    meter_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="MEASUREMENTS: these meters.")
    aggregation_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="USAGE: these aggregations or compound aggregations."
    )
    granularity: UsageGranularity | None = strawberry.field(default=None, description="USAGE: the rows' periods.")

    def as_parameters(self) -> dict[str, str]:
        values: dict[str, Any] = {
            "from": self.from_,
            "to": self.to,
            "accountIds": self.account_ids,
            "status": self.status,
            "locked": self.locked,
            "meterIds": self.meter_ids,
            "aggregationIds": self.aggregation_ids,
            "granularity": self.granularity.value if self.granularity else None,
        }
        return {name: _parameter(value) for name, value in values.items() if value is not None}


def _parameter(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return value.isoformat() if isinstance(value, date) else str(value)


@strawberry.input(description="An export to write to a file.")
class CreateExportJobInput:
    kind: ExportKind = strawberry.field(description="BILLS, MEASUREMENTS or USAGE.")
    format: ExportFormat = strawberry.field(description="CSV or JSONL.")
    filters: ExportFiltersInput | None = strawberry.field(default=None, description="Which records; none = all.")


@strawberry.type(description="Result of createExportJob.")
class ExportJobPayload:
    export_job: ExportJob | None = strawberry.field(description="The job, PENDING.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type
class ExportQuery:
    @strawberry.field(
        description="Export jobs of the organization, newest first.", extensions=authorize(READ, "exportJob")
    )
    async def export_jobs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ExportJob]:
        query = m.ExportJob.filter(organization_id=info.context.organization_id)
        return await paginate(query, first, after, ExportJob.of, order_by=("-dt_created", "-id"))

    @strawberry.field(description="One export job by id.", extensions=authorize(READ, "exportJob"))
    async def export_job(self, info: Info, id: strawberry.ID) -> ExportJob | None:
        row = await by_id_or_code(m.ExportJob.filter(organization_id=info.context.organization_id), id, None)
        return ExportJob.of(row) if row else None


@strawberry.type
class ExportMutation:
    @strawberry.mutation(
        description="Write an export to a file in a worker; needs the read permission of its records too.",
        extensions=authorize(CREATE, "exportJob"),
    )
    async def create_export_job(self, info: Info, input: CreateExportJobInput) -> ExportJobPayload:
        principal = info.context.require_principal()
        action, collection = KIND_READS[input.kind.value]
        # The worker exports the whole collection: a reader denied single items may not.
        if not principal.permissions.allows_every_item(action, collection):
            raise PermissionDenied(f"not permitted: {action} on {collection}")
        command = exports.CreateExportJob(
            input.kind.value, input.format.value, input.filters.as_parameters() if input.filters else {}
        )

        async def create() -> m.ExportJob:
            job = await exports.create_export_job(principal.organization_id, command, actor=principal.actor)
            try:
                await enqueuer(info)(exports.RUN_EXPORT_JOB, str(job.id), str(job.organization_id))
            except Exception:  # noqa: BLE001 - the job is stored: the workers' sweep enqueues it later
                log.warning("could not enqueue export job %s", job.id, exc_info=True)
            return job

        return await respond(ExportJobPayload, "export_job", create, ExportJob.of, at=())
