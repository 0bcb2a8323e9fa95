"""GraphQL surface of accounts, plan attachments and commitments (SEMANTICS §5)."""

from app.graphql.accounts.mutations import AccountMutation
from app.graphql.accounts.queries import AccountQuery
from app.graphql.accounts.types import Account, AccountPlan, Commitment

__all__ = ["Account", "AccountMutation", "AccountPlan", "AccountQuery", "Commitment"]
