"""Bills and bill jobs (SEMANTICS §7.4–7.5, DESIGN §4 "Bill job").

Modules
- `commands`: the typed requests (CreateBillJob, RecalculateBills) resolvers build.
- `bill_jobs`: create_bill_job, recalculate_bills, cancel_bill_job (and the re-exports below).
- `run`: run_bill_job (the arq job body) and process_bill_job_chunks (the claim loop).
- `sweep`: sweep_bill_jobs, resuming jobs no worker works on.
- `preview`: preview_bill, the same computation stored nowhere.
- `initialize`, `claims`, `state`, `work`: the steps of a run and the job's rows.
- `compute`: compose_for_accounts, composing bills for many accounts with a bounded
  number of queries: `planning` (what to bill, which usage windows), `compose_planned`
  (usage, history, commitments, the domain), `redirect_children` (a bill made with
  another account's), `merge`; `snapshots`, `window_usage`, `previous` load their inputs;
  `job_usage`: a job's usage, read once for all its accounts.
- `persist_many`: storing a chunk's bills in one transaction; `persist`: storing one bill
  in its own transaction; `bill_rows`: the invoice numbering and line items both share.
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
from app.services.billing.planning import BillRequest

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
