"""GraphQL surface of the organization: `me`, `organizationConfig`, currencies.

- `types`: the output types (Me, OrganizationConfig with its rate limits, Currency).
- `inputs`: mutation inputs and payloads, among them `DeleteInput` and `DeletePayload`,
  which every domain's delete mutations share.
- `queries`, `mutations`: the root fields.
"""

from app.graphql.organization.inputs import CurrencyConversionInput, DeleteInput, DeletePayload
from app.graphql.organization.mutations import OrganizationMutation
from app.graphql.organization.queries import OrganizationQuery
from app.graphql.organization.types import CurrencyConversion

__all__ = [
    "CurrencyConversion",
    "CurrencyConversionInput",
    "DeleteInput",
    "DeletePayload",
    "OrganizationMutation",
    "OrganizationQuery",
]
