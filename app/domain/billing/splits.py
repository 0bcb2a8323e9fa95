"""Splitting a charge exactly in proportion to weights (SEMANTICS §7.3, commitment drawdown).

Concepts
- ``split_block``: ``total`` rounded to a currency's places, split by weights (≥ 0) with
  the largest-remainder method.

Invariants
- The parts sum exactly to the rounded total; each part is within one unit (10^−places)
  of its exact proportional share; the arithmetic is on integers, so exact.
- Stable order: the weights' mapping order. Remainder ties go to the earlier key; a zero
  total weight gives everything to the first key.
- A negative total is split as its absolute value and negated (credits are symmetric).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

from app.domain.money import CurrencyRounding, round_money

__all__ = ["split_block"]

K = TypeVar("K", bound=Hashable)


def split_block(
    total: Decimal,
    weights: Mapping[K, Decimal],
    places: int,
    rounding: CurrencyRounding = CurrencyRounding.HALF_UP,
) -> dict[K, Decimal]:
    """``total`` (rounded to ``places``) split by ``weights`` (≥ 0), largest remainder."""
    if not weights:
        raise ValueError("a split needs at least one key")
    keys = list(weights)
    scale = max(max(-_exponent(w) for w in weights.values()), 0)
    ints = [_scaled(w, scale) for w in weights.values()]
    if any(value < 0 for value in ints):
        raise ValueError("split weights must not be negative")
    units = _scaled(round_money(total, places, rounding), places)
    sign, units = (-1 if units < 0 else 1), abs(units)
    whole = sum(ints)
    if whole == 0:
        parts = [units if index == 0 else 0 for index in range(len(keys))]
    else:
        quotients = [divmod(units * weight, whole) for weight in ints]
        parts = [floor for floor, _ in quotients]
        leftover = units - sum(parts)  # < len(keys): each floor lost less than one unit
        order = sorted(range(len(keys)), key=lambda i: (-quotients[i][1], i))
        for index in order[:leftover]:
            parts[index] += 1
    return {key: _money(sign * part, places) for key, part in zip(keys, parts)}


def _exponent(value: Decimal) -> int:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"split weights must be finite Decimals, got {value!r}")
    return int(value.as_tuple().exponent)


def _scaled(value: Decimal, places: int) -> int:
    """``value × 10^places`` as an exact integer (``places`` ≥ −exponent of value)."""
    sign, digits, exponent = value.as_tuple()
    scaled: int = int("".join(map(str, digits))) * 10 ** (int(exponent) + places)
    return -scaled if sign else scaled


def _money(units: int, places: int) -> Decimal:
    digits = tuple(int(c) for c in str(abs(units)))
    return Decimal((1 if units < 0 else 0, digits, -places))
