"""GraphQL surface of people and machines: users, service users, access keys, policies.

- `types`: the output types (User, ServiceUser, AccessKey, PermissionPolicy).
- `inputs`: mutation inputs, payloads, and the authorization items they name.
- `queries`, `mutations`: the root fields; each mutation builds its service's command
  and answers through `respond`.
"""

from app.graphql.access.mutations import AccessMutation
from app.graphql.access.queries import AccessQuery

__all__ = ["AccessMutation", "AccessQuery"]
