"""`billConfig` and `updateBillConfig` through GraphQL (SEMANTICS §13.2 rule 5): the lock
date's rules with their exact error paths, the bills it locks as clients see them, and who
may read and change it.

Bills come from a real bill job run by a real arq burst worker (`tests.graphql.test_bills`):
alpha and beta billed for January 2026, dated 2026-02-01 (last day 2026-01-31).
"""

from __future__ import annotations

from datetime import date

from app.models.billing import Bill, BillConfig
from tests.conftest import data_of
from tests.graphql.test_bills import billed, codes, story, top_code  # noqa: F401 - fixtures
from tests.graphql.test_permissions_enforced import custom_policy, principal
from tests.scenarios import ERRORS, bill_queue  # noqa: F401 - fixture

READ = "{ billConfig { billLockDate version } }"
UPDATE = f"""mutation($date: Date, $version: Int!) {{
  updateBillConfig(input: {{billLockDate: $date, version: $version}})
  {{ billConfig {{ billLockDate version }} {ERRORS} }} }}"""
LOCKS = "query($id: ID!) { bill(id: $id) { id status locked lockedByLockDate version } }"


async def update(story, lock_date: str | None, version: int, token: str | None = None) -> dict:
    return data_of(await story.tenant.gql(UPDATE, {"date": lock_date, "version": version}, token=token))[
        "updateBillConfig"
    ]


async def lock_state(story, bill: dict) -> tuple:
    row = data_of(await story.tenant.gql(LOCKS, {"id": bill["id"]}))["bill"]
    return row["status"], row["locked"], row["lockedByLockDate"]


async def test_an_organization_starts_without_a_lock_date(billed):
    assert data_of(await billed.tenant.gql(READ))["billConfig"] == {"billLockDate": None, "version": 1}


async def test_pending_bills_in_range_refuse_the_date_naming_them_and_nothing_changes(billed):
    refused = await update(billed, "2026-01-31", 1)
    assert refused["billConfig"] is None
    assert codes(refused["userErrors"]) == [(["input", "billLockDate"], "INVALID_STATE")]
    message = refused["userErrors"][0]["message"]
    assert billed.a["id"] in message and billed.b["id"] in message
    assert data_of(await billed.tenant.gql(READ))["billConfig"] == {"billLockDate": None, "version": 1}
    assert await lock_state(billed, billed.a) == ("PENDING", False, False)

    # The day before the period's last day covers nothing: accepted, nothing locked.
    before = await update(billed, "2026-01-30", 1)
    assert before == {"billConfig": {"billLockDate": "2026-01-30", "version": 2}, "userErrors": []}
    assert await lock_state(billed, billed.a) == ("PENDING", False, False)


async def test_a_date_outside_the_range_billing_computes_with_is_refused(billed):
    """Found by probing: 9999-12-31 was stored after a server error in the check of the
    bills it would lock (app.domain.date_range)."""
    for outside in ("9999-12-31", "1899-12-31", "3000-01-01"):
        refused = await update(billed, outside, 1)
        assert (refused["billConfig"], codes(refused["userErrors"])) == (None, [(["input", "billLockDate"], "INVALID")])
    assert data_of(await billed.tenant.gql(READ))["billConfig"] == {"billLockDate": None, "version": 1}


async def test_the_date_locks_approved_bills_and_moving_it_back_keeps_a_persons_lock(billed):
    approved = {b["id"]: b for b in await billed.approve([billed.a["id"], billed.b["id"]])}
    await billed.lock(approved[billed.a["id"]])  # alpha: locked by a person
    locked = await update(billed, "2026-01-31", 1)  # exactly January's last day
    assert locked == {"billConfig": {"billLockDate": "2026-01-31", "version": 2}, "userErrors": []}
    assert await lock_state(billed, billed.a) == ("APPROVED", True, False)
    assert await lock_state(billed, billed.b) == ("APPROVED", True, True)

    stale = await update(billed, None, 1)
    assert (stale["billConfig"], codes(stale["userErrors"])) == (None, [(["input", "version"], "CONFLICT")])
    assert await lock_state(billed, billed.b) == ("APPROVED", True, True)

    cleared = await update(billed, None, 2)
    assert cleared == {"billConfig": {"billLockDate": None, "version": 3}, "userErrors": []}
    assert await lock_state(billed, billed.a) == ("APPROVED", True, False)  # a person's lock stays
    assert await lock_state(billed, billed.b) == ("APPROVED", False, False)


async def test_reading_needs_reading_bills_and_changing_needs_locking_bills(billed):
    read_only = await principal(billed.tenant, managed=["ReadOnly"])
    assert data_of(await billed.tenant.gql(READ, token=read_only))["billConfig"]["version"] == 1
    assert top_code(await billed.tenant.gql(UPDATE, {"date": None, "version": 1}, token=read_only)) == "FORBIDDEN"

    def allow(action: str, resource: str) -> list[dict]:
        return [{"effect": "ALLOW", "action": [action], "resource": [resource]}]

    other_reads = await principal(
        billed.tenant, custom=[await custom_policy(billed.tenant, "Jobs", allow("config:retrieve", "config:billJob/*"))]
    )
    assert top_code(await billed.tenant.gql(READ, token=other_reads)) == "FORBIDDEN"
    runner = await principal(
        billed.tenant, custom=[await custom_policy(billed.tenant, "Runner", allow("bills:run", "*"))]
    )
    assert top_code(await billed.tenant.gql(UPDATE, {"date": None, "version": 1}, token=runner)) == "FORBIDDEN"
    approver = await principal(
        billed.tenant, custom=[await custom_policy(billed.tenant, "Approver", allow("bills:approve", "bills:bill/*"))]
    )
    accepted = await update(billed, "2025-12-31", 1, token=approver)
    assert accepted["userErrors"] == [] and accepted["billConfig"]["version"] == 2
    assert top_code(await billed.tenant.gql(READ, token="")) == "UNAUTHENTICATED"


async def test_another_tenant_neither_sees_nor_moves_the_lock_date(billed, other_tenant):
    await billed.approve([billed.a["id"], billed.b["id"]])
    assert (await update(billed, "2026-01-31", 1))["userErrors"] == []
    assert data_of(await other_tenant.gql(READ))["billConfig"] == {"billLockDate": None, "version": 1}
    cleared = data_of(await other_tenant.gql(UPDATE, {"date": None, "version": 1}))["updateBillConfig"]
    assert cleared["userErrors"] == []  # its own settings
    assert await BillConfig.filter(organization_id=billed.tenant.organization_id).values_list(
        "bill_lock_date", "version"
    ) == [(date(2026, 1, 31), 2)]
    assert all(b.locked for b in await Bill.filter(organization_id=billed.tenant.organization_id))


# ------------------------------------------------------------ externalInvoiceDate (§13.2 rule 6)

INVOICE_DATES = "{ bills(first: 10) { nodes { accountCode externalInvoiceDate } } }"
CONFIG = f"""mutation($input: UpdateOrganizationConfigInput!) {{ updateOrganizationConfig(input: $input) {{
  organizationConfig {{ version externalInvoiceDate }} {ERRORS} }} }}"""


async def invoice_dates(story) -> dict[str, str]:
    nodes = data_of(await story.tenant.gql(INVOICE_DATES))["bills"]["nodes"]
    return {n["accountCode"]: n["externalInvoiceDate"] for n in nodes}


async def configure(story, **changes) -> dict:
    version = data_of(await story.tenant.gql("{ organizationConfig { version } }"))["organizationConfig"]["version"]
    payload = data_of(await story.tenant.gql(CONFIG, {"input": {"version": version, **changes}}))
    return payload["updateOrganizationConfig"]


async def test_bills_carry_the_rules_external_invoice_date_or_the_jobs_override(billed):
    # January 2026 is billed on 2026-02-01: FIRST_DAY_OF_NEXT_PERIOD (the default) gives the bill date.
    assert data_of(await billed.tenant.gql("{ organizationConfig { externalInvoiceDate } }")) == {
        "organizationConfig": {"externalInvoiceDate": "FIRST_DAY_OF_NEXT_PERIOD"}
    }
    assert await invoice_dates(billed) == {"alpha": "2026-02-01", "beta": "2026-02-01"}

    changed = await configure(billed, externalInvoiceDate="LAST_DAY_OF_ARREARS")
    assert changed["userErrors"] == [] and changed["organizationConfig"]["externalInvoiceDate"] == "LAST_DAY_OF_ARREARS"
    await billed.bill_run(lastDateInBillingPeriod="2026-01-31")  # billDate − 1 day
    assert await invoice_dates(billed) == {"alpha": "2026-01-31", "beta": "2026-01-31"}

    job = await billed.bill_run(lastDateInBillingPeriod="2026-01-31", externalInvoiceDate="2026-02-15")
    assert data_of(await billed.tenant.gql(f'{{ billJob(id: "{job["id"]}") {{ externalInvoiceDate }} }}')) == {
        "billJob": {"externalInvoiceDate": "2026-02-15"}
    }
    assert await invoice_dates(billed) == {"alpha": "2026-02-15", "beta": "2026-02-15"}

    # A locked bill keeps the date it was written with when the rule changes again.
    await billed.approve([billed.a["id"], billed.b["id"]])
    assert (await update(billed, "2026-01-31", 1))["userErrors"] == []
    assert (await configure(billed, externalInvoiceDate="FIRST_DAY_OF_NEXT_PERIOD"))["userErrors"] == []
    await billed.bill_run(lastDateInBillingPeriod="2026-01-31")
    assert await invoice_dates(billed) == {"alpha": "2026-02-15", "beta": "2026-02-15"}


async def test_the_external_invoice_date_rule_cannot_be_null(billed):
    refused = await configure(billed, externalInvoiceDate=None)
    assert (refused["organizationConfig"], codes(refused["userErrors"])) == (
        None,
        [(["input", "externalInvoiceDate"], "REQUIRED")],
    )
