"""Permission policies are enforced on every root field (SEMANTICS §2.3, CONTRACT §3), and
on every field of the schema that yields entities, nested ones included (the generated
DENY tests at the end).

Each principal here is a service user with exactly the policies named, authenticating
through the real token endpoint.
"""

from __future__ import annotations

import json
import uuid
from collections import deque

import httpx
import pytest
import pytest_asyncio
from graphql import GraphQLObjectType, get_named_type

from app.auth.permissions import ACTIONS
from app.graphql import reads
from app.graphql.authorization import Authenticated, Authorize, Public
from app.graphql.schema import Mutation, Query, schema
from app.models import accounts, balances, billing, catalog, charges, counters, memos, plan_groups
from app.models.ingest import MeasurementBatch
from app.models.organization import Currency
from app.models.webhooks import WebhookDestination
from tests.conftest import Tenant, client_token, data_of, new_tenant
from tests.graphql.isolation.subscriptions import subscribe_first
from tests.graphql.isolation.world import build_a, on_session_queue
from tests.workers import ingest_queue  # noqa: F401 - fixture: anything enqueued goes to this session's own queue

ERRORS = "userErrors { field code message }"
PUBLIC_FIELDS = {"login", "acceptInvitation"}
# Any authenticated caller may ask who it is, whatever its policies.
AUTHENTICATED_FIELDS = {"me"}
# What the managed IngestOnly policy (measurements:upload) lets through besides those.
INGEST_ONLY_ALLOWED = {"submitMeasurements"}
# Queries needing measurements:retrieve rather than config:retrieve.
MEASUREMENT_READS = {"ingestBatch", "measurements", "usage"}
RANDOM_ID = str(uuid.uuid4())

# One representative operation per root field (arguments are well-formed; the check runs
# before the resolver, so they need not name anything real).
OPERATIONS: dict[str, str] = {
    "me": "{ me { principalId } }",
    "organizationConfig": "{ organizationConfig { version } }",
    "currencies": "{ currencies { totalCount } }",
    "currency": '{ currency(code: "USD") { id } }',
    "users": "{ users { totalCount } }",
    "serviceUsers": "{ serviceUsers { totalCount } }",
    "permissionPolicies": "{ permissionPolicies { totalCount } }",
    "updateOrganizationConfig": (
        f"mutation {{ updateOrganizationConfig(input: {{version: 1, daysBeforeBillDue: 9}}) {{ {ERRORS} }} }}"
    ),
    "createCurrency": f'mutation {{ createCurrency(input: {{code: "PERM", name: "Perm"}}) {{ {ERRORS} }} }}',
    "updateCurrency": (
        f'mutation {{ updateCurrency(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteCurrency": f'mutation {{ deleteCurrency(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "inviteUser": (
        f'mutation {{ inviteUser(input: {{email: "perm.{uuid.uuid4().hex[:8]}@example.com", '
        f'firstName: "P", lastName: "Q"}}) {{ {ERRORS} }} }}'
    ),
    "acceptInvitation": (
        f'mutation {{ acceptInvitation(token: "no-such-token", password: "long enough pw") {{ {ERRORS} }} }}'
    ),
    "login": 'mutation { login(email: "nobody@example.com", password: "long enough pw") { token } }',
    "createServiceUser": f'mutation {{ createServiceUser(input: {{name: "perm-robot"}}) {{ {ERRORS} }} }}',
    "deleteServiceUser": f'mutation {{ deleteServiceUser(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createAccessKey": f'mutation {{ createAccessKey(input: {{serviceUserId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}',
    "updateAccessKey": (
        f'mutation {{ updateAccessKey(input: {{id: "{RANDOM_ID}", version: 1, status: INACTIVE}}) {{ {ERRORS} }} }}'
    ),
    "updateUser": (
        f'mutation {{ updateUser(input: {{id: "{RANDOM_ID}", version: 1, status: "INACTIVE"}}) {{ {ERRORS} }} }}'
    ),
    "createPermissionPolicy": (
        'mutation { createPermissionPolicy(input: {name: "perm", statements: [{effect: '
        f'"ALLOW", action: ["*"], resource: ["*"]}}]}}) {{ {ERRORS} }} }}'
    ),
    "updatePermissionPolicy": (
        f'mutation {{ updatePermissionPolicy(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deletePermissionPolicy": (
        f'mutation {{ deletePermissionPolicy(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    "attachPermissionPolicy": (
        f'mutation {{ attachPermissionPolicy(input: {{policyId: "{RANDOM_ID}", principalType: '
        f'SERVICE_USER, principalId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}'
    ),
    "detachPermissionPolicy": (
        f'mutation {{ detachPermissionPolicy(input: {{policyId: "{RANDOM_ID}", principalType: '
        f'SERVICE_USER, principalId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}'
    ),
    # Catalog (creates use "perm" codes: `assert_forbidden_everywhere` proves none was stored).
    "products": "{ products { totalCount } }",
    "product": f'{{ product(id: "{RANDOM_ID}") {{ id }} }}',
    "meters": f'{{ meters(filter: {{productId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "meter": '{ meter(code: "perm-meter") { id } }',
    "aggregations": f'{{ aggregations(meterId: "{RANDOM_ID}") {{ totalCount }} }}',
    "aggregation": f'{{ aggregation(id: "{RANDOM_ID}") {{ id }} }}',
    "compoundAggregations": "{ compoundAggregations { totalCount } }",
    "compoundAggregation": '{ compoundAggregation(code: "perm_combo") { id } }',
    "planTemplates": "{ planTemplates { totalCount } }",
    "planTemplate": f'{{ planTemplate(id: "{RANDOM_ID}") {{ id }} }}',
    "plans": f'{{ plans(filter: {{planTemplateId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "plan": '{ plan(code: "perm-plan") { id } }',
    "pricings": f'{{ pricings(filter: {{planId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "pricing": f'{{ pricing(id: "{RANDOM_ID}") {{ id }} }}',
    "pricingPreview": """{ pricingPreview(input: {pricingBands: [{lowerLimit: "0", unitPrice: "1"}], cumulative: true,
      units: "5"}) { charge { subtotal } userErrors { code } } }""",
    "system": "{ system { queues { name } } }",
    "createProduct": (
        f'mutation {{ createProduct(input: {{code: "perm-product", name: "Perm"}}) {{ product {{ id }} {ERRORS} }} }}'
    ),
    "updateProduct": (
        f'mutation {{ updateProduct(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteProduct": f'mutation {{ deleteProduct(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createMeter": f"""mutation {{ createMeter(input: {{code: "perm-meter", name: "Perm",
      dataFields: [{{category: MEASURE, code: "n", name: "N"}}]}}) {{ meter {{ id }} {ERRORS} }} }}""",
    "updateMeter": f'mutation {{ updateMeter(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}',
    "deleteMeter": f'mutation {{ deleteMeter(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createAggregation": f"""mutation {{ createAggregation(input: {{meterId: "{RANDOM_ID}", code: "perm_agg", name:
      "Perm",
      targetField: "n", aggregation: SUM}}) {{ aggregation {{ id }} {ERRORS} }} }}""",
    "updateAggregation": (
        f'mutation {{ updateAggregation(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteAggregation": f'mutation {{ deleteAggregation(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createCompoundAggregation": f"""mutation {{ createCompoundAggregation(input: {{code: "perm_combo", name: "Perm",
      calculation: "1 + 1"}}) {{ compoundAggregation {{ id }} {ERRORS} }} }}""",
    "updateCompoundAggregation": (
        f'mutation {{ updateCompoundAggregation(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteCompoundAggregation": (
        f'mutation {{ deleteCompoundAggregation(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    "createPlanTemplate": f"""mutation {{ createPlanTemplate(input: {{productId: "{RANDOM_ID}", code: "perm-template",
      name: "Perm",
      currency: "USD", billFrequency: MONTHLY}}) {{ planTemplate {{ id }} {ERRORS} }} }}""",
    "updatePlanTemplate": (
        f'mutation {{ updatePlanTemplate(input: {{id: "{RANDOM_ID}", version: 1, standingCharge: '
        f'"1"}}) {{ {ERRORS} }} }}'
    ),
    "deletePlanTemplate": f'mutation {{ deletePlanTemplate(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createPlan": f"""mutation {{ createPlan(input: {{planTemplateId: "{RANDOM_ID}", code: "perm-plan", name:
      "Perm"}}) {{
      plan {{ id }} {ERRORS} }} }}""",
    "updatePlan": (
        f'mutation {{ updatePlan(input: {{id: "{RANDOM_ID}", version: 1, standingCharge: null}}) {{ {ERRORS} }} }}'
    ),
    "deletePlan": f'mutation {{ deletePlan(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createPricing": f"""mutation {{ createPricing(input: {{planId: "{RANDOM_ID}", aggregationId: "{RANDOM_ID}", code:
      "perm-pricing",
      startDate: "2026-01-01T00:00:00Z", pricingBands: [{{lowerLimit: "0", unitPrice: "1"}}]}}) {{ pricing {{ id }}
        {ERRORS} }} }}""",
    "updatePricing": (
        f'mutation {{ updatePricing(input: {{id: "{RANDOM_ID}", version: 1, code: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deletePricing": f'mutation {{ deletePricing(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    # Accounts.
    "accounts": "{ accounts { totalCount } }",
    "account": '{ account(code: "perm-account") { id } }',
    "accountPlans": f'{{ accountPlans(filter: {{accountId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "accountPlan": f'{{ accountPlan(id: "{RANDOM_ID}") {{ id }} }}',
    "commitments": '{ commitments(filter: {activeOn: "2026-01-15"}) { totalCount } }',
    "commitment": f'{{ commitment(id: "{RANDOM_ID}") {{ id }} }}',
    "createAccount": f"""mutation {{ createAccount(input: {{code: "perm-account", name: "Perm", emailAddress:
      "perm@example.com"}}) {{
      account {{ id }} {ERRORS} }} }}""",
    "updateAccount": (
        f'mutation {{ updateAccount(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteAccount": f'mutation {{ deleteAccount(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createAccountPlan": f"""mutation {{ createAccountPlan(input: {{accountId: "{RANDOM_ID}", planId: "{RANDOM_ID}",
      startDate: "2026-01-01T00:00:00Z"}}) {{ accountPlan {{ id }} {ERRORS} }} }}""",
    "updateAccountPlan": f"""mutation {{ updateAccountPlan(input: {{id: "{RANDOM_ID}", version: 1,
      endDate: "2026-02-01T00:00:00Z"}}) {{ {ERRORS} }} }}""",
    "replaceAccountPlan": f"""mutation {{ replaceAccountPlan(input: {{accountPlanId: "{RANDOM_ID}", version: 1,
      date: "2026-02-01T00:00:00Z", planId: "{RANDOM_ID}"}}) {{ {ERRORS} }} }}""",
    "deleteAccountPlan": f'mutation {{ deleteAccountPlan(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createCommitment": f"""mutation {{ createCommitment(input: {{accountId: "{RANDOM_ID}", currency: "USD", amount:
      "1",
      startDate: "2026-01-01", endDate: "2026-02-01"}}) {{ commitment {{ id }} {ERRORS} }} }}""",
    "updateCommitment": (
        f'mutation {{ updateCommitment(input: {{id: "{RANDOM_ID}", version: 1, amount: "2"}}) {{ {ERRORS} }} }}'
    ),
    "deleteCommitment": f'mutation {{ deleteCommitment(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "balances": f'{{ balances(filter: {{accountId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "balance": f'{{ balance(id: "{RANDOM_ID}") {{ id }} }}',
    "balanceTransactions": f'{{ balanceTransactions(filter: {{balanceId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "transactionTypes": "{ transactionTypes { totalCount } }",
    "transactionType": f'{{ transactionType(id: "{RANDOM_ID}") {{ id }} }}',
    "createBalance": f"""mutation {{ createBalance(input: {{accountId: "{RANDOM_ID}", code: "perm", name: "P",
      currency: "USD", startDate: "2026-01-01T00:00:00Z", endDate: "2026-02-01T00:00:00Z"}}) {{
      balance {{ id }} {ERRORS} }} }}""",
    "updateBalance": (
        f'mutation {{ updateBalance(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteBalance": f'mutation {{ deleteBalance(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createBalanceTransaction": (
        f'mutation {{ createBalanceTransaction(input: {{balanceId: "{RANDOM_ID}", amount: "5"}}) {{ {ERRORS} }} }}'
    ),
    "deleteBalanceTransaction": (
        f'mutation {{ deleteBalanceTransaction(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    "createTransactionType": (
        f'mutation {{ createTransactionType(input: {{code: "perm", name: "P"}}) {{ {ERRORS} }} }}'
    ),
    "updateTransactionType": (
        f'mutation {{ updateTransactionType(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteTransactionType": (
        f'mutation {{ deleteTransactionType(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    # Ingest. The batch is empty, so even an allowed caller stores and enqueues nothing
    # (an empty batch is refused whole); authorization is decided before that.
    "ingestBatch": f'{{ ingestBatch(id: "{RANDOM_ID}") {{ id status }} }}',
    "measurements": f'{{ measurements(filter: {{accountId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "usage": f"""{{ usage(accountId: "{RANDOM_ID}", aggregationId: "{RANDOM_ID}", from: "2026-01-01T00:00:00Z",
      to: "2026-02-01T00:00:00Z") {{ quantity units }} }}""",
    "submitMeasurements": (
        f"mutation {{ submitMeasurements(input: {{measurements: []}}) {{ result batchId {ERRORS} }} }}"
    ),
    # Billing. The job input names an unknown account, so even an allowed caller creates
    # and enqueues nothing.
    "bills": "{ bills(filter: {status: PENDING}) { totalCount } }",
    "bill": f'{{ bill(id: "{RANDOM_ID}") {{ id }} }}',
    "billJobs": "{ billJobs(filter: {status: COMPLETE}) { totalCount } }",
    "billJob": f'{{ billJob(id: "{RANDOM_ID}") {{ id }} }}',
    "billPreview": f'{{ billPreview(accountId: "{RANDOM_ID}", billDate: "2026-02-01") {{ billTotal }} }}',
    "createBillJob": f"""mutation {{ createBillJob(input: {{billDate: "2026-02-01", accountIds: ["{RANDOM_ID}"]}}) {{
      billJob {{ id }} {ERRORS} }} }}""",
    "cancelBillJob": f'mutation {{ cancelBillJob(input: {{id: "{RANDOM_ID}"}}) {{ billJob {{ id }} {ERRORS} }} }}',
    "recalculateBills": (
        f'mutation {{ recalculateBills(input: {{billIds: ["{RANDOM_ID}"]}}) {{ billJob {{ id }} {ERRORS} }} }}'
    ),
    "approveBills": f'mutation {{ approveBills(input: {{billIds: ["{RANDOM_ID}"]}}) {{ bills {{ id }} {ERRORS} }} }}',
    "lockBill": f'mutation {{ lockBill(input: {{id: "{RANDOM_ID}", version: 1}}) {{ bill {{ id }} {ERRORS} }} }}',
    "billConfig": "{ billConfig { billLockDate version } }",
    # Memos and statements (SEMANTICS §12): reasons are config:* on creditReason / debitReason
    # ("perm" codes: none may be stored); memo lines and setBillPending bills:approve, statements
    # bills:run, on a random bill (even an allowed caller changes nothing).
    "creditReasons": "{ creditReasons { totalCount } }",
    "creditReason": '{ creditReason(code: "perm-credit") { id } }',
    "debitReasons": "{ debitReasons(filter: {archived: false}) { totalCount } }",
    "debitReason": f'{{ debitReason(id: "{RANDOM_ID}") {{ id }} }}',
    "createCreditReason": (
        'mutation { createCreditReason(input: {code: "perm-credit", name: "Perm"}) '
        f"{{ creditReason {{ id }} {ERRORS} }} }}"
    ),
    "updateCreditReason": (
        f'mutation {{ updateCreditReason(input: {{id: "{RANDOM_ID}", version: 1, archived: true}}) {{ {ERRORS} }} }}'
    ),
    "deleteCreditReason": f'mutation {{ deleteCreditReason(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createDebitReason": (
        'mutation { createDebitReason(input: {code: "perm-debit", name: "Perm"}) '
        f"{{ debitReason {{ id }} {ERRORS} }} }}"
    ),
    "updateDebitReason": (
        f'mutation {{ updateDebitReason(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteDebitReason": f'mutation {{ deleteDebitReason(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createBillLineItem": f"""mutation {{ createBillLineItem(input: {{billId: "{RANDOM_ID}", lineItemType: DEBIT_MEMO,
      amount: "1", reasonId: "{RANDOM_ID}", description: "perm", servicePeriodStartDate: "2026-01-01T00:00:00Z",
      servicePeriodEndDate: "2026-02-01T00:00:00Z"}}) {{ lineItem {{ id }} {ERRORS} }} }}""",
    "updateBillLineItem": (
        f'mutation {{ updateBillLineItem(input: {{id: "{RANDOM_ID}", version: 1, amount: "2"}}) {{ {ERRORS} }} }}'
    ),
    "deleteBillLineItem": f'mutation {{ deleteBillLineItem(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "setBillPending": (
        f'mutation {{ setBillPending(input: {{id: "{RANDOM_ID}", version: 1}}) {{ bill {{ id }} {ERRORS} }} }}'
    ),
    "generateBillStatement": (
        f'mutation {{ generateBillStatement(input: {{billId: "{RANDOM_ID}"}}) {{ bill {{ id }} {ERRORS} }} }}'
    ),
    # The event log (config:retrieve on kind event).
    "events": '{ events(filter: {types: ["billing.*"]}) { totalCount } }',
    "eventTypes": "{ eventTypes }",
    # Exports (SEMANTICS §15): jobs are config:retrieve / config:create on kind exportJob; the
    # job input lacks `to`, so even an allowed caller stores and enqueues nothing.
    "exportJobs": "{ exportJobs { totalCount } }",
    "exportJob": f'{{ exportJob(id: "{RANDOM_ID}") {{ id }} }}',
    "createExportJob": f"""mutation {{ createExportJob(input: {{kind: USAGE, format: CSV,
      filters: {{from: "2026-01-01"}}}}) {{ exportJob {{ id }} {ERRORS} }} }}""",
    # Webhooks (config:* on kind webhookDestination). The ids name nothing: even an allowed
    # caller changes, sends and redelivers nothing.
    "webhookDestinations": "{ webhookDestinations { totalCount } }",
    "webhookDestination": f'{{ webhookDestination(id: "{RANDOM_ID}") {{ id }} }}',
    "webhookDeliveries": f'{{ webhookDeliveries(filter: {{destinationId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "createWebhookDestination": f"""mutation {{ createWebhookDestination(input: {{name: "perm",
      url: "https://hooks.example.com/perm"}}) {{ webhookDestination {{ id }} secret {ERRORS} }} }}""",
    "updateWebhookDestination": (
        f'mutation {{ updateWebhookDestination(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) {{ {ERRORS} }} }}'
    ),
    "deleteWebhookDestination": (
        f'mutation {{ deleteWebhookDestination(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    "rotateWebhookSecret": (
        f'mutation {{ rotateWebhookSecret(input: {{id: "{RANDOM_ID}", version: 1}}) {{ secret {ERRORS} }} }}'
    ),
    "sendTestWebhook": (
        f'mutation {{ sendTestWebhook(input: {{id: "{RANDOM_ID}"}}) {{ result {{ succeeded }} {ERRORS} }} }}'
    ),
    "redeliverWebhook": f"""mutation {{ redeliverWebhook(input: {{eventId: "{RANDOM_ID}",
      destinationId: "{RANDOM_ID}"}}) {{ webhookDelivery {{ id }} {ERRORS} }} }}""",
    "redeliverFailedWebhooks": f"""mutation {{ redeliverFailedWebhooks(input: {{destinationId: "{RANDOM_ID}",
      from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z"}}) {{ webhookDeliveries {{ id }} {ERRORS} }} }}""",
    # A stale version: refused after authorization, nothing stored.
    "updateBillConfig": (
        f'mutation {{ updateBillConfig(input: {{billLockDate: "2026-01-31", version: 99}}) {{ billConfig {{ version }}'
        f" {ERRORS} }} }}"
    ),
    # Counters (SEMANTICS §8): random ids, refused after authorization with userErrors.
    "counters": f'{{ counters(filter: {{productId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "counter": f'{{ counter(id: "{RANDOM_ID}") {{ id }} }}',
    "counterPricings": f'{{ counterPricings(filter: {{planId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "counterPricing": f'{{ counterPricing(id: "{RANDOM_ID}") {{ id }} }}',
    "counterAdjustments": f'{{ counterAdjustments(filter: {{accountId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "counterAdjustment": f'{{ counterAdjustment(id: "{RANDOM_ID}") {{ id }} }}',
    "counterValue": (
        f'{{ counterValue(accountId: "{RANDOM_ID}", counterId: "{RANDOM_ID}", '
        'at: "2026-01-01T00:00:00Z") { value } }'
    ),
    "createCounter": (
        f'mutation {{ createCounter(input: {{code: "perm-seats", name: "Seats", unit: "seats", '
        f'productId: "{RANDOM_ID}"}}) {{ counter {{ id }} {ERRORS} }} }}'
    ),
    "updateCounter": (
        f'mutation {{ updateCounter(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) '
        f"{{ counter {{ id }} {ERRORS} }} }}"
    ),
    "deleteCounter": f'mutation {{ deleteCounter(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createCounterPricing": (
        f'mutation {{ createCounterPricing(input: {{planId: "{RANDOM_ID}", counterId: "{RANDOM_ID}", '
        'startDate: "2026-01-01T00:00:00Z", pricingBands: [{lowerLimit: "0", unitPrice: "1"}]}) '
        f"{{ counterPricing {{ id }} {ERRORS} }} }}"
    ),
    "updateCounterPricing": (
        f'mutation {{ updateCounterPricing(input: {{id: "{RANDOM_ID}", version: 1, description: "x"}}) '
        f"{{ counterPricing {{ id }} {ERRORS} }} }}"
    ),
    "deleteCounterPricing": (
        f'mutation {{ deleteCounterPricing(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    "createCounterAdjustment": (
        f'mutation {{ createCounterAdjustment(input: {{counterId: "{RANDOM_ID}", accountId: "{RANDOM_ID}", '
        f'date: "2026-01-01", value: 3}}) {{ counterAdjustment {{ id }} {ERRORS} }} }}'
    ),
    "updateCounterAdjustment": (
        f'mutation {{ updateCounterAdjustment(input: {{id: "{RANDOM_ID}", version: 1, value: 4}}) '
        f"{{ counterAdjustment {{ id }} {ERRORS} }} }}"
    ),
    "deleteCounterAdjustment": (
        f'mutation {{ deleteCounterAdjustment(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    # Charges and plan groups (SEMANTICS §9, §10): random ids, refused after authorization.
    "charges": f'{{ charges(filter: {{accountId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "charge": f'{{ charge(id: "{RANDOM_ID}") {{ id }} }}',
    "createCharge": (
        f'mutation {{ createCharge(input: {{accountId: "{RANDOM_ID}", code: "perm-charge", name: "C", '
        'currency: "USD", amount: "5", billDate: "2026-02-01", servicePeriodStartDate: "2026-01-01T00:00:00Z", '
        f'servicePeriodEndDate: "2026-01-01T00:00:00Z"}}) {{ charge {{ id }} {ERRORS} }} }}'
    ),
    "updateCharge": (
        f'mutation {{ updateCharge(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) '
        f"{{ charge {{ id }} {ERRORS} }} }}"
    ),
    "deleteCharge": f'mutation {{ deleteCharge(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "planGroups": f'{{ planGroups(filter: {{accountId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "planGroup": f'{{ planGroup(id: "{RANDOM_ID}") {{ id }} }}',
    "planGroupLinks": f'{{ planGroupLinks(filter: {{planGroupId: "{RANDOM_ID}"}}) {{ totalCount }} }}',
    "planGroupLink": f'{{ planGroupLink(id: "{RANDOM_ID}") {{ id }} }}',
    "createPlanGroup": (
        f'mutation {{ createPlanGroup(input: {{code: "perm-group", name: "G", currency: "USD", '
        f'accountId: "{RANDOM_ID}"}}) {{ planGroup {{ id }} {ERRORS} }} }}'
    ),
    "updatePlanGroup": (
        f'mutation {{ updatePlanGroup(input: {{id: "{RANDOM_ID}", version: 1, name: "x"}}) '
        f"{{ planGroup {{ id }} {ERRORS} }} }}"
    ),
    "deletePlanGroup": f'mutation {{ deletePlanGroup(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}',
    "createPlanGroupLink": (
        f'mutation {{ createPlanGroupLink(input: {{planGroupId: "{RANDOM_ID}", planId: "{RANDOM_ID}"}}) '
        f"{{ planGroupLink {{ id }} {ERRORS} }} }}"
    ),
    "deletePlanGroupLink": (
        f'mutation {{ deletePlanGroupLink(input: {{id: "{RANDOM_ID}", version: 1}}) {{ {ERRORS} }} }}'
    ),
    # A subscription: run through the schema as the websockets run it (see `run`).
    "billJobProgress": f'subscription {{ billJobProgress(id: "{RANDOM_ID}") {{ id status }} }}',
}
# Root subscription fields: over HTTP POST the application does not execute them (the field
# answers null and its authorization never runs), so `run` executes them in process
# through the schema's `subscribe`, exactly as both websocket protocols do; the HTTP answer
# is still checked to reveal nothing (`assert_forbidden_everywhere`).
SUBSCRIPTION_FIELDS = {"billJobProgress"}
# What the resolver answers for the random ids above once authorization has passed
# (every other field answers without a top-level error).
AFTER_AUTHORIZATION = {
    "billPreview": "BAD_USER_INPUT",
    "billJobProgress": "NOT_FOUND",
    "counterValue": "BAD_USER_INPUT",
}
# Decision (app/graphql/billing/queries.py): a preview runs the whole bill computation, so
# besides its declared read (config:retrieve on bill) it needs bills:run.
READS_ALSO_NEEDING = {"billPreview": "bills:run"}
# Reads of the deployment rather than the organization declare users:manage
# (app/graphql/system.py): the managed ReadOnly policy does not reach them.
ADMIN_READS = {"system": "users:manage"}

CREATE_CURRENCY = f"""mutation($code: String!) {{ createCurrency(input: {{code: $code, name: $code}}) {{ currency {{
  id version code }} {ERRORS} }} }}"""
UPDATE_CURRENCY = f"""mutation($id: ID!, $version: Int!, $name: String!) {{
  updateCurrency(input: {{id: $id, version: $version, name: $name}}) {{ currency {{ id version name }} {ERRORS} }} }}"""
DELETE_CURRENCY = f"""mutation($id: ID!, $version: Int!) {{ deleteCurrency(input: {{id: $id, version: $version}}) {{
  deletedId {ERRORS} }} }}"""


# What the representative operations would write if they were let through.
WRITTEN_BY_OPERATIONS = (
    catalog.Product,
    catalog.Meter,
    catalog.Aggregation,
    catalog.CompoundAggregation,
    catalog.PlanTemplate,
    catalog.Plan,
    catalog.Pricing,
    accounts.Account,
    accounts.AccountPlan,
    accounts.Commitment,
    balances.Balance,
    balances.BalanceTransaction,
    balances.TransactionType,
    counters.Counter,
    counters.CounterPricing,
    counters.CounterAdjustment,
    charges.Charge,
    plan_groups.PlanGroup,
    plan_groups.PlanGroupLink,
    MeasurementBatch,
    billing.BillJob,
    billing.Bill,
    WebhookDestination,
    memos.CreditReason,
    memos.DebitReason,
)


def query_field_names() -> set[str]:
    """Reads: root queries and subscriptions."""
    names = set(schema._schema.query_type.fields)
    if schema._schema.subscription_type is not None:
        names |= set(schema._schema.subscription_type.fields)
    return names


async def run(tenant, name: str, operation: str, token: str) -> dict:
    """The result of OPERATIONS[name] for `token`: over HTTP, or for a subscription its
    first event through the schema (see SUBSCRIPTION_FIELDS)."""
    if name in SUBSCRIPTION_FIELDS:
        return await subscribe_first(tenant.client._transport.app, token, operation)
    return await tenant.gql(operation, token=token)


def root_field_names() -> set[str]:
    graphql_schema = schema._schema
    names = set(graphql_schema.query_type.fields)
    for root in (graphql_schema.mutation_type, graphql_schema.subscription_type):
        if root is not None:
            names |= set(root.fields)
    return names


def code_of(result: dict) -> str | None:
    errors = result.get("errors")
    return errors[0]["extensions"]["code"] if errors else None


async def policy_ids(tenant) -> dict[str, str]:
    nodes = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    return {p["name"]: p["id"] for p in nodes}


async def custom_policy(tenant, name: str, statements: list[dict]) -> str:
    payload = data_of(
        await tenant.gql(
            f"""mutation($input: CreatePermissionPolicyInput!) {{
      createPermissionPolicy(input: $input) {{ permissionPolicy {{ id }} {ERRORS} }} }}""",
            {"input": {"name": name, "statements": statements}},
        )
    )["createPermissionPolicy"]
    assert payload["userErrors"] == [], payload
    return payload["permissionPolicy"]["id"]


async def principal(tenant, *, managed: list[str] = (), custom: list[str] = ()) -> str:
    """A new service user with these policies; returns its bearer token."""
    ids = await policy_ids(tenant)
    payload = data_of(
        await tenant.gql(
            f"""mutation($input: CreateServiceUserInput!) {{
      createServiceUser(input: $input) {{ serviceUser {{ id }} {ERRORS} }} }}""",
            {
                "input": {
                    "name": f"robot-{uuid.uuid4().hex[:8]}",
                    "permissionPolicyIds": [ids[m] for m in managed] + list(custom),
                }
            },
        )
    )
    user_id = payload["createServiceUser"]["serviceUser"]["id"]
    key = data_of(
        await tenant.gql(
            f"""mutation($id: ID!) {{ createAccessKey(input: {{serviceUserId: $id}}) {{
      accessKey {{ accessKeyId }} apiSecret {ERRORS} }} }}""",
            {"id": user_id},
        )
    )["createAccessKey"]
    response = await client_token(tenant.client, key["accessKey"]["accessKeyId"], key["apiSecret"])
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def add_currency(tenant, code: str) -> dict:
    payload = data_of(await tenant.gql(CREATE_CURRENCY, {"code": code}))["createCurrency"]
    assert payload["userErrors"] == []
    return payload["currency"]


async def assert_forbidden_everywhere(tenant, token: str) -> None:
    assert set(OPERATIONS) == root_field_names(), "OPERATIONS must hold one operation per root field"
    for name, operation in sorted(OPERATIONS.items()):
        result = await run(tenant, name, operation, token)
        if name in PUBLIC_FIELDS or name in AUTHENTICATED_FIELDS:
            assert code_of(result) != "FORBIDDEN", (name, result)
        else:
            assert code_of(result) == "FORBIDDEN", (name, result)
            assert result["data"] is None or set(result["data"].values()) == {None}, (name, result)
    for name in sorted(SUBSCRIPTION_FIELDS):  # over HTTP: refused, websockets only
        response = await tenant.client.post(
            "/graphql", json={"query": OPERATIONS[name]}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 400 and "websockets" in response.text, (name, response.text)
    # Nothing was written by any of the refused mutations.
    assert await Currency.filter(organization_id=tenant.organization_id, code="PERM").count() == 0
    names = data_of(await tenant.gql("{ serviceUsers { nodes { name } } permissionPolicies { nodes { name } } }"))
    assert "perm-robot" not in {n["name"] for n in names["serviceUsers"]["nodes"]}
    assert "perm" not in {n["name"] for n in names["permissionPolicies"]["nodes"]}
    assert data_of(await tenant.gql("{ organizationConfig { version } }"))["organizationConfig"]["version"] == 1
    await assert_nothing_written(tenant)


async def assert_nothing_written(tenant) -> None:
    for model in WRITTEN_BY_OPERATIONS:
        assert await model.filter(organization_id=tenant.organization_id).count() == 0, model.__name__


# --------------------------------------------------------------------------- tests


async def test_ingest_only_cannot_read_configuration(tenant, ingest_queue):
    token = await principal(tenant, managed=["IngestOnly"])
    assert data_of(await tenant.gql(OPERATIONS["me"], token=token))["me"]["principalId"]
    for name in (
        "organizationConfig",
        "currencies",
        "currency",
        "serviceUsers",
        "users",
        "permissionPolicies",
        "createCurrency",
        "updateOrganizationConfig",
    ):
        result = await tenant.gql(OPERATIONS[name], token=token)
        assert code_of(result) == "FORBIDDEN", (name, result)
    # It uploads measurements and does nothing else: no reading them back, no configuration.
    for name, operation in sorted(OPERATIONS.items()):
        if name in PUBLIC_FIELDS or name in AUTHENTICATED_FIELDS:
            continue
        result = await run(tenant, name, operation, token)
        if name in INGEST_ONLY_ALLOWED:
            assert code_of(result) is None, (name, result)
        else:
            assert code_of(result) == "FORBIDDEN", (name, result)
    submitted = data_of(await tenant.gql(OPERATIONS["submitMeasurements"], token=token))["submitMeasurements"]
    assert (submitted["result"], [e["code"] for e in submitted["userErrors"]]) == (None, ["INVALID"])  # the empty batch
    await assert_nothing_written(tenant)


async def test_read_only_reads_but_cannot_write(tenant, ingest_queue):
    token = await principal(tenant, managed=["ReadOnly"])
    data = data_of(
        await tenant.gql(
            """{ organizationConfig { version } currencies { totalCount nodes { code } }
      users { totalCount } serviceUsers { totalCount } permissionPolicies { totalCount } me { principalType } }""",
            token=token,
        )
    )
    assert data["organizationConfig"]["version"] == 1
    assert data["currencies"] == {"totalCount": 1, "nodes": [{"code": "USD"}]}
    assert data["serviceUsers"]["totalCount"] == 2
    assert data["permissionPolicies"]["totalCount"] == 3
    assert data["me"]["principalType"] == "SERVICE_USER"
    for name in (
        "createCurrency",
        "updateCurrency",
        "deleteCurrency",
        "updateOrganizationConfig",
        "inviteUser",
        "createServiceUser",
        "createAccessKey",
        "updateAccessKey",
        "updateUser",
        "createPermissionPolicy",
        "attachPermissionPolicy",
        "deleteServiceUser",
    ):
        result = await tenant.gql(OPERATIONS[name], token=token)
        assert code_of(result) == "FORBIDDEN", (name, result)
    assert await Currency.filter(organization_id=tenant.organization_id).count() == 1
    # Every read answers (configuration, measurements, bills alike) except a bill preview,
    # which also needs bills:run; every mutation is refused.
    for name, operation in sorted(OPERATIONS.items()):
        if name in PUBLIC_FIELDS:
            continue
        result = await run(tenant, name, operation, token)
        if name in query_field_names() and name not in READS_ALSO_NEEDING and name not in ADMIN_READS:
            assert code_of(result) == AFTER_AUTHORIZATION.get(name), (name, result)
        else:
            assert code_of(result) == "FORBIDDEN", (name, result)
            assert result["data"] is None or set(result["data"].values()) == {None}, (name, result)
    await assert_nothing_written(tenant)


async def test_allow_all_with_deny_on_currency_updates(tenant):
    policy = await custom_policy(
        tenant,
        "All but currency updates",
        [
            {"effect": "ALLOW", "action": ["*"], "resource": ["*"]},
            {"effect": "DENY", "action": ["config:update"], "resource": ["config:currency/*"]},
        ],
    )
    token = await principal(tenant, custom=[policy])
    created = data_of(await tenant.gql(CREATE_CURRENCY, {"code": "GBP"}, token=token))["createCurrency"]
    assert created["userErrors"] == [] and created["currency"]["code"] == "GBP"
    usd = data_of(await tenant.gql('{ currency(code: "USD") { id version } }', token=token))["currency"]
    for currency in (created["currency"], usd):
        result = await tenant.gql(
            UPDATE_CURRENCY, {"id": currency["id"], "version": currency["version"], "name": "Changed"}, token=token
        )
        assert code_of(result) == "FORBIDDEN"
    assert {c.name for c in await Currency.filter(organization_id=tenant.organization_id)} == {"GBP", "US Dollar"}
    # The DENY is about currencies only: other updates and other currency actions pass.
    config = data_of(await tenant.gql(OPERATIONS["updateOrganizationConfig"], token=token))["updateOrganizationConfig"]
    assert config["userErrors"] == []
    deleted = data_of(await tenant.gql(DELETE_CURRENCY, {"id": created["currency"]["id"], "version": 1}, token=token))[
        "deleteCurrency"
    ]
    assert deleted == {"deletedId": created["currency"]["id"], "userErrors": []}


async def test_deny_on_one_currency_item(tenant):
    eur, gbp = await add_currency(tenant, "EUR"), await add_currency(tenant, "GBP")
    deny = await custom_policy(
        tenant,
        "Hands off EUR",
        [{"effect": "DENY", "action": ["config:update"], "resource": [f"config:currency/item/{eur['id']}"]}],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[deny])

    for spelling in (eur["id"], eur["id"].upper()):
        result = await tenant.gql(UPDATE_CURRENCY, {"id": spelling, "version": 1, "name": "Changed"}, token=token)
        assert code_of(result) == "FORBIDDEN", spelling
    updated = data_of(await tenant.gql(UPDATE_CURRENCY, {"id": gbp["id"], "version": 1, "name": "Pound"}, token=token))[
        "updateCurrency"
    ]
    assert updated["userErrors"] == [] and updated["currency"]["version"] == 2
    # Only config:update is denied on EUR; reading and the collection are untouched.
    assert (
        data_of(await tenant.gql("query($id: ID!) { currency(id: $id) { code } }", {"id": eur["id"]}, token=token))[
            "currency"
        ]["code"]
        == "EUR"
    )
    assert (await Currency.get(id=eur["id"])).name == "EUR"


def _spellings(id_: str) -> list[str]:
    plain = uuid.UUID(id_)
    return [plain.hex, plain.hex.upper(), "{" + str(plain) + "}", plain.urn]


async def test_deny_on_one_item_cannot_be_dodged_by_respelling_the_id(tenant):
    """Ids are UUIDs: any spelling the resolver accepts for the denied item must be denied
    too (hex without hyphens, braces, urn:uuid:...)."""
    eur = await add_currency(tenant, "EUR")
    deny = await custom_policy(
        tenant,
        "Hands off EUR",
        [{"effect": "DENY", "action": ["config:update"], "resource": [f"config:currency/item/{eur['id']}"]}],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[deny])
    for spelling in _spellings(eur["id"]):
        result = await tenant.gql(UPDATE_CURRENCY, {"id": spelling, "version": 1, "name": "Changed"}, token=token)
        assert code_of(result) == "FORBIDDEN" or data_of(result)["updateCurrency"]["currency"] is None, (
            spelling,
            result,
        )
    row = await Currency.get(id=eur["id"])
    assert (row.name, row.version) == ("EUR", 1)


async def test_deny_on_one_access_key_cannot_be_dodged_by_respelling_the_id(tenant):
    keys = data_of(await tenant.gql("{ serviceUsers { nodes { accessKeys { nodes { id accessKeyId } } } } }"))[
        "serviceUsers"
    ]["nodes"]
    admin_key = next(k for n in keys for k in n["accessKeys"]["nodes"] if k["accessKeyId"] == tenant.access_key_id)
    deny = await custom_policy(
        tenant,
        "Keep the admin key",
        [{"effect": "DENY", "action": ["users:manage"], "resource": [f"users:accessKey/item/{admin_key['id']}"]}],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[deny])
    update = f"""mutation($id: ID!) {{ updateAccessKey(input: {{id: $id, version: 1, status: INACTIVE}}) {{ accessKey
      {{ status }} {ERRORS} }} }}"""
    for spelling in [admin_key["id"], *_spellings(admin_key["id"])]:
        result = await tenant.gql(update, {"id": spelling}, token=token)
        assert code_of(result) == "FORBIDDEN" or data_of(result)["updateAccessKey"]["accessKey"] is None, (
            spelling,
            result,
        )
    assert (await client_token(tenant.client, tenant.access_key_id, tenant.api_secret)).status_code == 200


async def test_no_policy_is_forbidden_everywhere(tenant, ingest_queue):
    token = await principal(tenant)
    await assert_forbidden_everywhere(tenant, token)


async def test_deny_beats_administrator(tenant, ingest_queue):
    no_reads = await custom_policy(
        tenant, "No reads", [{"effect": "DENY", "action": ["config:retrieve"], "resource": ["*"]}]
    )
    token = await principal(tenant, managed=["Administrator"], custom=[no_reads])
    for name in ("organizationConfig", "currencies", "currency", "users", "serviceUsers", "permissionPolicies"):
        assert code_of(await tenant.gql(OPERATIONS[name], token=token)) == "FORBIDDEN", name
    # Every configuration read is config:retrieve; reading measurements is another action.
    for name in sorted(query_field_names() - AUTHENTICATED_FIELDS):
        expected = AFTER_AUTHORIZATION.get(name) if name in MEASUREMENT_READS | set(ADMIN_READS) else "FORBIDDEN"
        assert code_of(await run(tenant, name, OPERATIONS[name], token)) == expected, name
    # A write returns what it wrote (app/graphql/reads.py); what lies below it is a read.
    created = data_of(await tenant.gql(CREATE_CURRENCY, {"code": "CHF"}, token=token))["createCurrency"]
    assert created["userErrors"] == [] and created["currency"]["code"] == "CHF"

    deny_all = await custom_policy(tenant, "Nothing", [{"effect": "DENY", "action": ["*"], "resource": ["*"]}])
    token = await principal(tenant, managed=["Administrator", "ReadOnly", "IngestOnly"], custom=[deny_all])
    await assert_forbidden_everywhere(tenant, token)


async def test_administrator_alone_passes_every_check(tenant, ingest_queue):
    token = await principal(tenant, managed=["Administrator"])
    for name, operation in sorted(OPERATIONS.items()):
        if name in PUBLIC_FIELDS:
            continue  # no authorization to pass; their operations above use unknown credentials
        result = await run(tenant, name, operation, token)
        assert code_of(result) == AFTER_AUTHORIZATION.get(name), (name, result)
    # The ingest and billing operations are refused after authorization (empty batch,
    # unknown ids): no batch and no bill job was stored, nothing was enqueued.
    for model in (MeasurementBatch, billing.BillJob, billing.Bill):
        assert await model.filter(organization_id=tenant.organization_id).count() == 0, model.__name__


async def test_bill_preview_needs_bills_run_besides_reading(tenant):
    read = await custom_policy(
        tenant, "Read bills", [{"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["config:bill/*"]}]
    )
    bill_run = await custom_policy(
        tenant, "Run bills", [{"effect": "ALLOW", "action": ["bills:run"], "resource": ["bills:bill/*"]}]
    )
    for policies, expected in (([read], "FORBIDDEN"), ([bill_run], "FORBIDDEN"), ([read, bill_run], "BAD_USER_INPUT")):
        token = await principal(tenant, custom=policies)
        assert code_of(await tenant.gql(OPERATIONS["billPreview"], token=token)) == expected, policies
        # The other bill reads need the read only.
        assert code_of(await tenant.gql(OPERATIONS["bills"], token=token)) == (
            None if read in policies else "FORBIDDEN"
        )


# ------------------------------------------------------------ declared on every field


def _root_fields() -> list[tuple[str, object]]:
    fields = []
    for root in (Query, Mutation):
        for field in root.__strawberry_definition__.fields:
            fields.append((schema.config.name_converter.get_graphql_name(field), field))
    subscription = schema.subscription
    if subscription is not None:
        for field in subscription.__strawberry_definition__.fields:
            fields.append((schema.config.name_converter.get_graphql_name(field), field))
    return fields


def test_every_root_field_declares_authorization():
    fields = _root_fields()
    assert {name for name, _ in fields} == root_field_names()
    public, authenticated = set(), set()
    for name, field in fields:
        marks = [e for e in field.extensions if isinstance(e, (Authorize, Authenticated, Public))]
        assert len(marks) == 1, (
            f"{name} must carry exactly one Authorize, Authenticated or Public extension, has {field.extensions}"
        )
        mark = marks[0]
        if isinstance(mark, Public):
            public.add(name)
            continue
        if isinstance(mark, Authenticated):
            authenticated.add(name)
            continue
        assert mark.action in ACTIONS, f"{name}: {mark.action!r} is not a concrete action"
        assert mark.kind and mark.kind.isidentifier(), name
    assert public == PUBLIC_FIELDS
    assert authenticated == AUTHENTICATED_FIELDS


def test_reads_need_retrieve_and_writes_do_not():
    """Queries and subscriptions declare a retrieve action; mutations never do. A read
    needing more than reading (billPreview also needs bills:run, checked in its resolver)
    still declares its read, and READS_ALSO_NEEDING names it and what else it needs
    (`test_bill_preview_needs_bills_run_besides_reading` proves it)."""
    reads = list(Query.__strawberry_definition__.fields)
    if schema.subscription is not None:
        reads += list(schema.subscription.__strawberry_definition__.fields)
    for field in reads:
        mark = next((e for e in field.extensions if isinstance(e, Authorize)), None)
        name = schema.config.name_converter.get_graphql_name(field)
        if mark is None:
            assert name in AUTHENTICATED_FIELDS
            continue
        assert mark.action.endswith(":retrieve") or ADMIN_READS.get(name) == mark.action, field.python_name
    assert set(READS_ALSO_NEEDING) <= query_field_names()
    assert all(action in ACTIONS and not action.endswith(":retrieve") for action in READS_ALSO_NEEDING.values())
    for field in Mutation.__strawberry_definition__.fields:
        marks = [e for e in field.extensions if isinstance(e, Authorize)]
        assert not marks or not marks[0].action.endswith(":retrieve"), field.python_name


@pytest.mark.parametrize("name", sorted(PUBLIC_FIELDS))
def test_public_fields_are_mutations(name):
    mutation_names = {
        schema.config.name_converter.get_graphql_name(f) for f in Mutation.__strawberry_definition__.fields
    }
    assert name in mutation_names


# ------------------------------------------------- generated DENY tests, every entity field
#
# Every field of the schema that yields entities (one, a list or a connection), wherever it
# sits, is generated a case: a minimal query reaching it is built from the schema (a path
# from a root field through `nodes` of connections), run once by an administrator (it must
# show something: the shared world has one of everything) and once by an administrator
# denied the read of that entity type; the denied run must answer FORBIDDEN at that field
# and show none of what the administrator saw. A field added without the read check fails
# its case; an entity type unknown to `app.graphql.reads.READS` fails the static test.

SCHEMA = schema._schema
# Object types that are not entities: values inside an entity (read with it), computed
# answers whose root field is authorized, pages, payloads, and the caller itself.
NOT_ENTITIES = {
    "Address",
    "BillJobFailure",
    "BillPreview",
    "CommitmentFee",
    "TransactionSummary",
    "CurrencyConversion",
    "DataField",
    "DerivedField",
    "IngestFailure",
    "CounterValue",
    "Me",
    "PageInfo",
    "PolicyStatement",
    "PreviewLineItem",
    "PricingBand",
    "PricingBandUsage",
    "PricingPreviewCharge",
    "PricingPreviewPayload",
    "Queue",
    "RateLimit",
    "RateLimits",
    "System",
    "Usage",
    "UserError",
    "WebhookTestResult",
}
# Where an entity's item id is, when it is not its own id (a line item is read as its bill).
ITEM_FIELDS = {"LineItem": "billId", "WebhookDelivery": "destinationId", "WebhookAttempt": "destinationId"}
# Root arguments naming the world's items (kind or id key → argument text).
ROOT_ARGUMENTS = {
    "currency": "a_currency",
    "ingestBatch": "a_batch",
    "bill": "a_bill",
    "billJob": "a_bill_job",
    "billJobProgress": "a_bill_job",
    "product": "product",
    "meter": "meter",
    "aggregation": "aggregation",
    "compoundAggregation": "compoundAggregation",
    "planTemplate": "planTemplate",
    "plan": "plan",
    "pricing": "pricing",
    "account": "account",
    "accountPlan": "accountPlan",
    "commitment": "commitment",
    "balance": "balance",
    "transactionType": "transactionType",
    "counter": "counter",
    "counterPricing": "counterPricing",
    "counterAdjustment": "counterAdjustment",
    "charge": "charge",
    "planGroup": "planGroup",
    "planGroupLink": "planGroupLink",
    "webhookDestination": "webhookDestination",
    "creditReason": "creditReason",
    "debitReason": "debitReason",
    "exportJob": "a_export_job",
}
# No worker runs beside the tests' app, so its list is empty; its collection is still checked.
EMPTY_IN_WORLD = {"System.workers"}


def _object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: t for name, t in SCHEMA.type_map.items() if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


def entity_fields() -> list[tuple[str, str]]:
    """(type, field) of every field that yields entities outside pages and mutation payloads."""
    written = reads.write_results(SCHEMA)
    return sorted(
        (type_name, field_name)
        for type_name, t in _object_types().items()
        if type_name not in written and not reads.is_page(t) and type_name != "Mutation"
        for field_name, field in t.fields.items()
        if reads.entity_of(field.type)[0] is not None
    )


def test_every_entity_type_has_a_read_rule():
    roots = {SCHEMA.query_type.name, SCHEMA.mutation_type.name, SCHEMA.subscription_type.name}
    written = reads.write_results(SCHEMA)
    unknown = {
        name
        for name, t in _object_types().items()
        if name not in reads.READS and name not in NOT_ENTITIES | roots | written and not reads.is_page(t)
    }
    assert not unknown, f"add to app.graphql.reads.READS (or, not being entities, to NOT_ENTITIES): {unknown}"
    assert set(reads.READS) <= set(_object_types()), set(reads.READS) - set(_object_types())
    assert not NOT_ENTITIES & set(reads.READS)


def test_every_entity_field_is_guarded():
    """Statically: every field yielding entities carries the read guard, except a mutation
    payload's entity (what was written, shown to its writer) and pages (checked where made)."""
    assert entity_fields(), "no entity field found"
    for type_name, field_name in entity_fields():
        field = SCHEMA.type_map[type_name].fields[field_name]
        assert getattr(field.resolve, reads.GUARD_MARK, False), f"{type_name}.{field_name} has no read check"
    written = reads.write_results(SCHEMA)
    assert written == {get_named_type(f.type).name for f in SCHEMA.mutation_type.fields.values()}
    for name in written:
        for field_name, field in SCHEMA.type_map[name].fields.items():
            rule, shape = reads.entity_of(field.type)
            assert rule is None or shape in ("one", "list"), (name, field_name)


def _arguments(parent: str, field_name: str, field, world_ids: dict[str, str]) -> str | None:
    """The argument text reaching something through this field, or None if it cannot."""
    if parent in (SCHEMA.query_type.name, SCHEMA.subscription_type.name) and field_name in ROOT_ARGUMENTS:
        return f'(id: "{world_ids[ROOT_ARGUMENTS[field_name]]}")'
    if any(str(arg.type).endswith("!") for arg in field.args.values()):
        return None
    return "(first: 100)" if "first" in field.args else ""


def _step_target(field) -> tuple[GraphQLObjectType | None, bool]:
    named = get_named_type(field.type)
    if not isinstance(named, GraphQLObjectType):
        return None, False
    if reads.is_page(named) and "nodes" in named.fields:
        return get_named_type(named.fields["nodes"].type), True
    return named, False


def path_to(
    type_name: str, avoid: reads.ReadRule | None, world_ids: dict[str, str]
) -> list[tuple[str, str, bool]] | None:
    """Shortest path of (field, arguments, through nodes) from Query to `type_name` that never
    reads an entity under the rule `avoid` on the way; None when there is none."""
    start = SCHEMA.query_type.name
    if type_name == start:
        return []
    queue, seen = deque([(start, [])]), {start}
    while queue:
        name, steps = queue.popleft()
        for field_name, field in SCHEMA.type_map[name].fields.items():
            target, through = _step_target(field)
            arguments = _arguments(name, field_name, field, world_ids)
            if target is None or arguments is None or target.name in seen or target.name in reads.write_results(SCHEMA):
                continue
            rule = reads.READS.get(target.name)
            if avoid is not None and rule is not None and (rule.action, rule.kind) == (avoid.action, avoid.kind):
                continue
            path = [*steps, (field_name, arguments, through)]
            if target.name == type_name:
                return path
            seen.add(target.name)
            queue.append((target.name, path))
    return None


def _selection(field) -> str:
    target, through = _step_target(field)
    inner = "id" if "id" in target.fields else "__typename"
    inner += f" {ITEM_FIELDS[target.name]}" if target.name in ITEM_FIELDS else ""
    return f"{{ nodes {{ {inner} }} }}" if through else f"{{ {inner} }}"


def build_query(steps: list[tuple[str, str, bool]], field_name: str, field, arguments: str) -> str:
    text = f"{field_name}{arguments} {_selection(field)}"
    for name, args, through in reversed(steps):
        text = f"{name}{args} {{ nodes {{ {text} }} }}" if through else f"{name}{args} {{ {text} }}"
    return f"{{ {text} }}"


def _walk(data, steps: list[tuple[str, str, bool]]) -> list:
    """The parent objects at the end of `steps` (lists flattened, nulls dropped)."""
    level = [data]
    for name, _, through in steps:
        nxt = []
        for item in level:
            value = item.get(name) if item else None
            value = value.get("nodes") if through and value else value
            nxt += value if isinstance(value, list) else [value]
        level = [v for v in nxt if v is not None]
    return level


def _shown(parents: list, field_name: str) -> list:
    values = []
    for parent in parents:
        value = parent.get(field_name)
        value = value.get("nodes") if isinstance(value, dict) and "nodes" in value else value
        values += [v for v in (value if isinstance(value, list) else [value]) if v is not None]
    return values


@pytest_asyncio.fixture(scope="module")
async def deny_world(app):
    """Tenant A of the isolation checks: one of every entity, built once for the module."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        a = await new_tenant(client, "Denied")
        async with on_session_queue(app):
            ids, has = await build_a(app, a)
        yield a, {**ids, **{kind: entity["id"] for kind, entity in has.items()}}


async def _denied_token(tenant: Tenant, statement: dict) -> str:
    policy = await custom_policy(tenant, f"deny {uuid.uuid4().hex[:10]}", [statement])
    return await principal(tenant, managed=["Administrator"], custom=[policy])


async def _run(tenant: Tenant, app, query: str, token: str, subscription: bool) -> dict:
    return await subscribe_first(app, token, query) if subscription else await tenant.gql(query, token=token)


@pytest.mark.parametrize("type_name, field_name", entity_fields(), ids=lambda v: v)
async def test_generated_deny(deny_world, app, type_name, field_name):
    """A principal denied the read of the entity type a field yields cannot read it there."""
    tenant, world_ids = deny_world
    field = SCHEMA.type_map[type_name].fields[field_name]
    rule, shape = reads.entity_of(field.type)
    subscription = type_name == SCHEMA.subscription_type.name
    arguments = _arguments(type_name, field_name, field, world_ids)
    assert arguments is not None, f"{type_name}.{field_name}: add its required arguments to ROOT_ARGUMENTS"
    steps = [] if subscription else path_to(type_name, rule, world_ids)
    item_level = steps is None  # the parent is reached only through the same kind (Account.parent)
    steps = steps if steps is not None else path_to(type_name, None, world_ids)
    assert steps is not None, f"no query reaches {type_name}"
    query = ("subscription " if subscription else "") + build_query(steps, field_name, field, arguments)

    seen = data_of(await _run(tenant, app, query, tenant.token, subscription))
    parents = _walk(seen, steps)
    shown = _shown(parents, field_name)
    assert parents, f"the world has no {type_name} reachable by {query}"
    assert shown or f"{type_name}.{field_name}" in EMPTY_IN_WORLD, f"the world shows nothing at {query}"

    service = rule.action.split(":", 1)[0]
    if item_level:
        ids = [v[ITEM_FIELDS.get(get_named_type(_step_target(field)[0]).name, "id")] for v in shown]
        resources = [f"{service}:{rule.kind}/item/{i}" for i in ids] if rule.item else [f"{service}:{rule.kind}"]
    else:
        resources = [f"{service}:{rule.kind}"]
    token = await _denied_token(tenant, {"effect": "DENY", "action": [rule.action], "resource": resources})
    denied = await _run(tenant, app, query, token, subscription)

    leaked = [v for v in shown if "id" in v and v["id"] in json.dumps(denied.get("data"))]
    assert not leaked, (query, denied)
    if item_level and shape != "one":
        return  # lists leave out what is denied one by one; nothing of it was shown
    codes = [e["extensions"]["code"] for e in denied.get("errors", [])]
    assert "FORBIDDEN" in codes, (query, denied)
    paths = [e.get("path") or [] for e in denied["errors"] if e["extensions"]["code"] == "FORBIDDEN"]
    blocked_above = not item_level and steps and _root_needs(steps[0][0], rule)
    expected_at = steps[0][0] if blocked_above else field_name
    at_field = any([p for p in path if isinstance(p, str)][-1:] == [expected_at] for path in paths)
    assert at_field or subscription, (query, denied)


def _root_needs(root_field: str, rule: reads.ReadRule) -> bool:
    """Does the root field itself declare the same permission (e.g. `system` for workers)?"""
    definition = SCHEMA.query_type.fields[root_field].extensions.get("strawberry-definition")
    marks = [e for e in definition.extensions if isinstance(e, Authorize)]
    return bool(marks) and (marks[0].action, marks[0].kind) == (rule.action, rule.kind)
