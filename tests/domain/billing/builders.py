"""Builders of billing snapshots for the tests: short defaults, everything overridable."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timezone, tzinfo
from decimal import Decimal

from app.domain.bands import PricingBand
from app.domain.billing import (
    AccountPlanSnapshot,
    AccountSnapshot,
    AggregationTarget,
    BillLine,
    ComposedBill,
    CompoundTarget,
    CurrencyInfo,
    LineType,
    OrgContext,
    PlanSnapshot,
    PricingOwner,
    PricingSnapshot,
    UsageWindow,
    compose_bill,
    usage_windows,
)
from app.domain.money import CurrencyRounding
from app.domain.periods import BillFrequency
from app.domain.timezones import local_midnight, parse_timezone

D = Decimal
UTC = UTC
BERLIN = parse_timezone("Europe/Berlin")
MONTHLY = BillFrequency.MONTHLY
EPOCH = date(2022, 1, 1)  # monthly bills on the 1st

USD = CurrencyInfo("USD", 2, CurrencyRounding.HALF_UP)
GBP = CurrencyInfo("GBP", 2, CurrencyRounding.HALF_UP)
EUR = CurrencyInfo("EUR", 2, CurrencyRounding.HALF_EVEN)
JPY = CurrencyInfo("JPY", 0, CurrencyRounding.HALF_UP)
CURRENCIES = {c.code: c for c in (USD, GBP, EUR, JPY)}


def uid(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def midnight(d: date, tz: tzinfo = UTC) -> datetime:
    return local_midnight(d, tz)


def bands(*specs: tuple[str, ...]) -> tuple[PricingBand, ...]:
    """Bands from (lowerLimit, unitPrice[, fixedPrice]) string tuples."""
    return tuple(PricingBand(*(D(value) for value in spec)) for spec in specs)


TWO_TIERS = bands(("0", "0.15"), ("500", "0.10"))
ONE_PER_UNIT = bands(("0", "1"))
STAIRS = bands(("0", "0", "12"), ("4", "0", "25"), ("6", "0", "50"))


def aggregation(code: str = "calls", **fields: object) -> AggregationTarget:
    values: dict[str, object] = {"id": uid(f"agg:{code}"), "code": code, "name": f"{code} name"}
    values.update(unit="calls")
    values.update(fields)
    return AggregationTarget(**values)  # type: ignore[arg-type]


def compound(code: str, calculation: str, references: Iterable[AggregationTarget], **fields: object) -> CompoundTarget:
    return CompoundTarget(
        id=uid(f"compound:{code}"),
        code=code,
        name=f"{code} name",
        calculation=calculation,
        references=tuple(references),
        **fields,  # type: ignore[arg-type]
    )


def pricing(
    target: AggregationTarget | CompoundTarget,
    start: datetime = utc(2020, 1, 1),
    end: datetime | None = None,
    band_specs: tuple[PricingBand, ...] = TWO_TIERS,
    *,
    name: str | None = None,
    owner: PricingOwner = PricingOwner.TEMPLATE,
    **fields: object,
) -> PricingSnapshot:
    key = name or f"{owner.value}:{target.code}:{start.isoformat()}:{fields.get('segment')}"
    return PricingSnapshot(
        id=uid(f"pricing:{key}"),
        owner=owner,
        target=target,
        start=start,
        end=end,
        bands=band_specs,
        **fields,  # type: ignore[arg-type]
    )


def plan(
    *template_pricings: PricingSnapshot,
    plan_pricings: Iterable[PricingSnapshot] = (),
    name: str = "plan",
    product: str = "product",
    currency: str = "USD",
    **fields: object,
) -> PlanSnapshot:
    return PlanSnapshot(
        id=uid(f"plan:{name}"),
        template_id=uid(f"template:{name}"),
        product_id=uid(f"product:{product}"),
        currency=currency,
        frequency=fields.pop("frequency", MONTHLY),  # type: ignore[arg-type]
        plan_pricings=tuple(plan_pricings),
        template_pricings=template_pricings,
        **fields,  # type: ignore[arg-type]
    )


def account_plan(
    the_plan: PlanSnapshot,
    start: datetime = utc(2024, 1, 1),
    end: datetime | None = None,
    *,
    epoch: date = EPOCH,
    name: str | None = None,
) -> AccountPlanSnapshot:
    return AccountPlanSnapshot(
        id=uid(f"account-plan:{name or the_plan.id}"),
        account_id=uid("account:acme"),
        start=start,
        end=end,
        epoch=epoch,
        plan=the_plan,
    )


def account(currency: str = "USD", days_before_bill_due: int = 30) -> AccountSnapshot:
    return AccountSnapshot(uid("account:acme"), "acme", currency, days_before_bill_due)


def org(
    tz: tzinfo = UTC,
    conversions: Mapping[tuple[str, str], Decimal] | None = None,
    currencies: Mapping[str, CurrencyInfo] | None = None,
) -> OrgContext:
    return OrgContext(tz, dict(currencies or CURRENCIES), dict(conversions or {}))


UsageSpec = Mapping[object, Decimal | None] | Callable[[UsageWindow], Decimal | None]


def usage_map(windows: Iterable[UsageWindow], spec: UsageSpec) -> dict[UsageWindow, Decimal | None]:
    """Values per window: a function of the window, or a value per aggregation id
    (every window of that aggregation) or per (aggregation id, segment key)."""
    result: dict[UsageWindow, Decimal | None] = {}
    for window in windows:
        if callable(spec):
            result[window] = spec(window)
        elif (window.aggregation_id, window.segment) in spec:
            result[window] = spec[(window.aggregation_id, window.segment)]
        elif window.aggregation_id in spec:
            result[window] = spec[window.aggregation_id]
    return result


def bill(
    account_plans: Iterable[AccountPlanSnapshot] | AccountPlanSnapshot,
    bill_date: date,
    usage: UsageSpec | None = None,
    *,
    the_account: AccountSnapshot | None = None,
    the_org: OrgContext | None = None,
    previous_units: Mapping | None = None,
    frequency: BillFrequency = MONTHLY,
) -> ComposedBill:
    """Compose a bill the way a service would: windows first, then usage, then the bill."""
    plans = (account_plans,) if isinstance(account_plans, AccountPlanSnapshot) else tuple(account_plans)
    the_org = the_org or org()
    windows = usage_windows(plans, bill_date, frequency, the_org.timezone)
    values = usage_map(windows, usage or {})
    return compose_bill(the_account or account(), plans, bill_date, frequency, the_org, values, previous_units)


def of_type(result: ComposedBill, line_type: LineType) -> list[BillLine]:
    return [line for line in result.lines if line.line_type is line_type]


def summary(result: ComposedBill) -> list[tuple[str, Decimal]]:
    return [(line.line_type.value, line.subtotal) for line in result.lines]
