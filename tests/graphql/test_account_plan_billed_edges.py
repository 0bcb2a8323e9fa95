"""An account plan that bills already name (SEMANTICS §1, §7.5): deleting it is refused,
naming the bills, and nothing changes; one without bills still deletes."""

from __future__ import annotations

from app.models.accounts import AccountPlan
from tests.conftest import data_of
from tests.graphql.test_bills import JAN, catalog
from tests.scenarios import ERRORS, Story, bill_queue  # noqa: F401 - fixture

DELETE_PLAN = f"mutation($input: DeleteInput!) {{ deleteAccountPlan(input: $input) {{ deletedId {ERRORS} }} }}"


async def test_an_account_plan_with_bills_is_not_deleted(tenant, bill_queue):  # noqa: F811
    story = Story(tenant)
    await story.product(catalog())
    alpha = await story.account("alpha", [("web", JAN)])
    beta = await story.account("beta", [("web", "2026-03-01T00:00:00Z")])
    await story.ingest(
        [{"meter": "web", "account": "alpha", "ts": "2026-01-10T00:00:00Z", "measure": {"requests": 700}}]
    )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    bill = await story.bill("alpha", "2026-02-01")
    billed = await AccountPlan.get(account_id=alpha)
    refused = data_of(await tenant.gql(DELETE_PLAN, {"input": {"id": str(billed.id), "version": 1}}))
    payload = refused["deleteAccountPlan"]
    assert (payload["deletedId"], [(e["field"], e["code"]) for e in payload["userErrors"]]) == (
        None,
        [(["input", "id"], "IN_USE")],
    )
    assert bill["id"] in payload["userErrors"][0]["message"]
    assert await AccountPlan.filter(id=billed.id).exists()
    unbilled = await AccountPlan.get(account_id=beta)
    deleted = data_of(await tenant.gql(DELETE_PLAN, {"input": {"id": str(unbilled.id), "version": 1}}))
    assert deleted["deleteAccountPlan"] == {"deletedId": str(unbilled.id), "userErrors": []}
