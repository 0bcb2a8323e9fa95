"""Bills and bill jobs (SEMANTICS §7.4–7.5, DESIGN §4 "Bill job").

Modules
- `commands`: the typed requests (CreateBillJob, RecalculateBills) resolvers build.
- `bill_jobs`: create_bill_job, recalculate_bills, cancel_bill_job (and the re-exports below).
- `run`: run_bill_job (the arq job body) and process_bill_job_chunks (the claim loop).
- `sweep`: sweep_bill_jobs, resuming jobs no worker works on.
- `preview`: preview_bill, the same computation stored nowhere.
- `initialize`, `claims`, `state`, `work`: the steps of a run and the job's rows.
- `compute`, `snapshots`, `window_usage`, `previous`: composing bills for many accounts with a
  bounded number of queries; `job_usage`: a job's usage, read once for all its accounts.
- `persist_many`: storing a chunk's bills in one transaction; `persist`: storing one bill
  in its own transaction.
"""

from app.services.billing.bill_jobs import (
    ClaimLoops,
    cancel_bill_job,
    create_bill_job,
    preview_bill,
    process_bill_job_chunks,
    recalculate_bills,
    run_bill_job,
    sweep_bill_jobs,
)
from app.services.billing.commands import CreateBillJob, CurrencyConversion, RecalculateBills
from app.services.billing.compute import BillRequest

__all__ = [
    "BillRequest",
    "ClaimLoops",
    "CreateBillJob",
    "CurrencyConversion",
    "RecalculateBills",
    "cancel_bill_job",
    "create_bill_job",
    "preview_bill",
    "process_bill_job_chunks",
    "recalculate_bills",
    "run_bill_job",
    "sweep_bill_jobs",
]
