"""One measurement checked against its meter, with its derived fields (SEMANTICS §6, §3.2).

Concepts
- ``MeterSchema``: what ingest needs of a meter, built once per (meter id, version) by
  ``meter_schema``: which field codes each section of a measurement may carry, and the
  derived fields with their compiled calculations.
- ``prepare_measurement(item, schema, accepted_at)``: the stored values of one item, a
  flat map of field code → value holding its data fields and derived fields, or a
  ``Rejection`` (raised) with a code and a reason. An item whose values all plainly pass
  takes the meter's fast path (``MeterSchema.plain_values``, see
  ``app.domain.plain_measurements``); any other goes through ``exact_values``, the checks
  that name each problem, which alone decide every answer. ``item`` is any object with the
  attributes of the ingest wire format (``uid``, ``account``, ``ts``, ``ets``, ``who``,
  ``what``, ``where``, ``other``, ``metadata``, ``measure``, ``income``, ``cost``).
  ``BatchChecks(accepted_at).prepare(item, schema)`` is the same for the items of one
  batch, working out once what they share.

Invariants
- Values are checked by ``app.domain.measurement_values``: numbers are ``Decimal`` that
  PostgreSQL ``numeric`` holds exactly (a longer fraction would make the whole batch's
  COPY fail), strings hold no NUL; booleans are not numbers.
- A value sent as JSON null is treated as absent: the measurement does not carry the field.
- ``ts`` "in the future" is judged against the batch's acceptance time, never the clock,
  so processing a batch again gives the same answer.
- ``ts`` and ``ets`` are instants of the calendar in UTC, years 1 to 9999: PostgreSQL
  stores ``0001-01-01T00:00:00+14:00`` (year 0 in UTC), but no reader could load it back,
  and every list or export of the organization's measurements failed on it.
- Derived fields (decision): a calculation that yields null because a field it reads is
  absent leaves the derived field absent (like any field a measurement does not carry);
  null with every field it reads present (division by zero, overflow), a value of the
  wrong type, or a calculation that does not compile rejects the measurement.
- Bounded work per measurement, whatever a tenant configured or sends: a string value
  sent, a string a calculation builds, and a derived string value, are at most
  ``MAX_STRING`` characters
  (beyond, the measurement is rejected naming the field, after at most that much
  copying); the derived fields of one meter evaluate at most
  ``MAX_MEASUREMENT_OPERATIONS`` nodes together (a meter beyond it, stored before the
  bound existed, has every measurement rejected without evaluating anything). A hostile
  measurement so fails alone, quickly, and its batch is processed like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.domain.calc import MAX_STRING, CalcError, CalcLimitError, Expression, ValueType, compile_expression
from app.domain.date_range import in_calendar
from app.domain.measurement_values import (
    MAX_METADATA,
    Rejection,
    number_value,
    plain_number,
    string_value,
)
from app.domain.naming import entity_code_problem
from app.domain.plain_measurements import PlainDerived, PlainValues, plain_values_function

SECTION_OF_CATEGORY = {
    "WHO": "who",
    "WHAT": "what",
    "WHERE": "where",
    "OTHER": "other",
    "METADATA": "metadata",
    "MEASURE": "measure",
    "INCOME": "income",
    "COST": "cost",
}
NUMBER_SECTIONS = frozenset({"measure", "income", "cost"})
SECTIONS = tuple(SECTION_OF_CATEGORY.values())
NUMBER_CATEGORIES = frozenset({"MEASURE", "INCOME", "COST"})
MAX_UID = 50
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_MEASUREMENT_OPERATIONS = 2000  # nodes the derived fields of one meter evaluate per measurement
TS = "ts"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DerivedField:
    code: str
    category: str
    expression: Expression | None  # None: the calculation does not compile
    problem: str | None = None

    @property
    def reads(self) -> frozenset[str]:
        return self.expression.names_used - {TS} if self.expression else frozenset()


@dataclass(frozen=True)
class MeterSchema:
    meter_id: uuid.UUID
    code: str
    sections: Mapping[str, frozenset[str]]  # section → field codes it may carry
    derived: tuple[DerivedField, ...]
    uses_ts: bool  # some derived field reads `ts`
    # Per section in wire order: its field codes, whether it holds numbers, the longest
    # string it may hold (what BatchChecks.prepare reads for each item).
    section_rules: tuple[tuple[str, frozenset[str], bool, int], ...]
    plain_values: PlainValues  # the values of an item that plainly passes, else None


def meter_schema(
    meter_id: uuid.UUID,
    code: str,
    data_fields: Iterable[Mapping[str, Any]],
    derived_fields: Iterable[Mapping[str, Any]],
) -> MeterSchema:
    """Compile a meter's fields once; a field of unknown category is ignored."""
    data_fields = [f for f in data_fields if f.get("category") in SECTION_OF_CATEGORY]
    sections: dict[str, set[str]] = {section: set() for section in SECTIONS}
    for f in data_fields:
        sections[SECTION_OF_CATEGORY[f["category"]]].add(f["code"])
    names = {f["code"]: _value_type(f["category"]) for f in data_fields} | {TS: ValueType.NUMBER}
    derived = _within_budget(tuple(_derived_field(f, names) for f in derived_fields))
    codes_of = {section: frozenset(codes) for section, codes in sections.items()}
    uses_ts = any(d.expression is not None and TS in d.expression.names_used for d in derived)
    section_rules = tuple((s, codes_of[s], numbers, longest) for s, numbers, longest in _SECTION_RULES)
    return MeterSchema(
        meter_id=meter_id,
        code=code,
        sections=codes_of,
        derived=derived,
        uses_ts=uses_ts,
        section_rules=section_rules,
        plain_values=plain_values_function(section_rules, _plain_derived(derived), epoch_millis if uses_ts else None),
    )


def _plain_derived(derived: tuple[DerivedField, ...]) -> tuple[PlainDerived, ...] | None:
    """What the fast path reads of the derived fields; None if one does not compile."""
    plain = []
    for field in derived:
        if field.expression is None:
            return None
        longest = MAX_METADATA if field.category == "METADATA" else MAX_STRING
        numbers = field.category in NUMBER_CATEGORIES
        plain.append(PlainDerived(field.code, field.expression.evaluate, field.reads, numbers, longest))
    return tuple(plain)


def _value_type(category: str) -> ValueType:
    return ValueType.NUMBER if category in NUMBER_CATEGORIES else ValueType.STRING


def _derived_field(f: Mapping[str, Any], names: Mapping[str, ValueType]) -> DerivedField:
    try:
        return DerivedField(f["code"], f.get("category", ""), compile_expression(str(f.get("calculation", "")), names))
    except CalcError as exc:
        return DerivedField(f["code"], f.get("category", ""), None, str(exc))


def _within_budget(derived: tuple[DerivedField, ...]) -> tuple[DerivedField, ...]:
    """The derived fields, or, when together they exceed the work bound, the same fields
    marked unusable (so nothing is evaluated)."""
    total = derived_operations(d.expression for d in derived)
    if total <= MAX_MEASUREMENT_OPERATIONS:
        return derived
    problem = (
        f"the meter's derived fields take {total} operations per measurement, more than {MAX_MEASUREMENT_OPERATIONS}"
    )
    return tuple(DerivedField(d.code, d.category, None, problem) for d in derived)


def derived_operations(expressions: Iterable[Expression | None]) -> int:
    """Nodes evaluated per measurement by these compiled calculations together."""
    return sum(e.operations for e in expressions if e is not None)


def as_utc(moment: datetime) -> datetime:
    """Instants without an offset are read as UTC (decision: m3ter clients send `Z`)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def epoch_millis(moment: datetime) -> Decimal:
    """`ts` as the calculation language sees it: exact epoch milliseconds."""
    delta = as_utc(moment) - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Decimal(micros).scaleb(-3)


def prepare_measurement(item: Any, schema: MeterSchema, accepted_at: datetime) -> dict[str, Decimal | str]:
    """Stored values (data and derived fields by code) of ``item``; raises ``Rejection``."""
    return BatchChecks(accepted_at).prepare(item, schema)


class BatchChecks:
    """``prepare_measurement`` for the items of one batch: what is the same for all of them
    (the latest allowed ``ts``, whether an account code is well formed) is worked out once.

    Each value takes a fast path when it plainly passes and otherwise goes to the exact
    check that names its problem, so the answers are those of the exact checks alone; the
    text naming a field is only built for a rejection."""

    __slots__ = ("latest_ts", "_account_problems")

    def __init__(self, accepted_at: datetime) -> None:
        self.latest_ts = accepted_at + FUTURE_TOLERANCE
        self._account_problems: dict[str, str | None] = {}

    def prepare(self, item: Any, schema: MeterSchema) -> dict[str, Decimal | str]:
        self.check_identity(item)
        values = schema.plain_values(item)
        return values if values is not None else exact_values(item, schema)

    def check_identity(self, item: Any) -> None:
        """uid, account code and ts: the parts every measurement has whatever its meter."""
        uid = item.uid
        if uid is not None and (not 1 <= len(uid) <= MAX_UID or "\x00" in uid):
            raise Rejection("INVALID_UID", f"uid must be 1–{MAX_UID} characters without NUL")
        account = item.account
        if account in self._account_problems:
            problem = self._account_problems[account]
        else:
            problem = self._account_problems[account] = entity_code_problem(account)
        if problem:
            raise Rejection("INVALID_ACCOUNT", f"account code {account!r} {problem}")
        if not in_calendar(item.ts) or (item.ets is not None and not in_calendar(item.ets)):
            raise Rejection("TS_OUT_OF_RANGE", "ts and ets must fall in years 1 to 9999 in UTC")
        if as_utc(item.ts) > self.latest_ts:
            raise Rejection("TS_IN_FUTURE", "ts is more than 5 minutes after the batch was accepted")


def exact_values(item: Any, schema: MeterSchema) -> dict[str, Decimal | str]:
    """The item's stored values by the checks that name each problem (raises
    ``Rejection``): what decides every answer; the fast path only ever agrees with it."""
    values: dict[str, Decimal | str] = {}
    for section, allowed, numbers, longest in schema.section_rules:
        entries = getattr(item, section)
        if not entries:
            continue
        for code, value in entries.items():
            if code not in allowed:
                raise Rejection("UNKNOWN_FIELD", f"{section}.{code!r} is not a field of meter {schema.code!r}")
            if value is None:
                continue
            if numbers:
                number = plain_number(value)
                values[code] = number if number is not None else number_value(value, f"{section}.{code!r}")
            elif type(value) is str and len(value) <= longest and "\x00" not in value:
                values[code] = value
            else:
                values[code] = string_value(value, f"{section}.{code!r}", section == "metadata")
    if schema.derived:
        _derive(schema, item.ts, values)
    return values


# Per section in wire order: whether it holds numbers, and the longest string it may hold.
_SECTION_RULES: tuple[tuple[str, bool, int], ...] = tuple(
    (section, section in NUMBER_SECTIONS, MAX_METADATA if section == "metadata" else MAX_STRING) for section in SECTIONS
)


def _derive(schema: MeterSchema, ts: datetime, values: dict[str, Decimal | str]) -> None:
    # The calculations read the data fields only: a derived value stored under the code
    # of a data field must not change what a later calculation sees, hence the copy when
    # there is more than one (or `ts` to add).
    inputs: dict[str, Any] = values if len(schema.derived) == 1 and not schema.uses_ts else dict(values)
    if schema.uses_ts:
        inputs[TS] = epoch_millis(ts)
    for field in schema.derived:
        if field.expression is None:
            raise Rejection("DERIVED_FIELD", f"derived field {field.code!r} does not compile: {field.problem}")
        try:
            result = field.expression.evaluate(inputs)
        except CalcLimitError as exc:
            raise Rejection("DERIVED_FIELD", f"derived field {field.code!r}: {exc.message}") from None
        if result is None:
            if field.reads <= values.keys():
                raise Rejection("DERIVED_FIELD", f"derived field {field.code!r} evaluated to null")
            continue
        plain = _plain_derived_value(field, result)
        values[field.code] = plain if plain is not None else _derived_value(field, result)


def _plain_derived_value(field: DerivedField, result: Any) -> Decimal | str | None:
    """``result`` as ``_derived_value`` returns it if it plainly passes, else None."""
    if field.category in NUMBER_CATEGORIES:
        return plain_number(result) if type(result) is Decimal else None
    longest = MAX_METADATA if field.category == "METADATA" else MAX_STRING
    return result if type(result) is str and len(result) <= longest and "\x00" not in result else None


def _derived_value(field: DerivedField, result: Any) -> Decimal | str:
    where = f"derived field {field.code!r}"
    try:
        if field.category in NUMBER_CATEGORIES:
            if type(result) is not Decimal:
                raise Rejection("DERIVED_FIELD", f"{where} must be a number")
            return number_value(result, where)
        if type(result) is str and len(result) > MAX_STRING:
            raise Rejection("DERIVED_FIELD", f"{where} is longer than {MAX_STRING} characters")
        return string_value(result, where, field.category == "METADATA")
    except Rejection as exc:
        raise Rejection("DERIVED_FIELD", exc.reason) from None
