"""Built-in functions: their signatures and the numeric implementations.

Concepts
- ``FunctionSpec``: canonical name, argument count range and ``kind``:
  ``NUMERIC`` (numbers in, a number out: the ``Math.*`` family), ``ISNULL``
  (``isnull(a, b)``: ``b`` when ``a`` is null) or ``IN`` (``IN(x, v1, ...)``).
  The checker validates calls against the spec; the evaluator runs ``impl``.
- Function names are looked up case-insensitively (``math.MAX`` works).
- ``power``: the shared rule for ``a ^ b`` and ``Math.pow(a, b)``.

Invariants
- A NUMERIC ``impl`` is only ever called with finite ``Decimal`` arguments
  (the evaluator turns any other argument into a null result first) and
  returns a finite Decimal or None; it may raise ArithmeticError, which the
  evaluator also turns into null.
- Bounded work: a power exponent must be an integer with
  ``|b| <= MAX_EXPONENT`` and a rounding scale an integer with
  ``|scale| <= MAX_SCALE``, otherwise the result is null.
- ``Math.round`` is HALF_UP in ``decimal``'s sense: halves go away from
  zero, so ``Math.round(2.5)`` is 3 and ``Math.round(-2.5)`` is -3.
- ``Math.floor``/``Math.ceil`` round toward -infinity/+infinity.
- A value that already has no more decimals than the scale asks for is
  returned unchanged, so rounding a huge integer cannot overflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .core import CONTEXT, MAX_EXPONENT, MAX_SCALE, PRECISION

__all__ = ["FunctionSpec", "FUNCTIONS", "NUMERIC", "ISNULL", "IN", "lookup", "power"]

NUMERIC, ISNULL, IN = "numeric", "isnull", "in"

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    kind: str
    min_args: int
    max_args: int | None  # None: no upper bound
    impl: Callable[..., Decimal | None] | None = None

    def arity_text(self) -> str:
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


def power(base: object, exponent: object) -> Decimal | None:
    """``base ^ exponent``; null unless both are numbers and the exponent is a small integer."""
    if type(base) is not Decimal or type(exponent) is not Decimal:
        return None
    whole = _small_integer(exponent, MAX_EXPONENT)
    if whole is None:
        return None
    try:
        result = CONTEXT.power(base, whole)
    except ArithmeticError:  # 0 ^ 0, or a result beyond the exponent range
        return None
    return result if result.is_finite() else None  # 0 ^ -1 is Infinity, no signal


def _small_integer(value: Decimal, bound: int) -> int | None:
    if value.copy_abs() > bound or value != value.to_integral_value(context=CONTEXT):
        return None
    return int(value)


def _rounding(mode: str) -> Callable[..., Decimal | None]:
    def round_to_scale(value: Decimal, scale: Decimal = _ZERO) -> Decimal | None:
        places = _small_integer(scale, MAX_SCALE)
        if places is None:
            return None
        if value.as_tuple().exponent >= -places:  # type: ignore[operator]
            return value
        rounded = value.quantize(Decimal((0, (1,), -places)), rounding=mode, context=CONTEXT)
        if places < 0 and rounded.adjusted() < PRECISION:  # show 1200, not 1.2E+3
            rounded = rounded.quantize(_ONE, context=CONTEXT)
        return rounded.copy_abs() if rounded.is_zero() else rounded  # no "-0"

    return round_to_scale


def _largest(*values: Decimal) -> Decimal:
    return max(values)  # not max(*values): one argument would be iterated


def _smallest(*values: Decimal) -> Decimal:
    return min(values)


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name.lower(): spec
    for spec in (
        FunctionSpec("Math.max", NUMERIC, 1, None, _largest),
        FunctionSpec("Math.min", NUMERIC, 1, None, _smallest),
        FunctionSpec("Math.floor", NUMERIC, 1, 2, _rounding(ROUND_FLOOR)),
        FunctionSpec("Math.ceil", NUMERIC, 1, 2, _rounding(ROUND_CEILING)),
        FunctionSpec("Math.round", NUMERIC, 1, 2, _rounding(ROUND_HALF_UP)),
        FunctionSpec("Math.pow", NUMERIC, 2, 2, power),
        FunctionSpec("Math.abs", NUMERIC, 1, 1, Decimal.copy_abs),
        FunctionSpec("isnull", ISNULL, 2, 2),
        FunctionSpec("IN", IN, 2, None),
    )
}


def lookup(name: str) -> FunctionSpec | None:
    return FUNCTIONS.get(name.lower())
