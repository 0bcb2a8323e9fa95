"""GraphQL surface of billing (SEMANTICS §7, CONTRACT §4): bills, line items, bill jobs,
previews, the bill lifecycle mutations and the `billJobProgress` subscription."""

from app.graphql.billing.config import BillConfigMutation, BillConfigQuery
from app.graphql.billing.mutations import BillingMutation
from app.graphql.billing.queries import BillingQuery
from app.graphql.billing.subscription import BillingSubscription
from app.graphql.billing.types import Bill, BillJob, BillPreview, LineItem

__all__ = [
    "BillConfigMutation",
    "BillConfigQuery",
    "Bill",
    "BillJob",
    "BillPreview",
    "BillingMutation",
    "BillingQuery",
    "BillingSubscription",
    "LineItem",
]
