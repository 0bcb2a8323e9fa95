"""Charges (SEMANTICS §9): the Charge type, its root queries and mutations."""

from app.graphql.charges.mutations import ChargeMutation
from app.graphql.charges.queries import ChargeQuery
from app.graphql.charges.types import CHARGES_BY_ACCOUNT, Charge

__all__ = ["CHARGES_BY_ACCOUNT", "Charge", "ChargeMutation", "ChargeQuery"]
