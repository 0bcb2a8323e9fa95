"""GraphQL surface of memos (SEMANTICS §12.1): reason picklists, memo lines, setBillPending."""

from app.graphql.memos.mutations import MemoMutation
from app.graphql.memos.queries import MemoQuery
from app.graphql.memos.types import CreditReason, DebitReason

__all__ = ["CreditReason", "DebitReason", "MemoMutation", "MemoQuery"]
