"""GraphQL surface of webhooks (SEMANTICS §14.3–14.5): destinations, the delivery log,
secret rotation, test sends and redelivery."""

from app.graphql.webhooks.mutations import WebhookMutation
from app.graphql.webhooks.queries import WebhookQuery

__all__ = ["WebhookMutation", "WebhookQuery"]
