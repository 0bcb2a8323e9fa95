"""Measurement ingest (SEMANTICS §6, DESIGN §4 "Ingest").

- `accept_measurements`: the REST route and `submitMeasurements` store the raw batch
  and enqueue it (accept).
- `process_measurement_batch`: the arq job of the same name (process).
- `sweep_unprocessed_batches`, `ensure_partitions`: periodic housekeeping (sweep).
- `get_batch`, `batch_failures`, `list_measurements`: reads for the API (reads).
"""

from app.services.ingest.accept import (
    MAX_BODY_BYTES,
    BatchTooLarge,
    accept_measurements,
    dequeue_taken_batches,
    enqueue_batch,
    job_id,
    taking_jobs_off,
)
from app.services.ingest.process import BatchOutcome, process_measurement_batch
from app.services.ingest.reads import (
    MeasurementFilter,
    MeasurementRow,
    batch_failures,
    count_measurements,
    get_batch,
    list_measurements,
    pending_batch_ids,
)
from app.services.ingest.sweep import ensure_partitions, sweep_unprocessed_batches

__all__ = [
    "MAX_BODY_BYTES",
    "BatchOutcome",
    "BatchTooLarge",
    "MeasurementFilter",
    "MeasurementRow",
    "accept_measurements",
    "batch_failures",
    "count_measurements",
    "dequeue_taken_batches",
    "taking_jobs_off",
    "enqueue_batch",
    "ensure_partitions",
    "get_batch",
    "job_id",
    "list_measurements",
    "pending_batch_ids",
    "process_measurement_batch",
    "sweep_unprocessed_batches",
]
