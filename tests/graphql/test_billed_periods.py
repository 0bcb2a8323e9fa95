"""What cuts bill periods cannot move once they are billed (`app.services.billed_periods`).

A bill's period comes from the organization's timezone and the epoch (account plan ??
account ?? organization, SEMANTICS §7.1). Bills are never deleted, so moving the epoch or
the timezone after a bill would bill some days twice or never. Such a change is refused
with INVALID_STATE at its field and changes nothing; before the first bill, and for
what has not been billed, it is free; and `replaceAccountPlan` with a `billEpoch` changes
an account's cycle from a date on.
"""

from __future__ import annotations

from tests.conftest import data_of
from tests.graphql.test_bills import CANCEL, JAN, catalog, codes
from tests.scenarios import CREATE_BILL_JOB, ERRORS, Story, bill_queue  # noqa: F401 - fixture

CONFIG = "{ organizationConfig { version timezone monthEpoch daysBeforeBillDue } }"
UPDATE_CONFIG = f"""mutation($input: UpdateOrganizationConfigInput!) {{ updateOrganizationConfig(input: $input) {{
  organizationConfig {{ version timezone monthEpoch daysBeforeBillDue }} {ERRORS} }} }}"""
ACCOUNT = """query($id: ID!) { account(id: $id) { id version billEpoch
  accountPlans { nodes { id version billEpoch endDate } } } }"""
UPDATE_ACCOUNT = f"""mutation($input: UpdateAccountInput!) {{ updateAccount(input: $input) {{
  account {{ id version billEpoch }} {ERRORS} }} }}"""
UPDATE_ACCOUNT_PLAN = f"""mutation($input: UpdateAccountPlanInput!) {{ updateAccountPlan(input: $input) {{
  accountPlan {{ id version billEpoch }} {ERRORS} }} }}"""
UPDATE_ACCOUNT_NAME = f"""mutation($input: UpdateAccountInput!) {{ updateAccount(input: $input) {{
  account {{ id name billEpoch }} {ERRORS} }} }}"""
ATTACH = f"""mutation($input: CreateAccountPlanInput!) {{ createAccountPlan(input: $input) {{
  accountPlan {{ id }} {ERRORS} }} }}"""
REPLACE_ACCOUNT_PLAN = f"""mutation($input: ReplaceAccountPlanInput!) {{ replaceAccountPlan(input: $input) {{
  endedAccountPlan {{ id endDate }} accountPlan {{ id billEpoch startDate }} {ERRORS} }} }}"""


async def config(story: Story) -> dict:
    return data_of(await story.tenant.gql(CONFIG))["organizationConfig"]


async def update_config(story: Story, **changes) -> dict:
    version = (await config(story))["version"]
    return data_of(await story.tenant.gql(UPDATE_CONFIG, {"input": {"version": version, **changes}}))[
        "updateOrganizationConfig"
    ]


async def account(story: Story, account_id: str) -> dict:
    return data_of(await story.tenant.gql(ACCOUNT, {"id": account_id}))["account"]


async def set_account_epoch(story: Story, account_id: str, epoch: str) -> dict:
    found = await account(story, account_id)
    variables = {"input": {"id": account_id, "version": found["version"], "billEpoch": epoch}}
    return data_of(await story.tenant.gql(UPDATE_ACCOUNT, variables))["updateAccount"]


async def set_plan_epoch(story: Story, account_id: str, epoch: str) -> dict:
    [attachment] = (await account(story, account_id))["accountPlans"]["nodes"]
    variables = {"input": {"id": attachment["id"], "version": attachment["version"], "billEpoch": epoch}}
    return data_of(await story.tenant.gql(UPDATE_ACCOUNT_PLAN, variables))["updateAccountPlan"]


async def new_story(tenant) -> Story:
    story = Story(tenant)
    await story.product(catalog())
    story.alpha = await story.account("alpha", [("web", JAN)])
    story.beta = await story.account("beta", [("web", JAN)])
    return story


async def test_before_the_first_bill_every_period_setting_changes(tenant, bill_queue):
    story = await new_story(tenant)
    payload = await update_config(story, timezone="Europe/Berlin", monthEpoch="2022-01-15")
    assert payload["userErrors"] == []
    assert (payload["organizationConfig"]["timezone"], payload["organizationConfig"]["monthEpoch"]) == (
        "Europe/Berlin",
        "2022-01-15",
    )
    assert (await set_account_epoch(story, story.alpha, "2026-01-10"))["userErrors"] == []
    assert (await set_plan_epoch(story, story.alpha, "2026-01-20"))["userErrors"] == []


async def test_once_billed_the_timezone_and_epochs_are_refused_and_nothing_changes(tenant, bill_queue):
    story = await new_story(tenant)
    story.gamma = await story.account("gamma")  # never billed: no plan
    await story.ingest([{"meter": "web", "account": "alpha", "ts": "2026-01-10T00:00:00Z", "measure": {"requests": 7}}])
    await story.bill_run(lastDateInBillingPeriod="2026-01-31", billingFrequency="MONTHLY")
    before = await config(story)

    payload = await update_config(story, timezone="Europe/Berlin", monthEpoch="2022-01-15", daysBeforeBillDue=9)
    assert codes(payload["userErrors"]) == [
        (["input", "timezone"], "INVALID_STATE"),
        (["input", "monthEpoch"], "INVALID_STATE"),
    ]
    assert "twice or never" in payload["userErrors"][0]["message"]
    assert await config(story) == before

    # Naming the current values is no change; other settings still change.
    same = await update_config(story, timezone="UTC", monthEpoch=before["monthEpoch"], daysBeforeBillDue=9)
    assert same["userErrors"] == [] and same["organizationConfig"]["daysBeforeBillDue"] == 9

    refused = await set_account_epoch(story, story.alpha, "2026-01-10")
    assert codes(refused["userErrors"]) == [(["input", "billEpoch"], "INVALID_STATE")]
    assert (await account(story, story.alpha))["billEpoch"] is None
    refused = await set_plan_epoch(story, story.alpha, "2026-01-20")
    assert codes(refused["userErrors"]) == [(["input", "billEpoch"], "INVALID_STATE")]
    assert (await account(story, story.alpha))["accountPlans"]["nodes"][0]["billEpoch"] is None

    # An account never billed keeps its freedom.
    assert (await set_account_epoch(story, story.gamma, "2026-01-10"))["userErrors"] == []


async def test_a_billed_account_with_its_own_epochs_still_changes_everything_else(tenant, bill_queue):
    story = await new_story(tenant)
    delta = await story.account("delta", billEpoch="2026-01-01")
    await story.ok(
        ATTACH,
        {"input": {"accountId": delta, "planCode": "web", "startDate": JAN, "billEpoch": "2026-01-01"}},
        "createAccountPlan",
    )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31", billingFrequency="MONTHLY")
    assert await story.bills(accountId=delta)

    found = await account(story, delta)
    renamed = await story.ok(
        UPDATE_ACCOUNT_NAME, {"input": {"id": delta, "version": found["version"], "name": "Delta Two"}}, "updateAccount"
    )
    assert renamed["account"]["billEpoch"] == "2026-01-01"
    [attachment] = found["accountPlans"]["nodes"]
    recoded = await story.ok(
        UPDATE_ACCOUNT_PLAN,
        {"input": {"id": attachment["id"], "version": attachment["version"], "code": "delta-web"}},
        "updateAccountPlan",
    )
    assert recoded["accountPlan"]["billEpoch"] == "2026-01-01"
    # The same epoch named again is no move either.
    assert (await set_account_epoch(story, delta, "2026-01-01"))["userErrors"] == []
    assert codes((await set_account_epoch(story, delta, "2026-01-02"))["userErrors"]) == [
        (["input", "billEpoch"], "INVALID_STATE")
    ]


async def test_replacing_the_account_plan_changes_the_cycle_from_a_date(tenant, bill_queue):
    story = await new_story(tenant)
    await story.bill_run(lastDateInBillingPeriod="2026-01-31", billingFrequency="MONTHLY")
    [attachment] = (await account(story, story.alpha))["accountPlans"]["nodes"]
    variables = {
        "input": {
            "accountPlanId": attachment["id"],
            "version": attachment["version"],
            "date": "2026-02-01T00:00:00Z",
            "planCode": "web",
            "billEpoch": "2026-02-15",
        }
    }
    payload = data_of(await story.tenant.gql(REPLACE_ACCOUNT_PLAN, variables))["replaceAccountPlan"]
    assert payload["userErrors"] == []
    assert payload["endedAccountPlan"]["endDate"].startswith("2026-02-01")
    assert payload["accountPlan"]["billEpoch"] == "2026-02-15"


async def test_a_running_bill_job_counts_as_billed(tenant, bill_queue):
    """The job may already have read the configuration its bills will be cut with."""
    story = await new_story(tenant)
    job = data_of(
        await story.tenant.gql(
            CREATE_BILL_JOB, {"input": {"lastDateInBillingPeriod": "2026-01-31", "billingFrequency": "MONTHLY"}}
        )
    )["createBillJob"]
    assert job["userErrors"] == [] and job["billJob"]["status"] == "PENDING"
    payload = await update_config(story, timezone="Europe/Berlin")
    assert codes(payload["userErrors"]) == [(["input", "timezone"], "INVALID_STATE")]
    assert (await config(story))["timezone"] == "UTC"

    # Cancelled before it billed anything: nothing was cut, so the change is free again.
    await story.ok(CANCEL, {"id": job["billJob"]["id"]}, "cancelBillJob")
    assert (await update_config(story, timezone="Europe/Berlin"))["userErrors"] == []
