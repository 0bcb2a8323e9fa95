"""A bill job's progress as a statement that changed it returned it: what a progress
message carries (`app.progress.progress_fields`), published without reading the job row
again after each chunk. The row's list of bill ids grows with the job; a message carries
only its length, so the row is not read, decoded and counted once per chunk."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    id: uuid.UUID
    status: str
    total: int
    pending: int
    failed: int
    version: int
    bill_count: int  # as `BillJob.bill_count`, counted by the statement
