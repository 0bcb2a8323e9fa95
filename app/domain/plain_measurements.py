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
- Specialised per meter, as Python source (``_specialised``; each distinct text compiled
  once, ``calc.compiled_source``): the sections the meter has no field in are only tested
  for emptiness, each other section is read once and checked by the rule of its kind, and
  each derived field's result by its category. Only our own section names and numbers
  go into the source; the field codes and calculations a tenant configured are values
  the function is given.
- Pure: it decides from the item alone (the identity checks, which depend on the batch,
  stay in ``BatchChecks``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.calc import CalcLimitError
from app.domain.calc.compiled_source import function_from_source
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
    return _specialised(section_rules, tuple(derived), ts_value)


def _specialised(
    section_rules: Sequence[SectionRule],
    derived: tuple[PlainDerived, ...],
    ts_value: Callable[[datetime], Decimal] | None,
) -> PlainValues:
    """The fast path's function for this meter, written out as source (one per meter version).

    Why source: loops over the meter's sections and derived fields, reading each through a
    tuple of rules, cost about as much as the checks themselves. Written out (one read and
    one branch per section, each calculation called where it is needed), the benchmark
    meter's checks take 4.0 µs per measurement instead of 5.0 (``bench/ingest_compute.py``,
    ``checks``, on a machine where an ingest worker spends ~15 µs per measurement). The
    source holds only section names and numbers (bounds, indexes): what a tenant chose
    (field codes, calculations) stays data, in the names the function is given."""
    names: dict[str, Any] = {
        "SMALL_INTS": SMALL_INTS,
        "SMALL_INT_COUNT": SMALL_INT_COUNT,
        "plain_number": plain_number,
        "CalcLimitError": CalcLimitError,
        "Decimal": Decimal,
    }
    lines = ["def plain_values(item):"]
    empty = [section for section, allowed, _, _ in section_rules if not allowed]
    if empty:  # a field the meter does not have: UNKNOWN_FIELD
        lines += [f"    if {' or '.join(f'item.{_section(section)}' for section in empty)}:", "        return None"]
    lines.append("    values = {}")
    for index, (section, allowed, numbers, longest) in enumerate(section_rules):
        if allowed:
            names[f"ALLOWED_{index}"] = allowed
            lines += _section_lines(index, _section(section), numbers, longest)
    if derived:
        lines += _derived_lines(derived, ts_value, names)
    lines.append("    return values")
    function: PlainValues = function_from_source("\n".join(lines), "plain_values", names)
    return function


def _section_lines(index: int, section: str, numbers: bool, longest: int) -> list[str]:
    """Copies a section's values into `values`, or returns None (the exact checks decide)."""
    lines = [f"    entries = item.{section}", "    if entries:", "        for code, value in entries.items():"]
    if numbers:
        return lines + [
            f"            if code not in ALLOWED_{index}:",
            "                return None",
            "            number = (",
            "                SMALL_INTS[value]",
            "                if type(value) is int and 0 <= value < SMALL_INT_COUNT",
            "                else plain_number(value)",
            "            )",
            "            if number is None:  # a null, a string, or a number near a bound",
            "                return None",
            "            values[code] = number",
        ]
    return lines + [
        f"            if code in ALLOWED_{index} and type(value) is str and len(value) <= {int(longest)}"
        ' and "\\x00" not in value:',
        "                values[code] = value",
        "            else:",
        "                return None",
    ]


def _derived_lines(
    derived: tuple[PlainDerived, ...], ts_value: Callable[[datetime], Decimal] | None, names: dict[str, Any]
) -> list[str]:
    """Adds the derived fields to `values`, or returns None (the exact checks decide)."""
    # As the exact checks: the calculations read the data fields only, so a copy when a
    # derived value could change what a later calculation sees, or `ts` is added.
    lines = ["    inputs = values" if len(derived) == 1 and ts_value is None else "    inputs = dict(values)"]
    if ts_value is not None:
        names["ts_value"] = ts_value
        lines.append('    inputs["ts"] = ts_value(item.ts)')
    for index, field in enumerate(derived):
        names[f"EVALUATE_{index}"], names[f"CODE_{index}"], names[f"READS_{index}"] = (
            field.evaluate,
            field.code,
            field.reads,
        )
        lines += [
            "    try:",
            f"        result = EVALUATE_{index}(inputs)",
            "    except CalcLimitError:",
            "        return None",
            "    if result is not None:",
        ]
        if field.numbers:
            lines += [
                "        result = plain_number(result) if type(result) is Decimal else None",
                "        if result is None:",
            ]
        else:
            lines.append(
                f"        if not (type(result) is str and len(result) <= {int(field.longest)}"
                ' and "\\x00" not in result):'
            )
        lines += [
            "            return None",
            f"        values[CODE_{index}] = result",
            f"    elif READS_{index} <= values.keys():",
            "        return None  # null with every input present: DERIVED_FIELD",
        ]  # else an input is absent: so is the derived field
    return lines


def _section(name: str) -> str:
    """A section's attribute name, checked before it goes into source."""
    if not name.isidentifier() or not name.islower():
        raise ValueError(f"not a section: {name!r}")
    return name


def _never(item: Any) -> None:
    return None
