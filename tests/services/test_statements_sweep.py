"""The statements sweep (app/services/statements/sweep.py): a bill approved while its
statement job could not be enqueued gets its statement from the worker's sweep, once,
and only when the organization asks for statements and the approval is recent.

The world (tests.services): acme, a monthly plan from 2024-01-01 (UTC), 700 GB in January,
billed by the 02-01 00:30 tick (tests/services/test_memos_billing.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models.billing import Bill
from app.models.organization import OrganizationConfig
from app.models.statements import BillStatement
from app.services.billing.lifecycle import approve_bills
from app.services.statements.sweep import GRACE, WINDOW
from tests.services.test_memos_billing import january, world_with_bill
from workers import jobs


async def stored(world, bill: Bill) -> list[tuple[str, int]]:
    return await BillStatement.filter(organization_id=world.organization_id, bill_id=bill.id).values_list(
        "format", "bill_version"
    )


async def test_a_bill_approved_without_its_statement_job_gets_it_from_the_sweep_once(app):
    """approve_bills commits the approval; its statement request (made by the API after the
    commit) never happened, as when Redis is down. Within the grace the sweep leaves it to
    the job; after it, the sweep stores both formats; a second pass finds nothing."""
    world = await world_with_bill(auto_generate_statement_mode="JSON_AND_CSV")
    bill = await january(world)
    await approve_bills(world.organization_id, [bill.id], actor="t")
    approved_at = datetime.now(UTC)
    # The counts are of every organization in the database; the rows are this one's.
    await jobs.sweep_due_statements({}, approved_at.isoformat())
    assert await stored(world, bill) == []
    later = (approved_at + GRACE + timedelta(seconds=5)).isoformat()
    assert await jobs.sweep_due_statements({}, later) >= 1
    bill = await january(world)
    assert sorted(await stored(world, bill)) == [("CSV", bill.version), ("JSON", bill.version)]
    assert (bill.json_statement_generated, bill.csv_statement_generated, bill.statement_stale) == (True, True, False)
    await jobs.sweep_due_statements({}, later)
    versions = await BillStatement.filter(organization_id=world.organization_id, bill_id=bill.id).values_list(
        "version", flat=True
    )
    assert versions == [1, 1]  # not written again


async def test_the_sweep_leaves_pending_old_and_unconfigured_bills_alone(app):
    """PENDING: never automatic. Mode NONE: nothing. Approved more than the window ago:
    left alone (it may predate the organization's choice of a mode)."""
    world = await world_with_bill(auto_generate_statement_mode="JSON")
    bill = await january(world)
    now = datetime.now(UTC)
    await jobs.sweep_due_statements({}, (now + GRACE * 2).isoformat())
    assert await stored(world, bill) == []  # still PENDING
    await approve_bills(world.organization_id, [bill.id], actor="t")
    await jobs.sweep_due_statements({}, (now + WINDOW + GRACE).isoformat())
    assert await stored(world, bill) == []  # approved too long ago
    await OrganizationConfig.filter(organization_id=world.organization_id).update(auto_generate_statement_mode="NONE")
    await jobs.sweep_due_statements({}, (now + GRACE * 2).isoformat())
    assert await stored(world, bill) == []  # the organization asks for none
