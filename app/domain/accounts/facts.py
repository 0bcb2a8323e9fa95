"""What the account checks know about the database, handed in by the service so that the
checks stay pure: referenced plans, products, currencies and accounts, the existing plan
attachments an input may collide with, and the codes already taken."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.accounts.drafts import AccountDraft
from app.domain.given import Fields, Given, as_fields
from app.domain.ids import as_uuid
from app.domain.problems import ErrorCode, ProblemCollector

ACCOUNT = "account"
ACCOUNT_PLAN = "accountPlan"
COMMITMENT = "commitment"
_LABELS = {ACCOUNT: "an account", ACCOUNT_PLAN: "an account plan", COMMITMENT: "a commitment"}


@dataclass(frozen=True)
class PlanRef:
    id: uuid.UUID
    code: str
    product_id: uuid.UUID
    account_id: uuid.UUID | None = None  # bespoke to this account


@dataclass(frozen=True)
class AccountRef:
    """An existing account an input names as parent (or the account being changed)."""

    id: uuid.UUID
    code: str
    parent_account_id: uuid.UUID | None
    # How many accounts name it as parent, not counting the account being checked, so
    # re-saving a child under the same parent does not count it twice.
    children: int


@dataclass(frozen=True)
class Attachment:
    """A plan attached to an account over `[start, end)`; `end` None = open-ended."""

    id: uuid.UUID
    code: str | None
    product_id: uuid.UUID
    start: datetime
    end: datetime | None

    @property
    def label(self) -> str:
        until = self.end.isoformat() if self.end else "open-ended"
        name = f"{self.code} " if self.code else ""
        return f"account plan {name}(id {self.id}, {self.start.isoformat()} – {until})"


@dataclass(frozen=True)
class Known:
    currencies: frozenset[str] = frozenset()
    product_ids: frozenset[uuid.UUID] = frozenset()
    plans: tuple[PlanRef, ...] = ()
    accounts: Mapping[uuid.UUID, AccountRef] = field(default_factory=dict)
    taken_codes: Mapping[str, frozenset[str]] = field(default_factory=dict)  # by kind
    allow_overlapping_plans: bool = False

    def plan_by_id(self, plan_id: uuid.UUID) -> PlanRef | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    def plan_by_code(self, code: str) -> PlanRef | None:
        return next((p for p in self.plans if p.code == code), None)


class CodeBook:
    """Codes claimed by one input, per entity kind: a code taken in the database or
    claimed earlier in the same input is a DUPLICATE at the later place."""

    def __init__(self, taken: Mapping[str, Iterable[str]]):
        self._taken = {kind: set(codes) for kind, codes in taken.items()}

    def claim(self, kind: str, code: str | None, at: ProblemCollector, key: str = "code") -> None:
        if code is None:
            return
        codes = self._taken.setdefault(kind, set())
        if code in codes:
            at.add(key, ErrorCode.DUPLICATE, f"{_LABELS[kind]} with code {code!r} exists")
        codes.add(code)


@dataclass
class References:
    """Everything a (possibly nested) account input names, to be loaded in one go."""

    account_ids: set[uuid.UUID] = field(default_factory=set)
    plan_ids: set[uuid.UUID] = field(default_factory=set)
    plan_codes: set[str] = field(default_factory=set)
    product_ids: set[uuid.UUID] = field(default_factory=set)
    codes: dict[str, set[str]] = field(default_factory=lambda: {ACCOUNT: set(), ACCOUNT_PLAN: set(), COMMITMENT: set()})


def references_of(data: AccountDraft | Mapping[str, Any], refs: References | None = None) -> References:
    """The ids and codes an account input (with its children, plans and commitments)
    names. Malformed values are skipped: the checks report them."""
    data = as_fields(AccountDraft, data)
    refs = refs or References()
    _add_id(refs.account_ids, data.get("parentAccountId"))
    _add_code(refs.codes[ACCOUNT], data.get("code"))
    for item in _items(data.get("accountPlans")):
        account_plan_references(item, refs)
    for item in _items(data.get("commitments")):
        commitment_references(item, refs)
    for child in _items(data.get("children")):
        references_of(child, refs)
    return refs


def account_plan_references(data: Given, refs: References) -> References:
    _add_id(refs.plan_ids, data.get("planId"))
    _add_code(refs.plan_codes, data.get("planCode"))
    _add_code(refs.codes[ACCOUNT_PLAN], data.get("code"))
    return refs


def commitment_references(data: Given, refs: References) -> References:
    _add_id(refs.plan_ids, data.get("billingPlanId"))
    _add_code(refs.codes[COMMITMENT], data.get("code"))
    for product_id in data.get("productIds") or ():
        _add_id(refs.product_ids, product_id)
    return refs


def _items(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, (Mapping, Fields))] if isinstance(value, list) else []


def _add_id(ids: set[uuid.UUID], value: Any) -> None:
    if (parsed := as_uuid(value)) is not None:
        ids.add(parsed)


def _add_code(codes: set[str], value: Any) -> None:
    if isinstance(value, str):
        codes.add(value)
