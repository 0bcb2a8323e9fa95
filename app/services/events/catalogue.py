"""Every event type Metergraph records (SEMANTICS §14.1), for `eventTypes` and for
destinations that subscribe by type. An entity's configuration events are named after its
model class lowercased (`CompoundAggregation` → `compoundaggregation`), see changes.py.

Configuration entities and the changes they have:
- organizationconfig: updated (it is created with the organization, before any listener);
- user: created (invited), updated (invitation accepted); no user is deleted today;
- every other entity of SEMANTICS §§2–5: created, updated, deleted, where the API can.
Non-configuration families carry their own payloads (see record sites):
- billing.bill.*: {new} or {old, new}, the bill without line items;
- billing.billjob.*: {new}, the job after it ended;
- billing.billconfig.updated: {old, new} (bill lock date);
- ingest.validation.failure: {batchId, itemCount, stored, duplicates, rejected,
  rejections: first 100 [{index, uid, code, reason}]};
- scheduled.billrun.completed: {runAt, billJobIds, created, updated, unchanged, failed};
- scheduled.bill.enddate: {new}, the bill whose late-data window closed (windows.py).
- export.job.completed|failed: {new}, the export job after it ended.
"""

from __future__ import annotations

CRUD = ("created", "updated", "deleted")

# entity → the changes the API can make to it (other engineers add their entities here).
CONFIGURATION: dict[str, tuple[str, ...]] = {
    "organizationconfig": ("updated",),
    "currency": CRUD,
    "user": ("created", "updated"),
    "serviceuser": ("created", "deleted"),
    "accesskey": ("created", "updated", "deleted"),
    "permissionpolicy": CRUD,
    "policyattachment": ("created", "deleted"),
    "product": CRUD,
    "meter": CRUD,
    "aggregation": CRUD,
    "compoundaggregation": CRUD,
    "plantemplate": CRUD,
    "plan": CRUD,
    "pricing": CRUD,
    "account": CRUD,
    "accountplan": CRUD,
    "commitment": CRUD,
    "balance": CRUD,
    "balancetransaction": ("created", "deleted"),  # a credit is never updated (SEMANTICS §11.1)
    "transactiontype": CRUD,
    "plangroup": CRUD,
    "plangrouplink": ("created", "deleted"),
    "counter": CRUD,
    "counterpricing": CRUD,
    "counteradjustment": CRUD,
    "creditreason": CRUD,
    "debitreason": CRUD,
    # updated also by rotateWebhookSecret, and by delivery when it disables the destination
    "webhookdestination": CRUD,
}

OTHER_TYPES: tuple[str, ...] = (
    "billing.billconfig.updated",
    "billing.charge.created",
    "billing.charge.updated",
    "billing.charge.deleted",
    "billing.bill.created",
    "billing.bill.updated",
    "billing.bill.approved",
    "billing.bill.locked",
    "billing.billjob.completed",
    "billing.billjob.failed",
    "billing.billjob.cancelled",
    "ingest.validation.failure",
    "scheduled.billrun.completed",
    "scheduled.bill.enddate",
    "export.job.completed",
    "export.job.failed",
)


def event_types() -> list[str]:
    """The catalogue, sorted."""
    configuration = [
        f"configuration.{entity}.{action}" for entity, actions in CONFIGURATION.items() for action in actions
    ]
    return sorted({*configuration, *OTHER_TYPES})
