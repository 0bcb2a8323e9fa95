"""The credit source kinds of ``creditApplicationOrder`` (SEMANTICS §11.1), on Account and
OrganizationConfig; a module of its own so those types import nothing else of balances."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="A kind of prepaid money bills draw on, in creditApplicationOrder.")
class CreditSourceKind(Enum):
    PREPAYMENT = "PREPAYMENT"
    BALANCE = "BALANCE"


def credit_order_of(stored: list[str] | None) -> list[CreditSourceKind] | None:
    return None if stored is None else [CreditSourceKind(kind) for kind in stored]
