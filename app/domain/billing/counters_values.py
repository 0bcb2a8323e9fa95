"""Counter inputs of bill composition and the band price of a count (SEMANTICS §8.1–8.2).

Concepts
- ``CounterPricingSnapshot``: a counter pricing of a plan or template, resolved (its
  counter's code and unit carried along for the lines).
- ``CounterHistory``: the adjustments of one (account, counter), by date; ``value_on(d)`` is
  ``v`` of §8.2 — the value of the latest adjustment dated on or before the local date d
  (None when there is none). An adjustment is effective from its date's local midnight.
- ``Counters``: everything one bill job (or chunk) reads about counters — pricings by plan
  and by template, histories by (account, counter).
- ``price(bands, cumulative, n)``: ``Price(n)`` of §8.2, the band charge of n units with
  band 1's fixed price; ``Price(None) = 0`` with no bands.
- ``delta_price(...)``: ``Price(new) − Price(prev)`` with its breakdown per band: each band's
  units and subtotal *difference*, listing only the bands filled or emptied (ascending for
  an increase, top band first for a decrease).

Invariants
- Counts are whole numbers ≥ 0; money is exact Decimal (rounded later, with every line).
- The breakdown of a delta sums exactly to its amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from app.domain.bands import BandUsage, PricingBand, band_charge
from app.domain.timezones import require_aware

from .snapshots import EntityId, PricingOwner

__all__ = [
    "CounterPricingSnapshot",
    "CounterHistory",
    "Counters",
    "NO_COUNTERS",
    "price",
    "DeltaPrice",
    "delta_price",
]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class CounterPricingSnapshot:
    id: EntityId
    counter_id: EntityId
    counter_code: str
    unit: str
    owner: PricingOwner
    start: datetime
    end: datetime | None
    bands: tuple[PricingBand, ...]
    cumulative: bool = True
    running_total_bill_in_advance: bool = True
    pro_rate_running_total: bool = True
    pro_rate_adjustment_debit: bool = True
    pro_rate_adjustment_credit: bool = True
    description: str | None = None
    code: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "owner", PricingOwner(self.owner))
        object.__setattr__(self, "bands", tuple(self.bands))
        require_aware(self.start)
        if self.end is not None:
            require_aware(self.end)

    def active_at(self, instant: datetime) -> bool:
        return self.start <= instant and (self.end is None or instant < self.end)


@dataclass(frozen=True)
class CounterHistory:
    """Adjustments of one (account, counter) as (date, value), sorted by date, dates distinct."""

    values: tuple[tuple[date, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(sorted(self.values)))

    def value_on(self, day: date) -> int | None:
        found = None
        for dated, value in self.values:
            if dated > day:
                break
            found = value
        return found

    def dated_between(self, first: date, last: date) -> tuple[tuple[date, int], ...]:
        """Adjustments dated in ``[first, last]``."""
        return tuple(item for item in self.values if first <= item[0] <= last)


@dataclass(frozen=True)
class Counters:
    plan_pricings: Mapping[EntityId, tuple[CounterPricingSnapshot, ...]] = field(default_factory=dict)
    template_pricings: Mapping[EntityId, tuple[CounterPricingSnapshot, ...]] = field(default_factory=dict)
    histories: Mapping[tuple[EntityId, EntityId], CounterHistory] = field(default_factory=dict)

    def history(self, account_id: EntityId, counter_id: EntityId) -> CounterHistory:
        return self.histories.get((account_id, counter_id), _EMPTY)

    def pricings_of(self, plan_id: EntityId, template_id: EntityId) -> tuple[CounterPricingSnapshot, ...]:
        return (*self.plan_pricings.get(plan_id, ()), *self.template_pricings.get(template_id, ()))


_EMPTY = CounterHistory()
NO_COUNTERS = Counters()


def price(bands: Sequence[PricingBand], cumulative: bool, count: int | None) -> tuple[Decimal, tuple[BandUsage, ...]]:
    """``Price(count)`` and its bands; ``(0, ())`` for no value."""
    if count is None:
        return _ZERO, ()
    return _price(tuple(bands), cumulative, count)


# A bill run prices the same few counts under the same bands for thousands of accounts;
# the charge is a pure function of them, so it is computed once.
@lru_cache(maxsize=8192)
def _price(bands: tuple[PricingBand, ...], cumulative: bool, count: int) -> tuple[Decimal, tuple[BandUsage, ...]]:
    charge = band_charge(bands, Decimal(count), cumulative=cumulative)
    return charge.subtotal, charge.bands


@dataclass(frozen=True)
class DeltaPrice:
    amount: Decimal
    bands: tuple[BandUsage, ...]


def delta_price(bands: Sequence[PricingBand], cumulative: bool, previous: int | None, new: int) -> DeltaPrice:
    """``Price(new) − Price(previous)`` and the bands filled or emptied."""
    before_amount, before = price(bands, cumulative, previous)
    after_amount, after = price(bands, cumulative, new)
    old = {b.lower_limit: b for b in before}
    now = {b.lower_limit: b for b in after}
    changed = []
    for band in bands:
        diff = _difference(band, old.get(band.lower_limit), now.get(band.lower_limit))
        if diff is not None:
            changed.append(diff)
    if previous is not None and new < previous:
        changed.reverse()  # a decrease empties the top band first
    return DeltaPrice(after_amount - before_amount, tuple(changed))


def _difference(band: PricingBand, before: BandUsage | None, after: BandUsage | None) -> BandUsage | None:
    def part(usage: BandUsage | None, name: str) -> Decimal:
        return _ZERO if usage is None else getattr(usage, name)

    units = part(after, "band_units") - part(before, "band_units")
    subtotal = part(after, "band_subtotal") - part(before, "band_subtotal")
    if units == 0 and subtotal == 0:
        return None
    return BandUsage(
        lower_limit=band.lower_limit,
        unit_price=band.unit_price,
        fixed_price=part(after, "fixed_price") - part(before, "fixed_price"),
        band_units=units,
        band_quantity=part(after, "band_quantity") - part(before, "band_quantity"),
        band_subtotal=subtotal,
    )
