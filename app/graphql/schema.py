"""Schema assembly: root types merged from the domain modules, and the extensions.

The depth and alias rules are built once at import. A limiter extension constructed per
request would create new rule classes each time, and the validation cache (keyed by the
rule classes) would never hit: about ten times slower per request.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.tools import merge_types

from app.graphql import reads
from app.graphql.access import AccessMutation, AccessQuery
from app.graphql.accounts import AccountMutation, AccountQuery
from app.graphql.balances.mutations import BalanceMutation
from app.graphql.balances.queries import BalanceQuery
from app.graphql.billing import BillConfigMutation, BillConfigQuery, BillingMutation, BillingQuery, BillingSubscription
from app.graphql.catalog.meters import MeterMutation, MeterQuery
from app.graphql.catalog.plans import PlanMutation, PlanQuery
from app.graphql.catalog.pricing_preview import PricingPreviewQuery
from app.graphql.catalog.products import ProductMutation, ProductQuery
from app.graphql.charges import ChargeMutation, ChargeQuery
from app.graphql.cost import QueryCost
from app.graphql.counters import CounterMutation, CounterQuery
from app.graphql.errors import MaskUnexpectedErrors
from app.graphql.events import EventQuery
from app.graphql.exports import ExportMutation, ExportQuery
from app.graphql.ingest import IngestMutation, IngestQuery
from app.graphql.input_bounds import InputBounds
from app.graphql.memos import MemoMutation, MemoQuery
from app.graphql.organization import OrganizationMutation, OrganizationQuery
from app.graphql.plan_groups import PlanGroupMutation, PlanGroupQuery
from app.graphql.rate_limit import RateLimitOperations
from app.graphql.scalars import SCALAR_OVERRIDES, DecimalLiteralBounds
from app.graphql.statements import StatementMutation
from app.graphql.system import SystemQuery
from app.graphql.webhooks import WebhookMutation, WebhookQuery
from app.settings import Settings

Query = merge_types(
    "Query",
    (
        OrganizationQuery,
        AccessQuery,
        ProductQuery,
        MeterQuery,
        PlanQuery,
        CounterQuery,
        PricingPreviewQuery,
        AccountQuery,
        BalanceQuery,
        ChargeQuery,
        PlanGroupQuery,
        IngestQuery,
        BillingQuery,
        BillConfigQuery,
        EventQuery,
        ExportQuery,
        MemoQuery,
        WebhookQuery,
        SystemQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        OrganizationMutation,
        AccessMutation,
        ProductMutation,
        MeterMutation,
        PlanMutation,
        CounterMutation,
        AccountMutation,
        BalanceMutation,
        ChargeMutation,
        PlanGroupMutation,
        IngestMutation,
        BillingMutation,
        BillConfigMutation,
        ExportMutation,
        MemoMutation,
        StatementMutation,
        WebhookMutation,
    ),
)
Subscription = merge_types("Subscription", (BillingSubscription,))

# Limits are the Settings defaults: they shape the schema's behaviour, not the deployment.
LIMIT_RULES = [
    depth_rule(Settings.graphql_max_depth, None),
    alias_rule(Settings.graphql_max_aliases),
    DecimalLiteralBounds,
]


def _extensions() -> list:
    return [
        lambda: MaxTokensLimiter(max_token_count=Settings.graphql_max_tokens),
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        QueryCost,  # after validation: the cost walk trusts the document to match the schema
        InputBounds,  # string and list lengths of every input, before anything runs
        RateLimitOperations,  # per organization and access key, on every transport (CONTRACT §5)
        MaskUnexpectedErrors,
    ]


def build_schema(subscription: type | None = Subscription) -> strawberry.Schema:
    built = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=subscription,
        extensions=_extensions(),
        scalar_overrides=SCALAR_OVERRIDES,
    )
    reads.install(built._schema)  # every field yielding entities checks what it shows
    return built


schema = build_schema()
