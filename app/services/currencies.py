"""Currencies of an organization (SEMANTICS §2.2). USD always exists.

A currency is deleted only while nothing names it, and an entity names only a currency
that exists. The two checks meet on the currency's row, as a foreign key's would:
- a write that names currencies reads them with ``held_codes``, inside its transaction:
  ``FOR KEY SHARE``, so the rows stay until it commits (writers do not wait for each
  other);
- ``delete_currency`` locks the row ``FOR UPDATE`` before it looks for what names it: it
  waits for every such write to commit and then sees its entity, and a write that comes
  later waits for the delete and then finds the currency gone.
Checked each in its own transaction, both used to pass when they overlapped, leaving an
entity in a deleted currency whose account's next bill failed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.given import NOT_GIVEN, given
from app.domain.money import CurrencyRounding
from app.domain.naming import identifier_code_problem, name_problem
from app.models.accounts import Account, Commitment
from app.models.balances import Balance
from app.models.catalog import PlanTemplate
from app.models.charges import Charge
from app.models.organization import Currency, OrganizationConfig
from app.models.plan_groups import PlanGroup
from app.services import events
from app.services.catalog.entities import Dependants, refuse_if_in_use
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned

PERMANENT = "USD"


@dataclass(frozen=True, slots=True)
class CurrencyFields:
    """A currency's fields as sent; on update only those given change (the code never does)."""

    code: str | None = NOT_GIVEN
    name: str | None = NOT_GIVEN
    max_decimal_places: int | None = NOT_GIVEN
    rounding_mode: str | None = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class UpdateCurrency:
    currency_id: uuid.UUID
    version: int
    changes: CurrencyFields


def _check(fields: CurrencyFields, problems: ProblemCollector) -> dict[str, Any]:
    data = given(fields)
    values: dict[str, Any] = {}
    if "code" in data:
        if msg := identifier_code_problem(data["code"] or ""):
            problems.add("code", ErrorCode.INVALID, msg)
        values["code"] = data["code"]
    if "name" in data:
        if msg := name_problem(data["name"] or ""):
            problems.add("name", ErrorCode.INVALID, msg)
        values["name"] = data["name"]
    if "max_decimal_places" in data:
        places = data["max_decimal_places"]
        if places is None or not 0 <= places <= 5:
            problems.add("maxDecimalPlaces", ErrorCode.INVALID, "must be from 0 to 5")
        values["max_decimal_places"] = places
    if "rounding_mode" in data:
        mode = data["rounding_mode"]
        if mode not in CurrencyRounding.__members__:
            problems.add("roundingMode", ErrorCode.INVALID, f"must be one of {', '.join(CurrencyRounding.__members__)}")
        values["rounding_mode"] = mode
    return values


async def create_currency(organization_id: uuid.UUID, command: CurrencyFields, *, actor: str) -> Currency:
    """A new currency; decimal places default to 2 and rounding to HALF_UP when not given."""
    problems = ProblemCollector()
    defaults: dict[str, Any] = {"max_decimal_places": 2, "rounding_mode": "HALF_UP"}
    values = _check(
        replace(command, **{k: v for k, v in defaults.items() if getattr(command, k) is NOT_GIVEN}), problems
    )
    problems.raise_if_any()
    if await Currency.filter(organization_id=organization_id, code=values["code"]).exists():
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"currency {values['code']} exists")
    try:
        async with in_transaction():
            currency = await Currency.create(
                organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
            )
            await events.created(currency)
            return currency
    except IntegrityError as exc:
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"currency {values['code']} exists") from exc


async def update_currency(organization_id: uuid.UUID, command: UpdateCurrency, *, actor: str) -> Currency:
    currency_id, version = command.currency_id, command.version
    current = await get_owned(Currency, organization_id, currency_id)
    problems = ProblemCollector()
    values = _check(command.changes, problems)
    if "code" in values and values["code"] != current.code:
        # Codes are how pricing, accounts and conversions name a currency; renaming one
        # would silently re-point them.
        problems.add("code", ErrorCode.INVALID, "a currency's code cannot be changed")
    problems.raise_if_any()
    values.pop("code", None)
    return await update_versioned(Currency, organization_id, currency_id, version, values, actor)


async def held_codes(organization_id: uuid.UUID) -> set[str]:
    """The organization's currency codes, each kept from deletion until the current
    transaction ends: what a write checks the currencies it names against (call it inside
    the transaction that writes; outside one it holds nothing)."""
    _, rows = await connections.get("default").execute_query(
        "SELECT code FROM currencies WHERE organization_id = $1 ORDER BY code FOR KEY SHARE", [organization_id]
    )
    return {row["code"] for row in rows}


CURRENCY_INPUT = ("input", "currency")


async def hold(organization_id: uuid.UUID, *named: tuple[str | None, tuple[str, ...]]) -> None:
    """For a write that checked its currencies outside its transaction (`named`: each
    code with the input path it came from): inside it, keep them from deletion until
    commit, or fail NOT_FOUND at a code's path if a deletion committed since the check."""
    wanted = [(code, path) for code, path in named if code is not None]
    held = await held_codes(organization_id) if wanted else set()
    for code, path in wanted:
        if code not in held:
            raise fail(path, ErrorCode.NOT_FOUND, f"no currency with code {code!r}")


async def delete_currency(organization_id: uuid.UUID, currency_id: uuid.UUID, *, version: int) -> None:
    currency = await get_owned(Currency, organization_id, currency_id)
    if currency.code == PERMANENT:
        raise fail(("input", "id"), ErrorCode.INVALID_STATE, "USD cannot be deleted")
    async with in_transaction():
        # Locked before the checks: every write holding the currency (`held_codes`) has
        # committed by now, so the checks below see its entity.
        locked = await Currency.select_for_update().filter(organization_id=organization_id, id=currency_id).first()
        if locked is None:
            raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no Currency with id {currency_id}")
        await _refuse_if_named(organization_id, locked)
        deleted = await Currency.filter(organization_id=organization_id, id=currency_id, version=version).delete()
        if not deleted:
            raise fail(
                ("input", "version"),
                ErrorCode.CONFLICT,
                f"version {version} is stale; the current version is {locked.version}",
            )
        await events.deleted(locked)


async def _refuse_if_named(organization_id: uuid.UUID, currency: Currency) -> None:
    """IN_USE while the organization configuration or an entity names the currency."""
    config = await OrganizationConfig.get(organization_id=organization_id)
    if config.currency == currency.code or any(
        currency.code in (c["from"], c["to"]) for c in config.currency_conversions
    ):
        raise fail(("input", "id"), ErrorCode.IN_USE, f"{currency.code} is used by the organization configuration")
    await refuse_if_in_use(
        organization_id,
        [
            Dependants("plan templates", PlanTemplate, {"currency": currency.code}),
            Dependants("accounts", Account, {"currency": currency.code}),
            Dependants("commitments", Commitment, {"currency": currency.code}),
            # Every entity with a currency (SEMANTICS §9.1, §10.1, §11.1): without it, its
            # account's next bill fails ("currency … is not defined").
            Dependants("charges", Charge, {"currency": currency.code}),
            Dependants("plan groups", PlanGroup, {"currency": currency.code}),
            Dependants("balances", Balance, {"currency": currency.code}),
        ],
    )
