"""Accounts, child accounts, plan attachments and commitments through the public GraphQL
API (SEMANTICS §5, CONTRACT §3–4): every rule at its edges, errors with input paths,
version conflicts, refused deletes, tenant isolation and concurrent attaches."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timezone
from types import SimpleNamespace

import pytest

from app.models.accounts import Account, AccountPlan, Commitment
from app.models.catalog import Plan, PlanTemplate, Product
from app.services.accounts import active_account_plans
from tests.conftest import data_of

ERRORS = "userErrors { field code message }"
ACCOUNT = """id version code name emailAddress parentAccountId currency daysBeforeBillDue purchaseOrderNumber billEpoch
  customFields autoCreated address { addressLine1 postCode country }"""
ACCOUNT_PLAN = "id version accountId planId productId code startDate endDate billEpoch childBillingMode customFields"
COMMITMENT = """id version accountId code currency amount amountPrePaid amountFirstBill amountSpent startDate endDate
  productIds
  lineItemTypes overageSurchargePercent separateOverageUsage billingPlanId billingInterval billingOffset
    childBillingMode
  feeDates { date amount servicePeriodStartDate servicePeriodEndDate }"""

CREATE_ACCOUNT = (
    f"mutation($input: CreateAccountInput!) {{ createAccount(input: $input) {{ account {{ {ACCOUNT} }} {ERRORS} }} }}"
)
UPDATE_ACCOUNT = (
    f"mutation($input: UpdateAccountInput!) {{ updateAccount(input: $input) {{ account {{ {ACCOUNT} }} {ERRORS} }} }}"
)
DELETE_ACCOUNT = f"mutation($input: DeleteInput!) {{ deleteAccount(input: $input) {{ deletedId {ERRORS} }} }}"
ATTACH = (
    "mutation($input: CreateAccountPlanInput!) { createAccountPlan(input: $input) { "
    f"accountPlan {{ {ACCOUNT_PLAN} }} {ERRORS} }} }}"
)
UPDATE_PLAN = (
    "mutation($input: UpdateAccountPlanInput!) { updateAccountPlan(input: $input) { "
    f"accountPlan {{ {ACCOUNT_PLAN} }} {ERRORS} }} }}"
)
REPLACE = f"""mutation($input: ReplaceAccountPlanInput!) {{ replaceAccountPlan(input: $input) {{
  endedAccountPlan {{ {ACCOUNT_PLAN} }} accountPlan {{ {ACCOUNT_PLAN} plan {{ code }} }} {ERRORS} }} }}"""
DELETE_PLAN = f"mutation($input: DeleteInput!) {{ deleteAccountPlan(input: $input) {{ deletedId {ERRORS} }} }}"
CREATE_COMMITMENT = (
    "mutation($input: CreateCommitmentInput!) { createCommitment(input: $input) { "
    f"commitment {{ {COMMITMENT} }} {ERRORS} }} }}"
)
UPDATE_COMMITMENT = (
    "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { "
    f"commitment {{ {COMMITMENT} }} {ERRORS} }} }}"
)
DELETE_COMMITMENT = f"mutation($input: DeleteInput!) {{ deleteCommitment(input: $input) {{ deletedId {ERRORS} }} }}"

JAN = "2026-01-01T00:00:00+00:00"
FEB = "2026-02-01T00:00:00+00:00"
MAR = "2026-03-01T00:00:00+00:00"


def errors_of(payload: dict) -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(e["field"]), e["code"]) for e in payload["userErrors"]]


def ok(payload: dict) -> dict:
    assert payload["userErrors"] == [], payload
    return payload


async def catalog(tenant) -> SimpleNamespace:
    """Two products; plans `standard` and `premium` of the first, `other` of the second."""
    org = tenant.organization_id
    product = await Product.create(organization_id=org, code="api", name="API")
    other_product = await Product.create(organization_id=org, code="storage", name="Storage")
    template = await PlanTemplate.create(
        organization_id=org,
        product_id=product.id,
        code="api-monthly",
        name="API monthly",
        currency="USD",
        bill_frequency="MONTHLY",
    )
    other_template = await PlanTemplate.create(
        organization_id=org,
        product_id=other_product.id,
        code="storage-monthly",
        name="Storage monthly",
        currency="USD",
        bill_frequency="MONTHLY",
    )

    async def plan(code: str, tpl: PlanTemplate, account_id: str | None = None) -> Plan:
        return await Plan.create(
            organization_id=org,
            plan_template_id=tpl.id,
            product_id=tpl.product_id,
            code=code,
            name=code,
            account_id=account_id,
        )

    return SimpleNamespace(
        org=org,
        product=product,
        other_product=other_product,
        template=template,
        plan_for=plan,
        standard=await plan("standard", template),
        premium=await plan("premium", template),
        other=await plan("other", other_template),
    )


def account_input(code: str = "acme", **fields) -> dict:
    return {"code": code, "name": code.title(), "emailAddress": f"billing@{code}.example", **fields}


async def create_account(tenant, code: str = "acme", **fields) -> dict:
    return data_of(await tenant.gql(CREATE_ACCOUNT, {"input": account_input(code, **fields)}))["createAccount"]


async def new_account(tenant, code: str = "acme", **fields) -> dict:
    return ok(await create_account(tenant, code, **fields))["account"]


async def attach(tenant, account_id: str, start: str = JAN, **fields) -> dict:
    return data_of(await tenant.gql(ATTACH, {"input": {"accountId": account_id, "startDate": start, **fields}}))[
        "createAccountPlan"
    ]


def commitment_input(**fields) -> dict:
    return {"currency": "USD", "amount": "1200", "startDate": "2026-01-01", "endDate": "2027-01-01", **fields}


async def create_commitment(tenant, account_id: str, **fields) -> dict:
    return data_of(
        await tenant.gql(CREATE_COMMITMENT, {"input": {"accountId": account_id, **commitment_input(**fields)}})
    )["createCommitment"]


# --- accounts ------------------------------------------------------------------------


async def test_create_account_and_read_it_by_id_and_code(tenant):
    created = await new_account(
        tenant,
        daysBeforeBillDue=1,
        purchaseOrderNumber="PO-7",
        billEpoch="2026-01-15",
        customFields={"tier": "gold", "seats": 12},
        address={"addressLine1": "1 Main St", "postCode": "N1 9GU", "country": "UK"},
    )
    assert (created["version"], created["code"], created["daysBeforeBillDue"], created["currency"]) == (
        1,
        "acme",
        1,
        None,
    )
    assert created["address"] == {"addressLine1": "1 Main St", "postCode": "N1 9GU", "country": "UK"}
    assert (created["billEpoch"], created["autoCreated"], created["customFields"]) == (
        "2026-01-15",
        False,
        {"tier": "gold", "seats": 12},
    )
    by_id = data_of(await tenant.gql(f"query($id: ID!) {{ account(id: $id) {{ {ACCOUNT} }} }}", {"id": created["id"]}))[
        "account"
    ]
    by_code = data_of(await tenant.gql(f'{{ account(code: "acme") {{ {ACCOUNT} }} }}'))["account"]
    assert by_id == by_code == created
    missing = data_of(
        await tenant.gql('{ a: account(code: "nope") { id } b: account(id: "not-a-uuid") { id } c: account { id } }')
    )
    assert missing == {"a": None, "b": None, "c": None}


async def test_account_errors_have_input_paths_and_nothing_is_written(tenant):
    payload = await create_account(
        tenant,
        "acme",
        emailAddress="nope",
        daysBeforeBillDue=0,
        currency="EUR",
        customFields={f"k{i}": i for i in range(101)},
    )
    assert payload["account"] is None
    assert sorted(errors_of(payload)) == sorted(
        [
            (("input", "emailAddress"), "INVALID"),
            (("input", "daysBeforeBillDue"), "INVALID"),
            (("input", "currency"), "NOT_FOUND"),
            (("input", "customFields"), "INVALID"),
        ]
    )
    assert await Account.filter(organization_id=tenant.organization_id).count() == 0


async def test_account_currency_must_exist_and_code_must_be_unique(tenant):
    data_of(await tenant.gql('mutation { createCurrency(input: {code: "GBP", name: "Pound"}) { currency { id } } }'))
    assert (await new_account(tenant, "acme", currency="GBP"))["currency"] == "GBP"
    assert errors_of(await create_account(tenant, "acme")) == [(("input", "code"), "DUPLICATE")]


async def test_update_account_and_version_conflict(tenant):
    created = await new_account(tenant)
    updated = ok(
        data_of(
            await tenant.gql(
                UPDATE_ACCOUNT,
                {
                    "input": {
                        "id": created["id"],
                        "version": 1,
                        "name": "Acme Ltd",
                        "address": None,
                        "daysBeforeBillDue": 14,
                    }
                },
            )
        )["updateAccount"]
    )
    assert (updated["account"]["version"], updated["account"]["name"], updated["account"]["daysBeforeBillDue"]) == (
        2,
        "Acme Ltd",
        14,
    )
    assert updated["account"]["emailAddress"] == created["emailAddress"]  # untouched fields stay
    stale = data_of(await tenant.gql(UPDATE_ACCOUNT, {"input": {"id": created["id"], "version": 1, "name": "Stale"}}))[
        "updateAccount"
    ]
    assert errors_of(stale) == [(("input", "version"), "CONFLICT")]
    bad = data_of(
        await tenant.gql(UPDATE_ACCOUNT, {"input": {"id": created["id"], "version": 2, "emailAddress": None}})
    )["updateAccount"]
    assert errors_of(bad) == [(("input", "emailAddress"), "REQUIRED")]
    await new_account(tenant, "globex")
    taken = data_of(await tenant.gql(UPDATE_ACCOUNT, {"input": {"id": created["id"], "version": 2, "code": "globex"}}))[
        "updateAccount"
    ]
    assert errors_of(taken) == [(("input", "code"), "DUPLICATE")]
    same = data_of(await tenant.gql(UPDATE_ACCOUNT, {"input": {"id": created["id"], "version": 2, "code": "acme"}}))[
        "updateAccount"
    ]
    assert ok(same)["account"]["version"] == 3
    assert (await Account.get(id=created["id"])).name == "Acme Ltd"


async def test_accounts_connection_and_filters(tenant):
    parent = await new_account(tenant, "p", children=[account_input("p-kid-1"), account_input("p-kid-2")])
    await new_account(tenant, "solo")
    query = """query($f: AccountFilter, $first: Int, $after: String) { accounts(filter: $f, first: $first, after:
      $after) {
      totalCount nodes { code } pageInfo { hasNextPage endCursor } } }"""

    async def codes(flt: dict | None = None, first: int | None = None, after: str | None = None) -> dict:
        return data_of(await tenant.gql(query, {"f": flt, "first": first, "after": after}))["accounts"]

    everything = await codes()
    assert [n["code"] for n in everything["nodes"]] == ["p", "p-kid-1", "p-kid-2", "solo"] and everything[
        "totalCount"
    ] == 4
    assert [n["code"] for n in (await codes({"hasParent": True}))["nodes"]] == ["p-kid-1", "p-kid-2"]
    assert [n["code"] for n in (await codes({"hasParent": False}))["nodes"]] == ["p", "solo"]
    assert [n["code"] for n in (await codes({"parentAccountId": parent["id"]}))["nodes"]] == ["p-kid-1", "p-kid-2"]
    assert [n["code"] for n in (await codes({"codes": ["solo", "nope"]}))["nodes"]] == ["solo"]
    assert [n["code"] for n in (await codes({"ids": [parent["id"]]}))["nodes"]] == ["p"]
    page = await codes(first=3)
    assert page["pageInfo"]["hasNextPage"] is True
    assert [n["code"] for n in (await codes(first=3, after=page["pageInfo"]["endCursor"]))["nodes"]] == ["solo"]
    bad = await tenant.gql(query, {"f": {"ids": ["junk"]}})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_account_search_matches_code_or_name_ignoring_case_beyond_the_first_page(tenant, other_tenant):
    organization_id = uuid.UUID(tenant.organization_id)
    await Account.bulk_create(
        [Account(organization_id=organization_id, code=f"bulk-{n:03d}", name=f"Bulk {n}") for n in range(105)]
        + [
            Account(organization_id=organization_id, code=code, name=name)
            for code, name in [
                ("zh", "Zebra Holdings"),
                ("pct", "100% Cotton"),
                ("snk", "Snake_case Ltd"),
                ("lk", "Lake City"),
            ]
        ]
    )
    await new_account(other_tenant, "zh-other", name="Zebra Holdings")
    query = "query($f: AccountFilter) { accounts(filter: $f, first: 100) { totalCount nodes { code } } }"

    async def found(search: str) -> list[str]:
        return [n["code"] for n in data_of(await tenant.gql(query, {"f": {"search": search}}))["accounts"]["nodes"]]

    assert await found("BULK-104") == ["bulk-104"]  # past the first 100 accounts by code
    assert await found("  hold ") == ["zh"]  # the name, ignoring case and the spaces around
    assert await found("%") == ["pct"]  # a plain character, not LIKE's wildcard
    assert await found("e_c") == ["snk"]  # `_` is no wildcard: "Lake City" is not found
    assert await found("x" * 300) == []  # longer than any code or name: nothing, not an error
    assert await found("\\") == [] and await found("\\%") == []  # LIKE's escape character: no error
    everything = data_of(await tenant.gql(query, {"f": {"search": "  "}}))["accounts"]
    assert everything["totalCount"] == 109


# --- nested create -------------------------------------------------------------------

NESTED_QUERY = """query($id: ID!) { account(id: $id) { code
  parent { code }
  children { totalCount nodes { code parentAccountId parent { code }
    accountPlans { nodes { startDate plan { code } account { code } } } commitments { totalCount } } }
  accountPlans { totalCount nodes { code startDate endDate childBillingMode plan { code } account { code } } }
  commitments { totalCount nodes { code amount account { code } feeDates { date amount } } } } }"""


async def test_nested_create_links_children_plans_and_commitments(tenant):
    cat = await catalog(tenant)
    created = await new_account(
        tenant,
        "parent",
        accountPlans=[
            {"planCode": "standard", "startDate": JAN, "endDate": FEB, "code": "parent-jan"},
            {"planId": str(cat.premium.id), "startDate": FEB, "childBillingMode": "PARENT_SUMMARY"},
        ],
        commitments=[
            commitment_input(
                code="c-1",
                feeDates=[
                    {
                        "date": "2026-01-01",
                        "amount": "600",
                        "servicePeriodStartDate": JAN,
                        "servicePeriodEndDate": "2026-07-01T00:00:00Z",
                    }
                ],
            )
        ],
        children=[
            account_input(
                "kid-a",
                accountPlans=[{"planCode": "standard", "startDate": JAN, "childBillingMode": "CHILD"}],
                commitments=[commitment_input()],
            ),
            account_input("kid-b"),
        ],
    )
    tree = data_of(await tenant.gql(NESTED_QUERY, {"id": created["id"]}))["account"]
    assert tree["parent"] is None and tree["children"]["totalCount"] == 2
    kid_a, kid_b = tree["children"]["nodes"]
    assert (kid_a["code"], kid_a["parentAccountId"], kid_a["parent"]) == ("kid-a", created["id"], {"code": "parent"})
    assert kid_a["accountPlans"]["nodes"] == [
        {"startDate": JAN, "plan": {"code": "standard"}, "account": {"code": "kid-a"}}
    ]
    assert (kid_a["commitments"]["totalCount"], kid_b["commitments"]["totalCount"]) == (1, 0)
    assert tree["accountPlans"]["nodes"] == [
        {
            "code": "parent-jan",
            "startDate": JAN,
            "endDate": FEB,
            "childBillingMode": "PARENT_BREAKDOWN",
            "plan": {"code": "standard"},
            "account": {"code": "parent"},
        },
        {
            "code": None,
            "startDate": FEB,
            "endDate": None,
            "childBillingMode": "PARENT_SUMMARY",
            "plan": {"code": "premium"},
            "account": {"code": "parent"},
        },
    ]
    assert tree["commitments"]["nodes"] == [
        {
            "code": "c-1",
            "amount": "1200",
            "account": {"code": "parent"},
            "feeDates": [{"date": "2026-01-01", "amount": "600"}],
        }
    ]
    assert await AccountPlan.filter(organization_id=cat.org).count() == 3


async def test_nested_create_is_all_or_nothing_with_nested_paths(tenant):
    await catalog(tenant)
    payload = await create_account(
        tenant,
        "parent",
        accountPlans=[{"planCode": "standard", "startDate": JAN}],
        commitments=[commitment_input()],
        children=[
            account_input("kid-a"),
            account_input(
                "kid-b",
                accountPlans=[{"planCode": "missing", "startDate": JAN}],
                commitments=[commitment_input(amount="0")],
                children=[account_input("grandkid")],
            ),
        ],
    )
    assert payload["account"] is None
    assert sorted(errors_of(payload)) == sorted(
        [
            (("input", "children", "1", "accountPlans", "0", "planCode"), "NOT_FOUND"),
            (("input", "children", "1", "commitments", "0", "amount"), "INVALID"),
            (("input", "children", "1", "children"), "INVALID"),
        ]
    )
    for model in (Account, AccountPlan, Commitment):
        assert await model.filter(organization_id=tenant.organization_id).count() == 0


async def test_nested_overlap_and_duplicate_codes_inside_one_input(tenant):
    await catalog(tenant)
    payload = await create_account(
        tenant,
        "parent",
        accountPlans=[
            {"planCode": "standard", "startDate": JAN, "endDate": FEB},
            {"planCode": "premium", "startDate": FEB},  # touches: fine
            {"planCode": "standard", "startDate": "2026-02-15T00:00:00Z"},  # overlaps the second
        ],
        children=[account_input("parent")],
    )
    assert sorted(errors_of(payload)) == [
        (("input", "accountPlans", "2", "startDate"), "INVALID"),
        (("input", "children", "0", "code"), "DUPLICATE"),
    ]


# --- parent and child ----------------------------------------------------------------


async def test_one_level_of_children_no_cycles(tenant):
    parent = await new_account(tenant, "parent")
    child = await new_account(tenant, "child", parentAccountId=parent["id"])
    other = await new_account(tenant, "other")
    assert child["parentAccountId"] == parent["id"]

    grandchild = await create_account(tenant, "grandchild", parentAccountId=child["id"])
    assert errors_of(grandchild) == [(("input", "parentAccountId"), "INVALID")]

    async def set_parent(account: dict, parent_id: str | None) -> dict:
        current = data_of(await tenant.gql("query($id: ID!) { account(id: $id) { version } }", {"id": account["id"]}))[
            "account"
        ]
        return data_of(
            await tenant.gql(
                UPDATE_ACCOUNT,
                {"input": {"id": account["id"], "version": current["version"], "parentAccountId": parent_id}},
            )
        )["updateAccount"]

    assert errors_of(await set_parent(parent, other["id"])) == [
        (("input", "parentAccountId"), "INVALID")
    ]  # has children
    assert errors_of(await set_parent(parent, child["id"])) == [(("input", "parentAccountId"), "INVALID")]  # cycle
    assert errors_of(await set_parent(other, other["id"])) == [(("input", "parentAccountId"), "INVALID")]  # itself
    assert errors_of(await set_parent(other, child["id"])) == [
        (("input", "parentAccountId"), "INVALID")
    ]  # under a child
    assert errors_of(await set_parent(other, str(uuid.uuid4()))) == [(("input", "parentAccountId"), "NOT_FOUND")]
    assert ok(await set_parent(other, parent["id"]))["account"]["parentAccountId"] == parent["id"]
    assert ok(await set_parent(child, None))["account"]["parentAccountId"] is None
    # `parent` still has `other` as a child, so it cannot go under the now top-level `child`.
    assert errors_of(await set_parent(parent, child["id"])) == [(("input", "parentAccountId"), "INVALID")]
    assert ok(await set_parent(child, parent["id"]))["account"]["parentAccountId"] == parent["id"]


async def fill_children(tenant, parent_id: str, count: int) -> None:
    await Account.bulk_create(
        [
            Account(
                organization_id=tenant.organization_id,
                code=f"filler-{i}",
                name="f",
                email_address="f@f.example",
                parent_account_id=parent_id,
            )
            for i in range(count)
        ]
    )


async def test_at_most_999_children(tenant):
    parent = await new_account(tenant, "parent")
    await fill_children(tenant, parent["id"], 998)
    assert (await new_account(tenant, "child-999", parentAccountId=parent["id"]))["parentAccountId"] == parent["id"]
    refused = await create_account(tenant, "child-1000", parentAccountId=parent["id"])
    assert errors_of(refused) == [(("input", "parentAccountId"), "INVALID")]
    assert "999" in refused["userErrors"][0]["message"]
    # Moving an existing child of the same parent does not count it twice.
    kid = data_of(await tenant.gql('{ account(code: "child-999") { id version } }'))["account"]
    same = data_of(
        await tenant.gql(
            UPDATE_ACCOUNT, {"input": {"id": kid["id"], "version": kid["version"], "parentAccountId": parent["id"]}}
        )
    )
    ok(same["updateAccount"])


def widen_race(monkeypatch, module, name: str) -> None:
    """Make every writer pause right after reading what it checks, so that without the
    account row lock two concurrent writers would both check the same state."""
    original = getattr(module, name)

    async def slow(*args, **kwargs):
        result = await original(*args, **kwargs)
        await asyncio.sleep(0.2)
        return result

    monkeypatch.setattr(module, name, slow)


async def test_concurrent_children_at_the_limit_exactly_one_succeeds(tenant, monkeypatch):
    import app.services.accounts.accounts as accounts_service

    widen_race(monkeypatch, accounts_service, "load_known")
    parent = await new_account(tenant, "parent")
    await fill_children(tenant, parent["id"], 998)
    results = await asyncio.gather(
        *(create_account(tenant, f"racer-{i}", parentAccountId=parent["id"]) for i in range(4))
    )
    assert sorted(r["account"] is not None for r in results) == [False, False, False, True]
    assert await Account.filter(organization_id=tenant.organization_id, parent_account_id=parent["id"]).count() == 999


async def test_nested_children_limit(tenant):
    refused = await create_account(tenant, "big", children=[account_input(f"k{i}") for i in range(1000)])
    assert errors_of(refused) == [(("input", "children"), "INVALID")]
    created = await new_account(tenant, "big", children=[account_input(f"k{i}") for i in range(999)])
    assert await Account.filter(organization_id=tenant.organization_id, parent_account_id=created["id"]).count() == 999


# --- account plans -------------------------------------------------------------------


async def test_attach_touching_is_fine_overlap_names_the_collision(tenant):
    cat = await catalog(tenant)
    acct = await new_account(tenant)
    first = ok(await attach(tenant, acct["id"], JAN, planCode="standard", endDate=FEB, code="jan"))["accountPlan"]
    assert (first["startDate"], first["endDate"], first["productId"], first["childBillingMode"]) == (
        JAN,
        FEB,
        str(cat.product.id),
        "PARENT_BREAKDOWN",
    )
    ok(await attach(tenant, acct["id"], FEB, planCode="premium"))  # starts exactly at the end
    ok(
        await attach(tenant, acct["id"], "2025-12-01T00:00:00Z", planCode="standard", endDate=JAN)
    )  # ends exactly at the start
    collision = await attach(tenant, acct["id"], "2026-01-31T23:59:59.999999+00:00", planCode="premium", endDate=FEB)
    assert errors_of(collision) == [(("input", "startDate"), "INVALID")]
    assert first["id"] in collision["userErrors"][0]["message"] and "jan" in collision["userErrors"][0]["message"]
    ok(await attach(tenant, acct["id"], JAN, planCode="other"))  # another product
    assert await AccountPlan.filter(account_id=acct["id"]).count() == 4


async def test_overlap_allowed_when_the_organization_says_so(tenant):
    await catalog(tenant)
    acct = await new_account(tenant)
    ok(await attach(tenant, acct["id"], JAN, planCode="standard"))
    assert errors_of(await attach(tenant, acct["id"], FEB, planCode="premium")) == [(("input", "startDate"), "INVALID")]
    data_of(
        await tenant.gql(
            "mutation { updateOrganizationConfig(input: {version: 1, allowOverlappingPlans: true}) { "
            "userErrors { code } } }"
        )
    )
    ok(await attach(tenant, acct["id"], FEB, planCode="premium"))


async def test_attach_errors_have_input_paths(tenant):
    cat = await catalog(tenant)
    acct = await new_account(tenant)
    cases = [
        ({"planCode": "standard", "planId": str(cat.standard.id)}, [(("input", "planCode"), "INVALID")]),
        ({}, [(("input", "planId"), "REQUIRED")]),
        ({"planCode": "nope"}, [(("input", "planCode"), "NOT_FOUND")]),
        ({"planId": str(uuid.uuid4())}, [(("input", "planId"), "NOT_FOUND")]),
        ({"planCode": "standard", "endDate": JAN}, [(("input", "endDate"), "INVALID")]),
        ({"planCode": "standard", "startDate": "2026-01-01T00:00:00"}, [(("input", "startDate"), "INVALID")]),
        ({"planCode": "standard", "customFields": ["x"]}, [(("input", "customFields"), "INVALID")]),
    ]
    for fields, expected in cases:
        payload = data_of(await tenant.gql(ATTACH, {"input": {"accountId": acct["id"], "startDate": JAN, **fields}}))[
            "createAccountPlan"
        ]
        assert (errors_of(payload), payload["accountPlan"]) == (expected, None), fields
    missing = await attach(tenant, str(uuid.uuid4()), JAN, planCode="standard")
    assert errors_of(missing) == [(("input", "accountId"), "NOT_FOUND")]
    ok(await attach(tenant, acct["id"], JAN, planCode="standard", code="ap"))
    assert errors_of(await attach(tenant, acct["id"], "2030-01-01T00:00:00Z", planCode="other", code="ap")) == [
        (("input", "code"), "DUPLICATE")
    ]
    assert await AccountPlan.filter(organization_id=cat.org).count() == 1


async def test_bespoke_plan_attaches_only_to_its_own_account(tenant):
    cat = await catalog(tenant)
    owner, stranger = await new_account(tenant, "owner"), await new_account(tenant, "stranger")
    await cat.plan_for("owner-special", cat.template, account_id=owner["id"])
    assert errors_of(await attach(tenant, stranger["id"], JAN, planCode="owner-special")) == [
        (("input", "planCode"), "INVALID")
    ]
    ok(await attach(tenant, owner["id"], JAN, planCode="owner-special"))
    # A new account cannot use another's bespoke plan in a nested create either.
    nested = await create_account(tenant, "newbie", accountPlans=[{"planCode": "owner-special", "startDate": JAN}])
    assert errors_of(nested) == [(("input", "accountPlans", "0", "planCode"), "INVALID")]


async def test_end_dating_and_updates_keep_the_one_active_rule(tenant):
    await catalog(tenant)
    acct = await new_account(tenant)
    first = ok(await attach(tenant, acct["id"], JAN, planCode="standard"))["accountPlan"]
    ended = ok(
        data_of(await tenant.gql(UPDATE_PLAN, {"input": {"id": first["id"], "version": 1, "endDate": FEB}}))[
            "updateAccountPlan"
        ]
    )
    assert (ended["accountPlan"]["endDate"], ended["accountPlan"]["version"]) == (FEB, 2)
    second = ok(await attach(tenant, acct["id"], FEB, planCode="premium"))["accountPlan"]
    # Extending the first back over the second is refused, naming it; ending it at the start again is fine.
    extend = data_of(await tenant.gql(UPDATE_PLAN, {"input": {"id": first["id"], "version": 2, "endDate": None}}))[
        "updateAccountPlan"
    ]
    assert (
        errors_of(extend) == [(("input", "startDate"), "INVALID")]
        and second["id"] in extend["userErrors"][0]["message"]
    )
    bad = data_of(await tenant.gql(UPDATE_PLAN, {"input": {"id": first["id"], "version": 2, "endDate": JAN}}))[
        "updateAccountPlan"
    ]
    assert errors_of(bad) == [(("input", "endDate"), "INVALID")]
    stale = data_of(await tenant.gql(UPDATE_PLAN, {"input": {"id": first["id"], "version": 1, "code": "x"}}))[
        "updateAccountPlan"
    ]
    assert errors_of(stale) == [(("input", "version"), "CONFLICT")]
    row = await AccountPlan.get(id=first["id"])
    assert (row.version, row.code, row.end_date) == (2, None, datetime(2026, 2, 1, tzinfo=UTC))


async def test_replace_account_plan_ends_the_old_and_starts_the_new(tenant):
    cat = await catalog(tenant)
    acct = await new_account(tenant)
    old = ok(
        await attach(
            tenant,
            acct["id"],
            JAN,
            planCode="standard",
            endDate=MAR,
            billEpoch="2026-01-05",
            childBillingMode="CHILD",
            customFields={"deal": "A"},
        )
    )["accountPlan"]
    payload = ok(
        data_of(
            await tenant.gql(
                REPLACE,
                {
                    "input": {
                        "accountPlanId": old["id"],
                        "version": 1,
                        "date": FEB,
                        "planId": str(cat.premium.id),
                        "code": "upgrade",
                    }
                },
            )
        )["replaceAccountPlan"]
    )
    ended, new = payload["endedAccountPlan"], payload["accountPlan"]
    assert (ended["id"], ended["endDate"], ended["version"]) == (old["id"], FEB, 2)
    assert (new["startDate"], new["endDate"], new["plan"], new["code"]) == (FEB, MAR, {"code": "premium"}, "upgrade")
    assert (new["billEpoch"], new["childBillingMode"], new["customFields"]) == ("2026-01-05", "CHILD", {"deal": "A"})
    plans = await AccountPlan.filter(account_id=acct["id"]).order_by("start_date")
    assert [(p.plan_id, p.end_date is not None) for p in plans] == [(cat.standard.id, True), (cat.premium.id, True)]


async def test_replace_account_plan_refusals_change_nothing(tenant):
    await catalog(tenant)
    acct = await new_account(tenant)
    old = ok(await attach(tenant, acct["id"], JAN, planCode="standard", endDate=MAR))["accountPlan"]
    ok(await attach(tenant, acct["id"], "2026-06-01T00:00:00Z", planCode="other"))

    async def replace(**fields) -> dict:
        variables = {"input": {"accountPlanId": old["id"], "version": 1, "date": FEB, "planCode": "premium", **fields}}
        return data_of(await tenant.gql(REPLACE, variables))["replaceAccountPlan"]

    assert errors_of(await replace(date=JAN)) == [(("input", "date"), "INVALID")]
    assert errors_of(await replace(date=MAR)) == [(("input", "date"), "INVALID")]
    assert errors_of(await replace(version=7)) == [(("input", "version"), "CONFLICT")]
    assert errors_of(await replace(planCode="nope")) == [(("input", "planCode"), "NOT_FOUND")]
    assert errors_of(await replace(accountPlanId=str(uuid.uuid4()))) == [(("input", "accountPlanId"), "NOT_FOUND")]
    row = await AccountPlan.get(id=old["id"])
    assert (row.version, row.end_date) == (1, datetime(2026, 3, 1, tzinfo=UTC))
    assert await AccountPlan.filter(account_id=acct["id"]).count() == 2


async def test_concurrent_overlapping_attaches_exactly_one_succeeds(tenant, monkeypatch):
    import app.services.accounts.account_plans as account_plans_service

    widen_race(monkeypatch, account_plans_service, "attachments_of")
    await catalog(tenant)
    for round_ in range(3):
        acct = await new_account(tenant, f"race-{round_}")
        results = await asyncio.gather(
            attach(tenant, acct["id"], JAN, planCode="standard"), attach(tenant, acct["id"], FEB, planCode="premium")
        )
        assert sorted(r["accountPlan"] is not None for r in results) == [False, True]
        assert [e["code"] for r in results for e in r["userErrors"]] == ["INVALID"]
        assert await AccountPlan.filter(account_id=acct["id"]).count() == 1


async def test_active_account_plans_in_a_window(tenant):
    await catalog(tenant)
    a, b = await new_account(tenant, "a"), await new_account(tenant, "b")
    jan = ok(await attach(tenant, a["id"], JAN, planCode="standard", endDate=FEB))["accountPlan"]
    feb = ok(await attach(tenant, a["id"], FEB, planCode="premium"))["accountPlan"]
    other = ok(await attach(tenant, b["id"], JAN, planCode="other", endDate=FEB))["accountPlan"]
    org = uuid.UUID(tenant.organization_id)
    utc = UTC

    async def ids(account_ids, start, end) -> set[str]:
        return {str(p.id) for p in await active_account_plans(org, account_ids, start, end)}

    assert await ids(None, datetime(2026, 1, 1, tzinfo=utc), datetime(2026, 2, 1, tzinfo=utc)) == {
        jan["id"],
        other["id"],
    }
    assert await ids(None, datetime(2026, 2, 1, tzinfo=utc), datetime(2026, 3, 1, tzinfo=utc)) == {feb["id"]}
    assert await ids([uuid.UUID(a["id"])], datetime(2026, 1, 31, tzinfo=utc), datetime(2026, 2, 2, tzinfo=utc)) == {
        jan["id"],
        feb["id"],
    }
    assert await ids(None, datetime(2025, 12, 1, tzinfo=utc), datetime(2026, 1, 1, tzinfo=utc)) == set()
    assert await ids([], datetime(2026, 1, 1, tzinfo=utc), datetime(2027, 1, 1, tzinfo=utc)) == set()


async def test_account_plans_connection_and_filters(tenant):
    cat = await catalog(tenant)
    a, b = await new_account(tenant, "a"), await new_account(tenant, "b")
    jan = ok(await attach(tenant, a["id"], JAN, planCode="standard", endDate=FEB, code="a-jan"))["accountPlan"]
    feb = ok(await attach(tenant, a["id"], FEB, planCode="premium"))["accountPlan"]
    other = ok(await attach(tenant, b["id"], JAN, planCode="other"))["accountPlan"]
    query = "query($f: AccountPlanFilter) { accountPlans(filter: $f) { totalCount nodes { id } } }"

    async def ids(flt: dict | None) -> list[str]:
        return [n["id"] for n in data_of(await tenant.gql(query, {"f": flt}))["accountPlans"]["nodes"]]

    assert set(await ids(None)) == {jan["id"], feb["id"], other["id"]}
    assert set(await ids({"accountId": a["id"]})) == {jan["id"], feb["id"]}
    assert await ids({"planId": str(cat.premium.id)}) == [feb["id"]]
    assert await ids({"productId": str(cat.other_product.id)}) == [other["id"]]
    assert set(await ids({"activeAt": "2026-01-31T23:59:59Z"})) == {jan["id"], other["id"]}
    assert set(await ids({"activeAt": FEB})) == {feb["id"], other["id"]}
    assert await ids({"codes": ["a-jan"]}) == [jan["id"]]
    by_code = data_of(await tenant.gql('{ accountPlan(code: "a-jan") { id account { code } } }'))["accountPlan"]
    assert by_code == {"id": jan["id"], "account": {"code": "a"}}
    by_id = data_of(await tenant.gql("query($id: ID!) { accountPlan(id: $id) { id } }", {"id": feb["id"]}))[
        "accountPlan"
    ]
    assert by_id == {"id": feb["id"]}


async def test_delete_account_plan_with_version(tenant):
    await catalog(tenant)
    acct = await new_account(tenant)
    ap = ok(await attach(tenant, acct["id"], JAN, planCode="standard"))["accountPlan"]
    stale = data_of(await tenant.gql(DELETE_PLAN, {"input": {"id": ap["id"], "version": 2}}))["deleteAccountPlan"]
    assert errors_of(stale) == [(("input", "version"), "CONFLICT")]
    done = data_of(await tenant.gql(DELETE_PLAN, {"input": {"id": ap["id"], "version": 1}}))["deleteAccountPlan"]
    assert (done["deletedId"], done["userErrors"]) == (ap["id"], [])
    assert not await AccountPlan.filter(id=ap["id"]).exists()


# --- commitments ---------------------------------------------------------------------


FEE = {"date": "2026-01-01", "amount": "600.50", "servicePeriodStartDate": JAN, "servicePeriodEndDate": JAN}


@pytest.fixture
async def commitment_with_fee(tenant):
    """A commitment "c1" of account "acme" paid by one fee date: (catalog, the commitment)."""
    cat = await catalog(tenant)
    acct = await new_account(tenant)
    created = ok(
        await create_commitment(
            tenant,
            acct["id"],
            code="c1",
            amountPrePaid="0",
            amountFirstBill="0",
            productIds=[str(cat.product.id)],
            lineItemTypes=["USAGE", "MINIMUM_SPEND"],
            overageSurchargePercent="-2.5",
            feeDates=[FEE],
            childBillingMode="CHILD",
        )
    )["commitment"]
    return cat, created


async def _update_commitment(tenant, **input_) -> dict:
    return ok(data_of(await tenant.gql(UPDATE_COMMITMENT, {"input": input_}))["updateCommitment"])


async def test_a_commitment_with_fee_dates_reads_back_as_created(commitment_with_fee):
    # given a commitment created with a fee date, products, line item types and a surcharge
    cat, created = commitment_with_fee
    # then it reads back as sent, with nothing spent and no billing plan
    assert (created["amount"], created["amountSpent"], created["productIds"], created["lineItemTypes"]) == (
        "1200",
        "0",
        [str(cat.product.id)],
        ["USAGE", "MINIMUM_SPEND"],
    )
    assert created["feeDates"] == [
        {"date": "2026-01-01", "amount": "600.50", "servicePeriodStartDate": JAN, "servicePeriodEndDate": JAN}
    ]
    assert (created["overageSurchargePercent"], created["billingPlanId"], created["childBillingMode"]) == (
        "-2.5",
        None,
        "CHILD",
    )


async def test_a_commitment_switched_to_a_billing_plan_drops_its_fee_dates(tenant, commitment_with_fee):
    # given a commitment paid by fee dates
    cat, created = commitment_with_fee
    # when its fee dates are replaced by a billing plan with an offset
    switched = await _update_commitment(
        tenant, id=created["id"], version=1, feeDates=[], billingPlanId=str(cat.standard.id), billingOffset=364
    )
    # then it bills on the plan's schedule, every period
    c = switched["commitment"]
    assert (c["version"], c["feeDates"], c["billingPlanId"], c["billingInterval"], c["billingOffset"]) == (
        2,
        [],
        str(cat.standard.id),
        1,
        364,
    )


async def test_a_commitment_switched_back_to_fee_dates_has_no_billing_interval(tenant, commitment_with_fee):
    # given a commitment switched to a billing plan
    cat, created = commitment_with_fee
    await _update_commitment(
        tenant, id=created["id"], version=1, feeDates=[], billingPlanId=str(cat.standard.id), billingOffset=364
    )
    # when it is switched back to a fee date
    back = await _update_commitment(tenant, id=created["id"], version=2, billingPlanId=None, feeDates=[FEE])
    # then the billing interval is gone and the fee date is back
    assert (back["commitment"]["billingInterval"], len(back["commitment"]["feeDates"])) == (None, 1)


async def test_a_commitment_is_read_by_its_code(tenant, commitment_with_fee):
    # given a commitment "c1" of account "acme"
    _, created = commitment_with_fee
    # when it is read by its code, then it is found with its account
    by_code = data_of(await tenant.gql('{ commitment(code: "c1") { id account { code } } }'))["commitment"]
    assert by_code == {"id": created["id"], "account": {"code": "acme"}}


async def test_commitment_errors_have_input_paths(tenant):
    cat = await catalog(tenant)
    acct = await new_account(tenant)
    payload = await create_commitment(
        tenant,
        acct["id"],
        amount="0",
        amountPrePaid="-1",
        startDate="2027-01-01",
        currency="EUR",
        productIds=[str(cat.product.id), str(uuid.uuid4())],
        overageSurchargePercent="3",
        separateOverageUsage=True,
        feeDates=[{"date": "2026-01-01", "amount": "0", "servicePeriodStartDate": FEB, "servicePeriodEndDate": JAN}],
        billingPlanId=str(cat.standard.id),
        billingInterval=366,
    )
    assert sorted(errors_of(payload)) == sorted(
        [
            (("input", "amount"), "INVALID"),
            (("input", "amountPrePaid"), "INVALID"),
            (("input", "endDate"), "INVALID"),
            (("input", "currency"), "NOT_FOUND"),
            (("input", "productIds", "1"), "NOT_FOUND"),
            (("input", "separateOverageUsage"), "INVALID"),
            (("input", "billingPlanId"), "INVALID"),
            (("input", "billingInterval"), "INVALID"),
        ]
    )
    missing = await create_commitment(tenant, str(uuid.uuid4()))
    assert errors_of(missing) == [(("input", "accountId"), "NOT_FOUND")]
    ok(await create_commitment(tenant, acct["id"], code="c"))
    assert errors_of(await create_commitment(tenant, acct["id"], code="c")) == [(("input", "code"), "DUPLICATE")]
    assert await Commitment.filter(organization_id=cat.org).count() == 1


async def test_commitment_version_conflicts_filters_and_delete(tenant):
    acct, other = await new_account(tenant), await new_account(tenant, "other")
    created = ok(await create_commitment(tenant, acct["id"]))["commitment"]
    later = ok(await create_commitment(tenant, other["id"], startDate="2027-01-01", endDate="2028-01-01"))["commitment"]
    stale = data_of(await tenant.gql(UPDATE_COMMITMENT, {"input": {"id": created["id"], "version": 5, "amount": "5"}}))[
        "updateCommitment"
    ]
    assert errors_of(stale) == [(("input", "version"), "CONFLICT")]
    invalid = data_of(
        await tenant.gql(UPDATE_COMMITMENT, {"input": {"id": created["id"], "version": 1, "endDate": "2026-01-01"}})
    )
    assert errors_of(invalid["updateCommitment"]) == [(("input", "endDate"), "INVALID")]
    query = "query($f: CommitmentFilter) { commitments(filter: $f) { totalCount nodes { id } } }"
    for flt, expected in [
        ({"accountId": other["id"]}, [later["id"]]),
        ({"activeOn": "2026-12-31"}, [created["id"]]),
        ({"activeOn": "2027-01-01"}, [later["id"]]),
        (None, [created["id"], later["id"]]),
    ]:
        assert [n["id"] for n in data_of(await tenant.gql(query, {"f": flt}))["commitments"]["nodes"]] == expected, flt
    assert errors_of(
        data_of(await tenant.gql(DELETE_COMMITMENT, {"input": {"id": created["id"], "version": 2}}))["deleteCommitment"]
    ) == [(("input", "version"), "CONFLICT")]
    assert ok(
        data_of(await tenant.gql(DELETE_COMMITMENT, {"input": {"id": created["id"], "version": 1}}))["deleteCommitment"]
    )
    assert await Commitment.filter(organization_id=tenant.organization_id).count() == 1


# --- deleting accounts ---------------------------------------------------------------


async def test_delete_account_refused_while_others_depend_on_it(tenant):
    cat = await catalog(tenant)
    parent = await new_account(
        tenant,
        "parent",
        children=[account_input("kid")],
        accountPlans=[{"planCode": "standard", "startDate": JAN}],
        commitments=[commitment_input()],
    )
    await cat.plan_for("parent-special", cat.template, account_id=parent["id"])

    async def delete(account_id: str, version: int = 1) -> dict:
        return data_of(await tenant.gql(DELETE_ACCOUNT, {"input": {"id": account_id, "version": version}}))[
            "deleteAccount"
        ]

    refused = await delete(parent["id"])
    assert errors_of(refused) == [(("input", "id"), "IN_USE")]
    message = refused["userErrors"][0]["message"]
    assert all(
        word in message
        for word in ("child accounts kid", "account plans", "commitments", "bespoke plans parent-special")
    )
    assert errors_of(await delete(parent["id"], version=9)) == [(("input", "version"), "CONFLICT")]
    kid = data_of(await tenant.gql('{ account(code: "kid") { id } }'))["account"]
    assert ok(await delete(kid["id"]))["deletedId"] == kid["id"]
    await AccountPlan.filter(account_id=parent["id"]).delete()
    await Commitment.filter(account_id=parent["id"]).delete()
    await Plan.filter(account_id=parent["id"]).delete()
    assert ok(await delete(parent["id"]))["deletedId"] == parent["id"]
    assert errors_of(await delete(parent["id"])) == [(("input", "id"), "NOT_FOUND")]


# --- tenant isolation ----------------------------------------------------------------


@pytest.fixture
async def a_world(tenant) -> SimpleNamespace:
    """Tenant A's accounts, plans and commitments that tenant B will try to reach."""
    cat = await catalog(tenant)
    parent = await new_account(
        tenant,
        "a-parent",
        children=[account_input("a-kid")],
        accountPlans=[{"planCode": "standard", "startDate": JAN, "endDate": MAR, "code": "a-ap"}],
        commitments=[commitment_input(code="a-c")],
    )
    ap = data_of(await tenant.gql('{ accountPlan(code: "a-ap") { id } }'))["accountPlan"]
    commitment = data_of(await tenant.gql('{ commitment(code: "a-c") { id } }'))["commitment"]
    return SimpleNamespace(cat=cat, account=parent, account_plan=ap, commitment=commitment)


async def snapshot(tenant) -> list:
    """A's rows, straight from the database (versions included)."""
    org = tenant.organization_id
    return [
        sorted(map(str, await model.filter(organization_id=org).values_list("id", "version", "code")))
        for model in (Account, AccountPlan, Commitment)
    ]


QUERIES = {
    "accounts": ("{ accounts { totalCount } }", lambda d: d["accounts"]["totalCount"] == 0),
    "account": (
        'query($id: ID!) { byId: account(id: $id) { id } byCode: account(code: "a-parent") { id } }',
        lambda d: d == {"byId": None, "byCode": None},
    ),
    "accountPlans": ("{ accountPlans { totalCount } }", lambda d: d["accountPlans"]["totalCount"] == 0),
    "accountPlan": (
        'query($ap: ID!) { byId: accountPlan(id: $ap) { id } byCode: accountPlan(code: "a-ap") { id } }',
        lambda d: d == {"byId": None, "byCode": None},
    ),
    "commitments": ("{ commitments { totalCount } }", lambda d: d["commitments"]["totalCount"] == 0),
    "commitment": (
        'query($c: ID!) { byId: commitment(id: $c) { id } byCode: commitment(code: "a-c") { id } }',
        lambda d: d == {"byId": None, "byCode": None},
    ),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_queries_show_another_tenant_nothing(tenant, other_tenant, a_world, name):
    query, empty = QUERIES[name]
    variables = {
        k: v
        for k, v in {
            "id": a_world.account["id"],
            "ap": a_world.account_plan["id"],
            "c": a_world.commitment["id"],
        }.items()
        if f"${k}" in query
    }
    assert empty(data_of(await other_tenant.gql(query, variables)))


def mutations(w: SimpleNamespace, b_account: str) -> dict[str, tuple]:
    """name → (mutation, input, payload field, *expected NOT_FOUND paths) naming A's things."""
    return {
        "createAccount": (
            CREATE_ACCOUNT,
            account_input("b-kid", parentAccountId=w.account["id"]),
            "createAccount",
            ("parentAccountId",),
        ),
        "updateAccount": (
            UPDATE_ACCOUNT,
            {"id": w.account["id"], "version": 1, "name": "hijacked"},
            "updateAccount",
            ("id",),
        ),
        "deleteAccount": (DELETE_ACCOUNT, {"id": w.account["id"], "version": 1}, "deleteAccount", ("id",)),
        "createAccountPlan": (
            ATTACH,
            {"accountId": w.account["id"], "startDate": "2030-01-01T00:00:00Z", "planCode": "standard"},
            "createAccountPlan",
            ("accountId",),
            ("planCode",),
        ),
        "createAccountPlan (A's plan)": (
            ATTACH,
            {"accountId": b_account, "startDate": JAN, "planId": str(w.cat.standard.id)},
            "createAccountPlan",
            ("planId",),
        ),
        "updateAccountPlan": (
            UPDATE_PLAN,
            {"id": w.account_plan["id"], "version": 1, "endDate": FEB},
            "updateAccountPlan",
            ("id",),
        ),
        "replaceAccountPlan": (
            REPLACE,
            {"accountPlanId": w.account_plan["id"], "version": 1, "date": FEB, "planCode": "premium"},
            "replaceAccountPlan",
            ("accountPlanId",),
        ),
        "deleteAccountPlan": (DELETE_PLAN, {"id": w.account_plan["id"], "version": 1}, "deleteAccountPlan", ("id",)),
        "createCommitment": (
            CREATE_COMMITMENT,
            {"accountId": w.account["id"], **commitment_input()},
            "createCommitment",
            ("accountId",),
        ),
        "createCommitment (A's product)": (
            CREATE_COMMITMENT,
            {"accountId": b_account, **commitment_input(productIds=[str(w.cat.product.id)])},
            "createCommitment",
            ("productIds", "0"),
        ),
        "updateCommitment": (
            UPDATE_COMMITMENT,
            {"id": w.commitment["id"], "version": 1, "amount": "1"},
            "updateCommitment",
            ("id",),
        ),
        "deleteCommitment": (DELETE_COMMITMENT, {"id": w.commitment["id"], "version": 1}, "deleteCommitment", ("id",)),
    }


MUTATION_NAMES = [
    "createAccount",
    "updateAccount",
    "deleteAccount",
    "createAccountPlan",
    "createAccountPlan (A's plan)",
    "updateAccountPlan",
    "replaceAccountPlan",
    "deleteAccountPlan",
    "createCommitment",
    "createCommitment (A's product)",
    "updateCommitment",
    "deleteCommitment",
]


@pytest.mark.parametrize("name", MUTATION_NAMES)
async def test_mutations_cannot_reach_another_tenant(tenant, other_tenant, a_world, name):
    b_account = (await new_account(other_tenant, "b-acct"))["id"]
    before = await snapshot(tenant)
    mutation, input_, field, *paths = mutations(a_world, b_account)[name]
    payload = data_of(await other_tenant.gql(mutation, {"input": input_}))[field]
    assert errors_of(payload) == [(("input", *path), "NOT_FOUND") for path in paths], payload
    assert all(v is None for k, v in payload.items() if k != "userErrors")
    assert await snapshot(tenant) == before
    # B's own data did not grow either.
    for model in (AccountPlan, Commitment):
        assert await model.filter(organization_id=other_tenant.organization_id).count() == 0
    assert await Account.filter(organization_id=other_tenant.organization_id).count() == 1


def test_every_account_root_field_is_covered():
    from strawberry.types.base import get_object_definition

    from app.graphql.accounts import AccountMutation, AccountQuery

    def names(kind) -> set[str]:
        return {
            f.graphql_name or "".join(w if i == 0 else w.title() for i, w in enumerate(f.python_name.split("_")))
            for f in get_object_definition(kind, strict=True).fields
        }

    assert names(AccountQuery) == set(QUERIES)
    assert names(AccountMutation) == {n.split(" ")[0] for n in MUTATION_NAMES}
