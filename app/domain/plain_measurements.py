"""The values of a measurement that plainly passes every check, in one function made per
meter (SEMANTICS §6, §3.2): the fast path of ``measurements.BatchChecks``.

Concepts
- ``plain_values_function(section_rules, derived, ts_value)``: built once per meter
  schema (``measurements.meter_schema``, so once per meter id and version in a worker).
  The function it returns takes one item and gives its stored values (data fields, then
  derived fields, by code) when every value plainly passes, or None when anything needs
  the exact checks: an unknown field, a null, a value of the wrong type or near a bound,
  a derived field that evaluates to null or to a value not plainly storable, a string
  built past its bound, a derived field that does not compile.
- ``PlainDerived``: what the fast path reads of one derived field.

Invariants
- Never a different answer: a dict it returns is the one the exact checks
  (``measurements.exact_values``) return for the same item, in the same key order, and
  it returns one only when they would not reject the item. Anything else is None, and
  the caller runs the exact checks, which name the problem.
- Specialised per meter: the sections the meter has no field in are only tested for
  emptiness, the eight sections are read in one call, and the derived fields' loop
  knows which of them hold numbers.
- Pure: it decides from the item alone (the identity checks, which depend on the batch,
  stay in ``BatchChecks``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from app.domain.calc import CalcLimitError
from app.domain.measurement_values import SMALL_INT_COUNT, SMALL_INTS, plain_number

Values = dict[str, Decimal | str]
PlainValues = Callable[[Any], Values | None]
SectionRule = tuple[str, frozenset[str], bool, int]  # section, its field codes, numbers?, longest string


@dataclass(frozen=True)
class PlainDerived:
    code: str
    evaluate: Callable[[Mapping[str, Any]], Any]
    reads: frozenset[str]  # data fields it reads (not `ts`)
    numbers: bool  # its category holds numbers
    longest: int  # the longest string it may hold otherwise


def plain_values_function(
    section_rules: Sequence[SectionRule],
    derived: Sequence[PlainDerived] | None,
    ts_value: Callable[[datetime], Decimal] | None,
) -> PlainValues:
    """The fast path for one meter. ``derived`` None: one of its derived fields does not
    compile (every measurement is rejected: always the exact checks). ``ts_value``: how a
    calculation sees ``ts``, when one reads it."""
    if derived is None:
        return _never
    sections_of = attrgetter(*(section for section, *_ in section_rules))
    empty = tuple(index for index, (_, allowed, _, _) in enumerate(section_rules) if not allowed)
    kept = tuple(
        (index, allowed, numbers, longest)
        for index, (_, allowed, numbers, longest) in enumerate(section_rules)
        if allowed
    )
    derive = _deriving(tuple(derived), ts_value) if derived else None

    def plain_values(item: Any) -> Values | None:
        sections = sections_of(item)
        for index in empty:
            if sections[index]:
                return None  # a field the meter does not have: UNKNOWN_FIELD
        values: Values = {}
        # One loop per kind of section, inline: a call per section or value would cost
        # about as much as the checks themselves.
        for index, allowed, numbers, longest in kept:
            entries = sections[index]
            if not entries:
                continue
            if numbers:
                for code, value in entries.items():
                    if code not in allowed:
                        return None
                    number = (
                        SMALL_INTS[value]
                        if type(value) is int and 0 <= value < SMALL_INT_COUNT
                        else plain_number(value)
                    )
                    if number is None:  # a null, a string, or a number near a bound
                        return None
                    values[code] = number
            else:
                for code, value in entries.items():
                    if code in allowed and type(value) is str and len(value) <= longest and "\x00" not in value:
                        values[code] = value
                    else:
                        return None
        if derive is not None and not derive(item, values):
            return None
        return values

    return plain_values


def _never(item: Any) -> None:
    return None


def _deriving(
    derived: tuple[PlainDerived, ...], ts_value: Callable[[datetime], Decimal] | None
) -> Callable[[Any, Values], bool]:
    """Adds the derived fields to an item's values; False when the exact checks must
    decide (the values are then left half-done: the caller drops them)."""
    # As the exact checks: the calculations read the data fields only, so a copy when a
    # derived value could change what a later calculation sees, or `ts` is added.
    shared = len(derived) == 1 and ts_value is None

    def derive(item: Any, values: Values) -> bool:
        inputs: dict[str, Any] = values if shared else dict(values)
        if ts_value is not None:
            inputs["ts"] = ts_value(item.ts)
        for field in derived:
            try:
                result = field.evaluate(inputs)
            except CalcLimitError:
                return False
            if result is None:
                if field.reads <= values.keys():
                    return False  # null with every input present: DERIVED_FIELD
                continue  # an input is absent: so is the derived field
            if field.numbers:
                result = plain_number(result) if type(result) is Decimal else None
            elif not (type(result) is str and len(result) <= field.longest and "\x00" not in result):
                result = None
            if result is None:
                return False
            values[field.code] = result
        return True

    return derive
