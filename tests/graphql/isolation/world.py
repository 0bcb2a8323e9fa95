"""The two-tenant world of the isolation checks, and the snapshot of tenant A.

Tenant A is built once per module through the public API (it is expensive: a whole
catalog, accounts, processed measurements) and must come out of every check exactly as it
went in, which the snapshot proves before and after each check. Tenant B is new for every
check, with its own Administrator token; what B needs of its own (a catalog, an account)
it makes on demand (`World.b_catalog`).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q

from app.db import connection
from app.models import accounts as acc
from app.models import balances as bal
from app.models import billing as bil
from app.models import catalog as cat
from app.models import charges as chg
from app.models import counters as ctr
from app.models import memos as memo_models
from app.models import plan_groups as grp
from app.models.access import AccessKey, PolicyAttachment
from app.models.ingest import IngestFailure, MeasurementBatch
from app.models.statements import BillStatement
from tests.conftest import Tenant, data_of
from tests.workers import INGEST_QUEUE, post_measurements, run_burst_worker

ERRORS = "userErrors { field code message }"
PASSWORD_A = "password of tenant A"
PASSWORD_B = "password of tenant B"
JAN = "2026-01-01T00:00:00+00:00"
FEB = "2026-02-01T00:00:00+00:00"
BAND = [{"lowerLimit": "0", "unitPrice": "0.5"}]


def errors_of(payload: dict) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def refused(payload: dict, *errors: tuple[tuple[str, ...], str]) -> None:
    """Exactly these userErrors (paths under `input`), and no entity in the payload."""
    assert errors_of(payload) == [(["input", *path], code) for path, code in errors], payload
    entity = [v for k, v in payload.items() if k != "userErrors"]
    assert all(v is None for v in entity), payload


def not_found(payload: dict, *path: str) -> None:
    refused(payload, (path, "NOT_FOUND"))


def accepted(payload: dict) -> dict:
    assert payload["userErrors"] == [], payload
    return payload


def mutation(name: str, input_type: str, selection: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} {ERRORS} }} }}"


@dataclass
class World:
    a: Tenant
    b: Tenant
    ids: dict[str, str] = field(default_factory=dict)
    # A's configuration entities by kind: {"id", "code", "version", ...}.
    a_has: dict[str, dict[str, Any]] = field(default_factory=dict)
    app: Any = None
    _b_has: dict[str, dict[str, Any]] | None = None

    async def as_b(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        return data_of(await self.b.gql(query, variables, token=token))

    async def as_a(self, query: str, variables: dict | None = None) -> dict:
        return data_of(await self.a.gql(query, variables))

    async def b_run(self, name: str, input_type: str, selection: str, input_: dict) -> dict:
        """One of B's mutations with `input_` → its payload."""
        return (await self.as_b(mutation(name, input_type, selection), {"input": input_}))[name]

    async def b_catalog(self) -> dict[str, dict[str, Any]]:
        """B's own product with everything under it and an account with a plan and a
        commitment, made once per check when a check needs B's own things."""
        if self._b_has is None:
            self._b_has = await build_catalog(self.b, "b")
            self._b_has.update(await build_accounts(self.b, "b", self._b_has))
        return self._b_has


# ----------------------------------------------------------------- building a tenant


async def policies(tenant: Tenant) -> dict[str, str]:
    nodes = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    return {p["name"]: p["id"] for p in nodes}


async def service_user(tenant: Tenant, name: str, policy_ids: list[str]) -> str:
    result = data_of(
        await tenant.gql(
            mutation("createServiceUser", "CreateServiceUserInput", "serviceUser { id }"),
            {"input": {"name": name, "permissionPolicyIds": policy_ids}},
        )
    )["createServiceUser"]
    return accepted(result)["serviceUser"]["id"]


async def invite(tenant: Tenant, email: str, policy_ids: list[str]) -> tuple[str, str]:
    result = data_of(
        await tenant.gql(
            mutation("inviteUser", "InviteUserInput", "user { id } invitationToken"),
            {"input": {"email": email, "firstName": "A", "lastName": "User", "permissionPolicyIds": policy_ids}},
        )
    )["inviteUser"]
    accepted(result)
    return result["user"]["id"], result["invitationToken"]


async def accept(tenant: Tenant, token: str, password: str) -> dict:
    return data_of(
        await tenant.gql(
            f"""mutation($t: String!, $p: String!) {{
      acceptInvitation(token: $t, password: $p) {{ user {{ id status }} {ERRORS} }} }}""",
            {"t": token, "p": password},
            token="",
        )
    )["acceptInvitation"]


async def build_access(a: Tenant, ids: dict[str, str]) -> None:
    """A's currency, custom policy, service user with a key, an active and a pending user."""
    ids["a_org"] = a.organization_id
    currency = data_of(
        await a.gql(
            mutation("createCurrency", "CreateCurrencyInput", "currency { id }"),
            {"input": {"code": "EUR2", "name": "Euro two"}},
        )
    )["createCurrency"]
    ids["a_currency"] = accepted(currency)["currency"]["id"]
    policy = data_of(
        await a.gql(
            mutation("createPermissionPolicy", "CreatePermissionPolicyInput", "permissionPolicy { id }"),
            {
                "input": {
                    "name": "A custom",
                    "statements": [
                        {"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["config:currency/*"]}
                    ],
                }
            },
        )
    )
    ids["a_policy"] = accepted(policy["createPermissionPolicy"])["permissionPolicy"]["id"]
    ids["a_readonly"] = (await policies(a))["ReadOnly"]
    ids["a_service_user"] = await service_user(a, "a-robot", [ids["a_policy"]])
    key = data_of(
        await a.gql(
            mutation("createAccessKey", "CreateAccessKeyInput", "accessKey { id accessKeyId } apiSecret"),
            {"input": {"serviceUserId": ids["a_service_user"]}},
        )
    )["createAccessKey"]
    ids["a_key"], ids["a_key_id"], ids["a_secret"] = (
        key["accessKey"]["id"],
        key["accessKey"]["accessKeyId"],
        key["apiSecret"],
    )
    tag = uuid.uuid4().hex[:10]
    ids["a_active_email"], ids["a_pending_email"] = f"active.{tag}@a.example.com", f"pending.{tag}@a.example.com"
    ids["a_active_user"], token = await invite(a, ids["a_active_email"], [ids["a_readonly"]])
    assert (await accept(a, token, PASSWORD_A))["userErrors"] == []
    ids["a_pending_user"], ids["a_pending_token"] = await invite(a, ids["a_pending_email"], [ids["a_policy"]])


def product_input(p: str) -> dict:
    """`p` ("a" or "b") prefixes every code: a product with a meter (data and derived
    fields) and its aggregation, a compound aggregation, a plan template priced by the
    aggregation and a plan priced by the compound aggregation."""
    return {
        "code": f"{p}-product",
        "name": f"{p.upper()} product",
        "customFields": {"owner": p},
        "meters": [
            {
                "code": f"{p}-meter",
                "name": f"{p.upper()} meter",
                "dataFields": [
                    {"category": "WHO", "code": "region", "name": "Region"},
                    {"category": "MEASURE", "code": "gb", "name": "Gigabytes", "unit": "GB"},
                ],
                "derivedFields": [
                    {"category": "MEASURE", "code": "mb", "name": "Megabytes", "calculation": "gb * 1000"}
                ],
                "aggregations": [
                    {
                        "code": f"{p}_gb",
                        "name": f"{p.upper()} GB",
                        "targetField": "gb",
                        "aggregation": "SUM",
                        "unit": "GB",
                        "customFields": {"owner": p},
                    }
                ],
            }
        ],
        "compoundAggregations": [
            {"code": f"{p}_combo", "name": f"{p.upper()} combo", "calculation": f"aggregation.{p}_gb * 2"}
        ],
        "planTemplates": [
            {
                "code": f"{p}-template",
                "name": f"{p.upper()} template",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": "10",
                "pricings": [
                    {
                        "code": f"{p}-template-pricing",
                        "startDate": JAN,
                        "aggregationCode": f"{p}_gb",
                        "pricingBands": BAND,
                    }
                ],
                "plans": [
                    {
                        "code": f"{p}-plan",
                        "name": f"{p.upper()} plan",
                        "pricings": [
                            {
                                "code": f"{p}-plan-pricing",
                                "startDate": JAN,
                                "compoundAggregationCode": f"{p}_combo",
                                "pricingBands": BAND,
                            }
                        ],
                    },
                    {"code": f"{p}-spare-plan", "name": f"{p.upper()} spare plan", "standingCharge": "5"},
                ],
            }
        ],
    }


def global_meter_input(p: str) -> dict:
    return {
        "code": f"{p}-global-meter",
        "name": f"{p.upper()} global meter",
        "dataFields": [{"category": "MEASURE", "code": "calls", "name": "Calls"}],
        "aggregations": [
            {"code": f"{p}_global_calls", "name": f"{p.upper()} calls", "targetField": "calls", "aggregation": "COUNT"}
        ],
    }


CATALOG_READ = """{
  products(first: 100) { nodes { id code version } }
  meters(first: 100) { nodes { id code version } }
  aggregations(first: 100) { nodes { id code version } }
  compoundAggregations(first: 100) { nodes { id code version } }
  planTemplates(first: 100) { nodes { id code version } }
  plans(first: 100) { nodes { id code version } }
  pricings(first: 100) { nodes { id code version } }
}"""
ACCOUNTS_READ = """{
  accounts(first: 100) { nodes { id code version } }
  accountPlans(first: 100) { nodes { id code version } }
  commitments(first: 100) { nodes { id code version } }
}"""
# Kind → the list field holding it.
LISTS = {
    "product": "products",
    "meter": "meters",
    "aggregation": "aggregations",
    "compoundAggregation": "compoundAggregations",
    "planTemplate": "planTemplates",
    "plan": "plans",
    "pricing": "pricings",
    "account": "accounts",
    "accountPlan": "accountPlans",
    "commitment": "commitments",
}


def _by_code(seen: dict) -> dict[str, dict[str, Any]]:
    return {node["code"]: node for nodes in seen.values() for node in nodes["nodes"]}


async def build_catalog(t: Tenant, p: str) -> dict[str, dict[str, Any]]:
    """The catalog of `product_input(p)` and a global meter with its aggregation."""
    created = data_of(
        await t.gql(mutation("createProduct", "CreateProductInput", "product { id }"), {"input": product_input(p)})
    )
    accepted(created["createProduct"])
    created = data_of(
        await t.gql(mutation("createMeter", "CreateMeterInput", "meter { id }"), {"input": global_meter_input(p)})
    )
    accepted(created["createMeter"])
    by_code = _by_code(data_of(await t.gql(CATALOG_READ)))
    return {
        "product": by_code[f"{p}-product"],
        "meter": by_code[f"{p}-meter"],
        "globalMeter": by_code[f"{p}-global-meter"],
        "aggregation": by_code[f"{p}_gb"],
        "globalAggregation": by_code[f"{p}_global_calls"],
        "compoundAggregation": by_code[f"{p}_combo"],
        "planTemplate": by_code[f"{p}-template"],
        "plan": by_code[f"{p}-plan"],
        "sparePlan": by_code[f"{p}-spare-plan"],
        "pricing": by_code[f"{p}-plan-pricing"],
        "templatePricing": by_code[f"{p}-template-pricing"],
    }


def account_input(p: str, has: dict[str, dict[str, Any]]) -> dict:
    return {
        "code": f"{p}-account",
        "name": f"{p.upper()} account",
        "emailAddress": f"billing@{p}.example.com",
        "customFields": {"owner": p},
        "children": [{"code": f"{p}-child", "name": f"{p.upper()} child", "emailAddress": f"child@{p}.example.com"}],
        "accountPlans": [{"planCode": f"{p}-plan", "startDate": JAN, "code": f"{p}-account-plan"}],
        "commitments": [
            {
                "code": f"{p}-commitment",
                "currency": "USD",
                "amount": "1200",
                "startDate": "2026-01-01",
                "endDate": "2027-01-01",
                "productIds": [has["product"]["id"]],
                "billingPlanId": has["plan"]["id"],
            }
        ],
    }


async def build_accounts(t: Tenant, p: str, has: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """An account with a child, a plan attachment and a commitment, and a plan bespoke to it."""
    created = data_of(
        await t.gql(
            mutation("createAccount", "CreateAccountInput", "account { id code version }"),
            {"input": account_input(p, has)},
        )
    )
    account = accepted(created["createAccount"])["account"]
    bespoke = data_of(
        await t.gql(
            mutation("createPlan", "CreatePlanInput", "plan { id code version }"),
            {
                "input": {
                    "planTemplateId": has["planTemplate"]["id"],
                    "code": f"{p}-bespoke-plan",
                    "name": f"{p.upper()} bespoke",
                    "accountId": account["id"],
                }
            },
        )
    )
    by_code = _by_code(data_of(await t.gql(ACCOUNTS_READ)))
    return {
        "account": by_code[f"{p}-account"],
        "childAccount": by_code[f"{p}-child"],
        "accountPlan": by_code[f"{p}-account-plan"],
        "commitment": by_code[f"{p}-commitment"],
        "bespokePlan": accepted(bespoke["createPlan"])["plan"],
    }


async def build_counters(t: Tenant, p: str, has: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A counter of the product, its pricing on the plan, and the account's count from January."""
    counter = data_of(
        await t.gql(
            mutation("createCounter", "CreateCounterInput", "counter { id code version }"),
            {"input": {"code": f"{p}-seats", "name": "Seats", "unit": "seats", "productId": has["product"]["id"]}},
        )
    )
    counter = accepted(counter["createCounter"])["counter"]
    pricing = data_of(
        await t.gql(
            mutation("createCounterPricing", "CreateCounterPricingInput", "counterPricing { id code version }"),
            {
                "input": {
                    "planId": has["plan"]["id"],
                    "counterId": counter["id"],
                    "code": f"{p}-seat-pricing",
                    "startDate": JAN,
                    "pricingBands": BAND,
                }
            },
        )
    )
    on_template = data_of(
        await t.gql(
            mutation("createCounterPricing", "CreateCounterPricingInput", "counterPricing { id code version }"),
            {
                "input": {
                    "planTemplateId": has["planTemplate"]["id"],
                    "counterId": counter["id"],
                    "code": f"{p}-template-seat-pricing",
                    "startDate": JAN,
                    "pricingBands": BAND,
                }
            },
        )
    )
    adjustment = data_of(
        await t.gql(
            mutation("createCounterAdjustment", "CreateCounterAdjustmentInput", "counterAdjustment { id version }"),
            {
                "input": {
                    "counterId": counter["id"],
                    "accountId": has["account"]["id"],
                    "date": "2026-01-01",
                    "value": 3,
                }
            },
        )
    )
    return {
        "counter": counter,
        "counterPricing": accepted(pricing["createCounterPricing"])["counterPricing"],
        "templateCounterPricing": accepted(on_template["createCounterPricing"])["counterPricing"],
        "counterAdjustment": {**accepted(adjustment["createCounterAdjustment"])["counterAdjustment"], "code": None},
    }


def measurement(p: str, uid: str, account: str, gb: object = None, meter: str | None = None, **extra: Any) -> dict:
    item = {
        "uid": uid,
        "meter": meter or f"{p}-meter",
        "account": account,
        "ts": "2026-01-10T12:00:00Z",
        "who": {"region": "eu"},
    }
    if gb is not None:
        item["measure"] = {"gb": gb}
    return {**item, **extra}


A_MEASUREMENTS = [
    measurement("a", "a-uid-1", "a-account", 3),
    measurement("a", "a-uid-2", "a-child", 4),
    {
        "uid": "a-uid-3",
        "meter": "a-global-meter",
        "account": "a-account",
        "ts": "2026-01-11T00:00:00Z",
        "measure": {"calls": 1},
    },
    measurement("a", "a-uid-bad", "a-account", 1, meter="no-such-meter"),
]


@contextlib.asynccontextmanager
async def on_session_queue(app: Any) -> AsyncIterator[None]:
    """Ingest jobs go to this session's own queue (see tests/workers) while inside."""
    client = app.state.arq
    previous, client.default_queue_name = client.default_queue_name, INGEST_QUEUE
    try:
        yield
    finally:
        client.default_queue_name = previous


async def build_ingest(app: Any, a: Tenant, ids: dict[str, str]) -> None:
    """A's batch over REST, processed by a real burst worker: 3 stored, 1 rejected."""
    async with on_session_queue(app):
        response = await post_measurements(a, A_MEASUREMENTS)
        assert response.status_code == 200, response.text
        ids["a_batch"] = response.json()["batchId"]
        await run_burst_worker()
    batch = data_of(
        await a.gql("query($id: ID!) { ingestBatch(id: $id) { status stored rejected } }", {"id": ids["a_batch"]})
    )
    assert batch["ingestBatch"] == {"status": "PROCESSED", "stored": 3, "rejected": 1}


BILL_JOB = "query($id: ID!) { billJob(id: $id) { id version status total pending failed billIds } }"


async def bill_run(app: Any, t: Tenant, job_input: dict) -> dict:
    """createBillJob, run by a real burst worker → the finished job."""
    async with on_session_queue(app):
        created = data_of(
            await t.gql(mutation("createBillJob", "CreateBillJobInput", "billJob { id }"), {"input": job_input})
        )
        job_id = accepted(created["createBillJob"])["billJob"]["id"]
        await run_burst_worker()
    job = data_of(await t.gql(BILL_JOB, {"id": job_id}))["billJob"]
    assert job["status"] == "COMPLETE", job
    return job


async def build_billing(app: Any, a: Tenant, ids: dict[str, str], has: dict[str, dict[str, Any]]) -> None:
    """A's bill of January 2026 (a-account with its child's usage), left PENDING."""
    job = await bill_run(app, a, {"billDate": "2026-02-01"})
    assert len(job["billIds"]) == 1, job
    ids["a_bill_job"], ids["a_bill"] = job["id"], job["billIds"][0]
    bill = data_of(
        await a.gql(
            "query($id: ID!) { bill(id: $id) { id version accountId status billTotal } }", {"id": ids["a_bill"]}
        )
    )
    assert bill["bill"]["accountId"] == has["account"]["id"] and bill["bill"]["status"] == "PENDING", bill
    has["bill"] = {"id": ids["a_bill"], "version": bill["bill"]["version"], "code": None}


async def build_a(app: Any, a: Tenant) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    ids: dict[str, str] = {}
    await build_access(a, ids)
    has = await build_catalog(a, "a")
    has.update(await build_accounts(a, "a", has))
    has.update(await build_counters(a, "a", has))
    await build_ingest(app, a, ids)
    from tests.graphql.isolation.charges_groups import build_charges_groups  # it imports this module

    has.update(await build_charges_groups(a, "a", has))  # before the bill run: A's bill carries the charge
    await build_billing(app, a, ids, has)
    from tests.graphql.isolation.memos import build_memos  # it imports this module

    await build_memos(a, ids, has)
    from tests.graphql.isolation.exports import build_exports  # it imports this module

    await build_exports(app, a, ids)
    from tests.graphql.test_webhooks_isolation import build_webhooks  # it imports this module

    has.update(await build_webhooks(a))
    from tests.graphql.isolation.balances import build_balances  # it imports this module

    has.update(await build_balances(a, "a", has))
    return ids, has


# ----------------------------------------------------------------------- the snapshot

ACCESS_SNAPSHOT = """
  organizationConfig { id version timezone currency daysBeforeBillDue customFields }
  currencies(first: 100) { totalCount nodes { id version code name maxDecimalPlaces roundingMode } }
  users(first: 100) { totalCount nodes { id version email firstName lastName status permissionPolicies { id } } }
  serviceUsers(first: 100) { totalCount nodes { id version name description
    permissionPolicies { id } accessKeys { totalCount nodes { id version accessKeyId status } } } }
  permissionPolicies(first: 100) { totalCount nodes { id version name managed statements { effect action resource } } }
"""
STAMP = "id version code name customFields dtLastModified lastModifiedBy"
CATALOG_SNAPSHOT = f"""
  products(first: 100) {{ totalCount nodes {{ {STAMP}
    meters {{ nodes {{ id }} }} aggregations {{ nodes {{ id }} }} compoundAggregations {{ nodes {{ id }} }}
    planTemplates {{ nodes {{ id }} }} plans {{ nodes {{ id }} }} }} }}
  meters(first: 100) {{ totalCount nodes {{ {STAMP} productId dataFields {{ category code name unit }}
    derivedFields {{ category code name unit calculation }} aggregations {{ nodes {{ id }} }} }} }}
  aggregations(first: 100) {{ totalCount nodes {{ {STAMP} productId meterId targetField aggregation quantityPerUnit
    rounding unit
    segmentedFields segments defaultValue pricings {{ nodes {{ id }} }} }} }}
  compoundAggregations(first: 100) {{ totalCount nodes {{ {STAMP} productId calculation quantityPerUnit rounding unit
    evaluateNullAggregations pricings {{ nodes {{ id }} }} }} }}
  planTemplates(first: 100) {{ totalCount nodes {{ {STAMP} productId currency billFrequency billFrequencyInterval
    standingCharge
    standingChargeInterval standingChargeOffset minimumSpend plans {{ nodes {{ id }} }} pricings {{ nodes {{ id }} }}
      }} }}
  plans(first: 100) {{ totalCount nodes {{ {STAMP} planTemplateId productId accountId currency standingCharge
    minimumSpend
    overriddenFields pricings {{ nodes {{ id }} }} }} }}
  pricings(first: 100) {{ totalCount nodes {{ id version code description planId planTemplateId aggregationId
    compoundAggregationId
    productId startDate endDate pricingBands {{ lowerLimit unitPrice fixedPrice }} cumulative type segment
      minimumSpend dtLastModified }} }}
"""
ACCOUNTS_SNAPSHOT = f"""
  accounts(first: 100) {{ totalCount nodes {{ {STAMP} emailAddress parentAccountId billEpoch currency daysBeforeBillDue
    autoCreated children {{ nodes {{ id }} }} accountPlans {{ nodes {{ id }} }} commitments {{ nodes {{ id }} }} }} }}
  accountPlans(first: 100) {{ totalCount nodes {{ id version code accountId planId productId startDate endDate billEpoch
    childBillingMode customFields dtLastModified }} }}
  commitments(first: 100) {{ totalCount nodes {{ id version code accountId currency amount amountPrePaid amountSpent
    startDate
    endDate productIds billingPlanId billingInterval dtLastModified }} }}
"""
INGEST_SNAPSHOT = """
  measurements(first: 100) { totalCount nodes { uid meterId meterCode accountId accountCode ts batchId batchIndex data
    } }
  batch: ingestBatch(id: $batch) { id status source accepted stored duplicates rejected dtProcessed
    failures { totalCount nodes { index uid code } } }
  usage: usage(accountId: $account, aggregationId: $aggregation, from: $from, to: $to) { quantity units }
  compoundUsage: usage(accountId: $account, compoundAggregationId: $compound, from: $from, to: $to) { quantity units }
"""
BILLING_SNAPSHOT = """
  bills(first: 100) { totalCount nodes { id version accountId accountCode billDate dueDate startDate endDate
    billingFrequency
    currency status locked billJobId lastCalculatedDate sequentialInvoiceNumber billTotal dtLastModified
    lineItems(first: 100) { totalCount nodes { id lineItemType accountPlanId planId pricingId aggregationId
      compoundAggregationId
      childAccountId quantity units subtotal convertedSubtotal } } } }
  billJobs(first: 100) { totalCount nodes { id version status type billDate accountIds total pending failed billIds
    failureReason dtCompleted dtLastModified failures { accountId reason } bills { nodes { id } } } }
"""
SNAPSHOT = (
    f"query($batch: ID!, $account: ID!, $aggregation: ID!, $compound: ID!, $from: DateTime!, $to: DateTime!) {{"
    f"{ACCESS_SNAPSHOT}{CATALOG_SNAPSHOT}{ACCOUNTS_SNAPSHOT}{INGEST_SNAPSHOT}{BILLING_SNAPSHOT}}}"
)

# Rows of A's organization, whoever may have written them, by model.
A_ROWS = (
    cat.Product,
    cat.Meter,
    cat.Aggregation,
    cat.CompoundAggregation,
    cat.PlanTemplate,
    cat.Plan,
    cat.Pricing,
    acc.Account,
    acc.AccountPlan,
    acc.Commitment,
    chg.Charge,
    grp.PlanGroup,
    grp.PlanGroupLink,
    ctr.Counter,
    ctr.CounterPricing,
    ctr.CounterAdjustment,
    bal.Balance,
    bal.BalanceTransaction,
    bal.TransactionType,
    MeasurementBatch,
    IngestFailure,
    bil.Bill,
    bil.BillLineItem,
    bil.BillJob,
    bil.BillJobAccount,
    memo_models.CreditReason,
    memo_models.DebitReason,
    BillStatement,
)


def _referencing(seen: dict) -> list[tuple[type, Q]]:
    """Rows of ANY organization naming one of A's entities (a cross-tenant link would be
    invisible to A's own scoped queries)."""

    def ids(list_name: str) -> list[str]:
        return [n["id"] for n in seen[list_name]["nodes"]]

    products, meters, aggregations, compounds = (
        ids("products"),
        ids("meters"),
        ids("aggregations"),
        ids("compoundAggregations"),
    )
    templates, plans, accounts = ids("planTemplates"), ids("plans"), ids("accounts")
    return [
        (cat.Meter, Q(product_id__in=products)),
        (cat.Aggregation, Q(product_id__in=products) | Q(meter_id__in=meters)),
        (cat.CompoundAggregation, Q(product_id__in=products)),
        (cat.PlanTemplate, Q(product_id__in=products)),
        (cat.Plan, Q(product_id__in=products) | Q(plan_template_id__in=templates) | Q(account_id__in=accounts)),
        (
            cat.Pricing,
            Q(product_id__in=products)
            | Q(plan_id__in=plans)
            | Q(plan_template_id__in=templates)
            | Q(aggregation_id__in=aggregations)
            | Q(compound_aggregation_id__in=compounds),
        ),
        (acc.Account, Q(parent_account_id__in=accounts)),
        (ctr.Counter, Q(product_id__in=products)),
        (
            ctr.CounterPricing,
            Q(product_id__in=products) | Q(plan_id__in=plans) | Q(plan_template_id__in=templates),
        ),
        (ctr.CounterAdjustment, Q(account_id__in=accounts)),
        (acc.AccountPlan, Q(account_id__in=accounts) | Q(plan_id__in=plans) | Q(product_id__in=products)),
        (acc.Commitment, Q(account_id__in=accounts) | Q(billing_plan_id__in=plans)),
        (chg.Charge, Q(account_id__in=accounts) | Q(bill_id__in=ids("bills"))),
        (grp.PlanGroup, Q(account_id__in=accounts)),  # bespoke groups name their account
        (grp.PlanGroupLink, Q(plan_id__in=plans)),
        (bal.Balance, Q(account_id__in=accounts)),  # balances name their account (SEMANTICS §11.1)
        (bil.Bill, Q(account_id__in=accounts) | Q(bill_job_id__in=ids("billJobs"))),
        (
            bil.BillLineItem,
            Q(bill_id__in=ids("bills"))
            | Q(child_account_id__in=accounts)
            | Q(plan_id__in=plans)
            | Q(aggregation_id__in=aggregations)
            | Q(compound_aggregation_id__in=compounds)
            | Q(product_id__in=products)
            | Q(referenced_bill_id__in=ids("bills")),  # memo lines correcting A's bills (SEMANTICS §12.1)
        ),
        (bil.BillJobAccount, Q(account_id__in=accounts) | Q(bill_job_id__in=ids("billJobs"))),
        (BillStatement, Q(bill_id__in=ids("bills"))),  # statements name their bill (SEMANTICS §12.2)
    ]


async def snapshot(w: World) -> dict:
    """Everything of A, through A's API and through the database."""
    seen = data_of(
        await w.a.gql(
            SNAPSHOT,
            {
                "batch": w.ids["a_batch"],
                "account": w.a_has["account"]["id"],
                "aggregation": w.a_has["aggregation"]["id"],
                "compound": w.a_has["compoundAggregation"]["id"],
                "from": JAN,
                "to": FEB,
            },
        )
    )
    principals = [u["id"] for u in seen["users"]["nodes"]] + [u["id"] for u in seen["serviceUsers"]["nodes"]]
    policy_ids = [p["id"] for p in seen["permissionPolicies"]["nodes"]]
    attachments = await PolicyAttachment.filter(principal_id__in=principals).values_list(
        "organization_id", "policy_id", "principal_type", "principal_id", "version"
    )
    attachments += await PolicyAttachment.filter(policy_id__in=policy_ids).values_list(
        "organization_id", "policy_id", "principal_type", "principal_id", "version"
    )
    keys = await AccessKey.filter(service_user_id__in=principals).values_list(
        "organization_id", "access_key_id", "status", "version"
    )
    db: dict[str, Any] = {"attachments": sorted(map(str, set(attachments))), "keys": sorted(map(str, keys))}
    org = w.ids["a_org"]
    for model in A_ROWS:
        db[f"a:{model.__name__}"] = sorted(
            map(str, await model.filter(organization_id=org).values_list("id", "version"))
        )
    for model, naming_a in _referencing(seen):
        db[f"naming-a:{model.__name__}"] = sorted(
            map(str, await model.filter(naming_a).values_list("organization_id", "id", "version"))
        )
    # Commitments name products inside a JSON list.
    product_ids = [p["id"] for p in seen["products"]["nodes"]]
    async with connection() as conn:
        db["naming-a:Commitment.productIds"] = sorted(
            map(
                str,
                await conn.fetch(
                    "SELECT organization_id, id, version FROM commitments WHERE product_ids ?| $1::text[]", product_ids
                ),
            )
        )
        db["naming-a:measurements"] = sorted(
            map(
                str,
                await conn.fetch(
                    """SELECT organization_id, account_id, meter_id, uid, batch_id, batch_index FROM measurements
               WHERE organization_id = $1 OR account_id = ANY($2::uuid[]) OR meter_id = ANY($3::uuid[])""",
                    uuid.UUID(org),
                    [n["id"] for n in seen["accounts"]["nodes"]],
                    [n["id"] for n in seen["meters"]["nodes"]],
                ),
            )
        )
        # Bill jobs name accounts and bills inside JSON lists.
        db["naming-a:BillJob.lists"] = sorted(
            map(
                str,
                await conn.fetch(
                    """SELECT organization_id, id, version, status FROM bill_jobs
               WHERE account_ids ?| $1::text[] OR bill_ids ?| $2::text[] OR result_bill_ids ?| $2::text[]""",
                    [n["id"] for n in seen["accounts"]["nodes"]],
                    [n["id"] for n in seen["bills"]["nodes"]],
                ),
            )
        )
        db["a:measurement_uids"] = sorted(
            map(
                str,
                await conn.fetch(
                    "SELECT uid, batch_id, stored_at FROM measurement_uids WHERE organization_id = $1", uuid.UUID(org)
                ),
            )
        )
    seen["db"] = db
    return seen
