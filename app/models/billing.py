"""Bills, their line items, and the bill jobs that make them (SEMANTICS §7).

A bill job's accounts are rows (`BillJobAccount`): workers claim them in chunks with
`FOR UPDATE SKIP LOCKED`, so several workers share one job and a crashed worker's chunk
is found again by the database, not by the queue.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel
from app.models.fields import NumericField


class BillJob(TenantModel):
    status = fields.CharField(
        max_length=16, default="PENDING"
    )  # PENDING INITIALIZING RUNNING COMPLETE CANCELLED FAILED
    type = fields.CharField(max_length=16, default="CREATE")  # CREATE | RECALCULATE
    last_date_in_billing_period = fields.DateField(null=True)
    bill_date = fields.DateField(null=True)
    billing_frequency = fields.CharField(max_length=16, null=True)  # null: every frequency
    account_ids = fields.JSONField(null=True)  # null: every account with an active plan
    bill_ids = fields.JSONField(null=True)  # RECALCULATE: the bills asked for
    currency_conversions = fields.JSONField(null=True)  # overrides the organization's
    total = fields.IntField(default=0)
    pending = fields.IntField(default=0)
    failed = fields.IntField(default=0)
    # Bills made or updated so far, counted by each chunk as it finishes (what progress
    # carries); the bills themselves are on the job's `bill_job_accounts` rows.
    bill_count = fields.IntField(default=0, db_default=0)
    # The bills made or updated, written once when the job ends (its ending event carries
    # them): appending at every chunk rewrote the whole list each time (migration 0025).
    result_bill_ids = fields.JSONField(default=list)
    failure_reason = fields.TextField(null=True)  # FAILED: why the job could not run at all
    dt_started = fields.DatetimeField(null=True)
    dt_completed = fields.DatetimeField(null=True)
    # Set by the worker working on the job; the sweep resumes jobs whose heartbeat is old.
    dt_heartbeat = fields.DatetimeField(null=True)
    # Accepted ingest batches up to this instant are included (SEMANTICS §6).
    dt_cutoff = fields.DatetimeField(null=True)
    # Overrides the external invoice date of every bill the job writes (SEMANTICS §13.2 rule 6).
    external_invoice_date = fields.DateField(null=True)
    # Started by the scheduler (SEMANTICS §13.2 rule 1) for the run instant `triggered_at`.
    scheduled = fields.BooleanField(default=False, db_default=False)
    triggered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "bill_jobs"


class BillJobAccount(TenantModel):
    # No one-column indexes (migration 0023): the unique key (organization, job, account) serves them.
    organization_id = fields.UUIDField()
    bill_job_id = fields.UUIDField()
    account_id = fields.UUIDField()
    status = fields.CharField(max_length=16, default="PENDING")  # PENDING DONE FAILED
    reason = fields.TextField(null=True)
    bill_ids = fields.JSONField(default=list)
    # A claim is a lease, not a held lock: only short transactions touch these rows, so no
    # connection stays open while bills are computed. A PENDING row whose lease is older
    # than the lease time belongs to a worker that died and may be claimed again.
    claim_token = fields.CharField(max_length=64, null=True)
    dt_claimed = fields.DatetimeField(null=True)

    class Meta:
        table = "bill_job_accounts"
        unique_together = (("organization_id", "bill_job_id", "account_id"),)


class Bill(TenantModel):
    # No index of its own (migration 0022): the unique key below leads with it, and a
    # one-column index on it misled a planner without statistics (see the migration).
    organization_id = fields.UUIDField()
    account_id = fields.UUIDField()  # the unique key's second column (migration 0023)
    account_code = fields.CharField(max_length=80)
    bill_date = fields.DateField()
    due_date = fields.DateField()
    start_date = fields.DateField()
    end_date = fields.DateField()
    billing_frequency = fields.CharField(max_length=16)  # DAILY WEEKLY MONTHLY ANNUALLY AD_HOC
    currency = fields.CharField(max_length=80)
    status = fields.CharField(max_length=16, default="PENDING")  # PENDING | APPROVED
    locked = fields.BooleanField(default=False)
    # Locked by the organization's lock date, not by a person (SEMANTICS §13.2 rule 5):
    # only these locks are undone when the lock date moves back.
    locked_by_lock_date = fields.BooleanField(default=False, db_default=False)
    # Auto-approval (SEMANTICS §13.2 rule 4): approved by the schedule at least once; and
    # never again once a client's job recalculated it.
    auto_approved = fields.BooleanField(default=False, db_default=False)
    auto_approve_blocked = fields.BooleanField(default=False, db_default=False)
    # SEMANTICS §13.2 rule 6, written with the bill; null on bills made before it existed (read as the bill date).
    external_invoice_date = fields.DateField(null=True)
    bill_job_id = fields.UUIDField(null=True)
    last_calculated_date = fields.DatetimeField(null=True)
    purchase_order_number = fields.CharField(max_length=200, null=True)
    sequential_invoice_number = fields.CharField(max_length=120, null=True)
    bill_total = NumericField(default=0)
    # Statements (SEMANTICS §12.2 rule 3): which formats are stored, and whether the bill has
    # changed since (a recalculation that changed it, or a memo change).
    json_statement_generated = fields.BooleanField(default=False, db_default=False)
    csv_statement_generated = fields.BooleanField(default=False, db_default=False)
    statement_stale = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "bills"
        # SEMANTICS §7.1: one bill per (account, bill date, frequency), enforced here so
        # that concurrent and repeated runs recalculate in place instead of duplicating.
        unique_together = (("organization_id", "account_id", "bill_date", "billing_frequency"),)


class BillLineItem(TenantModel):
    # No one-column indexes (migration 0023): bill_line_items_bill_idx (organization, bill) serves them.
    organization_id = fields.UUIDField()
    bill_id = fields.UUIDField()
    position = fields.IntField()
    line_item_type = fields.CharField(max_length=32)
    description = fields.CharField(max_length=400, null=True)
    account_plan_id = fields.UUIDField(null=True)
    product_id = fields.UUIDField(null=True)
    plan_id = fields.UUIDField(null=True)
    pricing_id = fields.UUIDField(null=True)
    aggregation_id = fields.UUIDField(null=True)
    compound_aggregation_id = fields.UUIDField(null=True)
    meter_id = fields.UUIDField(null=True)
    commitment_id = fields.UUIDField(null=True)
    # BALANCE_CONSUMED lines (SEMANTICS §11.2): the balance, and the part of the draw (balance
    # currency) taken from its rollover; the balance amount is derived from these, never counted.
    balance_id = fields.UUIDField(null=True)
    rollover_consumed = NumericField(null=True)
    charge_id = fields.UUIDField(null=True)  # AD_HOC / BALANCE_FEE lines (SEMANTICS §9.2)
    plan_group_id = fields.UUIDField(null=True)  # plan group member and group lines (SEMANTICS §10.2)
    segment = fields.JSONField(null=True)
    child_account_id = fields.UUIDField(null=True)
    child_account_code = fields.CharField(max_length=80, null=True)
    counter_id = fields.UUIDField(null=True)  # counter lines (SEMANTICS §8.2 rule 5)
    quantity = NumericField(null=True)
    units = NumericField(null=True)
    unit = fields.CharField(max_length=80, null=True)
    subtotal = NumericField()
    currency = fields.CharField(max_length=80)
    conversion_rate = NumericField(default=1)
    converted_subtotal = NumericField()
    average_unit_price = NumericField(null=True)
    service_period_start = fields.DatetimeField(null=True)
    service_period_end = fields.DatetimeField(null=True)
    # [{"lowerLimit","unitPrice","fixedPrice","bandUnits","bandQuantity","bandSubtotal"}] as strings
    usage_per_pricing_band = fields.JSONField(default=list)
    # Memo lines only (SEMANTICS §12.1): the CreditReason / DebitReason, and the line corrected.
    reason_id = fields.UUIDField(null=True)
    referenced_bill_id = fields.UUIDField(null=True)
    referenced_line_item_id = fields.UUIDField(null=True)

    class Meta:
        table = "bill_line_items"


class BillConfig(TenantModel):
    """The organization's bill settings (SEMANTICS §13.2 rule 5); no row means no lock date."""

    bill_lock_date = fields.DateField(null=True)

    class Meta:
        table = "bill_configs"
        unique_together = (("organization_id",),)


class ScheduledRun(TenantModel):
    """One scheduled run of an organization, claimed once: the unique (organization, run
    instant) is what keeps two workers from starting the same run (SEMANTICS §13.2)."""

    run_at = fields.DatetimeField()
    bill_job_ids = fields.JSONField(default=list)

    class Meta:
        table = "scheduled_runs"
        unique_together = (("organization_id", "run_at"),)
