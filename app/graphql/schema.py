"""Schema assembly: root types merged from the domain modules, and the extensions.

Parsing and validation, with the depth, alias and token limits, are cached per query
text (`app.graphql.documents`): without those caches a request is several times slower.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.tools import merge_types

from app.graphql import direct_resolvers, reads
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
from app.graphql.compiled_execution import CompiledExecutionContext
from app.graphql.cost import QueryCost
from app.graphql.counters import CounterMutation, CounterQuery
from app.graphql.documents import ParsedAndValidatedOnce
from app.graphql.errors import MaskUnexpectedErrors
from app.graphql.events import EventQuery
from app.graphql.exports import ExportMutation, ExportQuery
from app.graphql.extension_hooks import LeanExtensionsRunner
from app.graphql.ingest import IngestMutation, IngestQuery
from app.graphql.input_bounds import InputBounds
from app.graphql.memos import MemoMutation, MemoQuery
from app.graphql.organization import OrganizationMutation, OrganizationQuery
from app.graphql.plain_leaves import mark_plain_leaves
from app.graphql.plan_groups import PlanGroupMutation, PlanGroupQuery
from app.graphql.rate_limit import RateLimitOperations
from app.graphql.scalars import SCALAR_OVERRIDES
from app.graphql.statements import StatementMutation
from app.graphql.system import SystemQuery
from app.graphql.webhooks import WebhookMutation, WebhookQuery

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


def _extensions() -> list:
    return [
        ParsedAndValidatedOnce,  # the token, depth and alias limits, cached per query text
        QueryCost,  # after validation: the cost walk trusts the document to match the schema
        InputBounds,  # string and list lengths of every input, before anything runs
        RateLimitOperations,  # per organization and access key, on every transport (CONTRACT §5)
        MaskUnexpectedErrors,
    ]


class MetergraphSchema(strawberry.Schema):
    """Strawberry's schema with the extensions' hooks wired once per class (the hooks and
    their order are the same; see `app.graphql.extension_hooks`)."""

    def create_extensions_runner(self, execution_context: Any, extensions: list[Any]) -> LeanExtensionsRunner:
        return LeanExtensionsRunner(execution_context=execution_context, extensions=extensions)


def build_schema(subscription: type | None = Subscription) -> strawberry.Schema:
    built = MetergraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=subscription,
        extensions=_extensions(),
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=CompiledExecutionContext,
    )
    direct_resolvers.install(built)  # before the guards, which wrap whatever resolves
    reads.install(built._schema)  # every field yielding entities checks what it shows
    mark_plain_leaves(built._schema)  # after the guards: a guarded field is never plain
    return built


schema = build_schema()
