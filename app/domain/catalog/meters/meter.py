"""Meters and their fields (SEMANTICS §3.2).

Concepts
- A data field's category says where a measurement carries its value and what the value
  is: WHO/WHAT/WHERE/OTHER/METADATA hold strings, MEASURE/INCOME/COST numbers.
- A derived field adds a `calculation` over the meter's data fields and `ts`; it is
  computed once per measurement at ingest, so it must compile now and yield the type its
  category holds.

Invariants
- 1–15 data fields, 0–15 derived fields; field codes are unique within the meter across
  both lists (a measurement is one flat namespace of codes).
- A field code can be referenced in a calculation: `ts` and the calculation language's
  reserved words are refused.
- Bounded work at ingest: the derived calculations of one meter evaluate at most
  `MAX_MEASUREMENT_OPERATIONS` nodes per measurement together; the field whose
  calculation goes past it is refused, naming the total.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, cast

from app.domain.calc import MAX_LENGTH, CalcError, ValueType, compile_expression
from app.domain.catalog.meters.drafts import MeterDraft
from app.domain.catalog.meters.shape import choice, custom_fields, item_list, optional_label, required_text
from app.domain.catalog.refs import FieldRef, MeterRef
from app.domain.given import as_fields
from app.domain.measurements import MAX_MEASUREMENT_OPERATIONS
from app.domain.naming import entity_code_problem, identifier_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector

CATEGORY_TYPES: dict[str, ValueType] = {
    "WHO": ValueType.STRING,
    "WHAT": ValueType.STRING,
    "WHERE": ValueType.STRING,
    "OTHER": ValueType.STRING,
    "METADATA": ValueType.STRING,
    "MEASURE": ValueType.NUMBER,
    "INCOME": ValueType.NUMBER,
    "COST": ValueType.NUMBER,
}
CATEGORIES = tuple(CATEGORY_TYPES)
SEGMENTABLE = frozenset({"WHO", "WHAT", "WHERE", "OTHER"})
MAX_DATA_FIELDS = 15
MAX_DERIVED_FIELDS = 15
TS = "ts"  # the measurement's timestamp (epoch milliseconds) in derived calculations
# Words the calculation language reads as operators or literals, whatever their case.
RESERVED_WORDS = frozenset({"and", "or", "not", "true", "false", "null"})


def check_meter(
    data: MeterDraft | Mapping[str, Any],
    at: ProblemCollector,
    *,
    product_id: uuid.UUID | None,
    meter_id: uuid.UUID | None = None,
) -> tuple[dict[str, Any], MeterRef]:
    """A meter input → (model values with `id`, the meter as aggregations see it)."""
    data = as_fields(MeterDraft, data)
    values: dict[str, Any] = {
        "id": meter_id or uuid.uuid4(),
        "product_id": product_id,
        "code": required_text(data, "code", at, entity_code_problem),
        "name": required_text(data, "name", at, name_problem),
    }
    data_fields = item_list(data, "dataFields", at, minimum=1, maximum=MAX_DATA_FIELDS, noun="data fields")
    derived_fields = item_list(data, "derivedFields", at, minimum=0, maximum=MAX_DERIVED_FIELDS, noun="derived fields")
    seen: set[str] = set()
    values["data_fields"] = [_field(f, at.under("dataFields", i), seen) for i, f in enumerate(data_fields)]
    names = calculation_names(values["data_fields"])
    values["derived_fields"] = [
        _derived(f, at.under("derivedFields", i), seen, names) for i, f in enumerate(derived_fields)
    ]
    _check_work(values["derived_fields"], names, at)
    values["custom_fields"] = custom_fields(data, at)
    ref = meter_ref(values["id"], values["code"], product_id, values["data_fields"], values["derived_fields"])
    return values, ref


def meter_ref(
    id_: uuid.UUID,
    code: str,
    product_id: uuid.UUID | None,
    data_fields: Iterable[Mapping[str, Any]],
    derived_fields: Iterable[Mapping[str, Any]],
) -> MeterRef:
    """A meter as its aggregations see it, from stored (or just checked) field lists.
    The first of two fields with one code wins (the duplicate is reported by the check)."""
    fields: dict[str, FieldRef] = {}
    for derived, items in ((False, data_fields), (True, derived_fields)):
        for item in items:
            field_code = item.get("code")
            if isinstance(field_code, str) and field_code not in fields:
                # A missing or unknown category is reported by the check; the ref carries it as sent.
                category = cast(str, item.get("category"))
                fields[field_code] = FieldRef(code=field_code, category=category, derived=derived)
    return MeterRef(id=id_, code=code if isinstance(code, str) else "", product_id=product_id, fields=fields)


def calculation_names(data_fields: Iterable[Mapping[str, Any]]) -> dict[str, ValueType]:
    """Names a derived calculation may use: the data fields of known category, and `ts`."""
    names = {
        f["code"]: CATEGORY_TYPES[f["category"]]
        for f in data_fields
        if isinstance(f.get("code"), str) and f.get("category") in CATEGORY_TYPES
    }
    names[TS] = ValueType.NUMBER
    return names


def _field(raw: Any, at: ProblemCollector, seen: set[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        at.add((), ErrorCode.INVALID, "must be an object")
        return {}
    code = required_text(raw, "code", at, _field_code_problem)
    if isinstance(code, str):
        if code in seen:
            at.add(
                "code",
                ErrorCode.DUPLICATE,
                f"field code {code!r} is used twice in this meter (data and derived fields share codes)",
            )
        seen.add(code)
    return {
        "category": choice(raw, "category", at, CATEGORIES),
        "code": code,
        "name": required_text(raw, "name", at, name_problem),
        "unit": optional_label(raw, "unit", at),
    }


def _field_code_problem(code: str) -> str | None:
    if msg := identifier_code_problem(code):
        return msg
    if code == TS or code.lower() in RESERVED_WORDS:
        return f"{code!r} is reserved by the calculation language"
    return None


def _check_work(derived_fields: list[dict[str, Any]], names: Mapping[str, ValueType], at: ProblemCollector) -> None:
    """Refuse the calculation that takes the meter past the work bound per measurement."""
    total = 0
    for index, field in enumerate(derived_fields):
        try:
            total += compile_expression(field["calculation"], names).operations
        except (CalcError, KeyError, TypeError):
            continue  # reported by the field's own check
        if total > MAX_MEASUREMENT_OPERATIONS:
            at.under("derivedFields", index).add(
                "calculation",
                ErrorCode.INVALID,
                f"the derived fields of this meter would evaluate {total} operations per measurement, "
                f"more than {MAX_MEASUREMENT_OPERATIONS}",
            )
            return


def _derived(raw: Any, at: ProblemCollector, seen: set[str], names: Mapping[str, ValueType]) -> dict[str, Any]:
    field = _field(raw, at, seen)
    if not field:
        return field
    calculation = required_text(raw, "calculation", at, _calculation_problem)
    field["calculation"] = calculation
    if isinstance(calculation, str) and not _calculation_problem(calculation):
        _check_calculation(calculation, field["category"], names, at)
    return field


def _calculation_problem(text: str) -> str | None:
    if not 1 <= len(text) <= MAX_LENGTH:
        return f"must be 1–{MAX_LENGTH} characters"
    return None


def _check_calculation(text: str, category: Any, names: Mapping[str, ValueType], at: ProblemCollector) -> None:
    try:
        expression = compile_expression(text, names)
    except CalcError as exc:
        at.add("calculation", ErrorCode.INVALID, str(exc))
        return
    wanted = CATEGORY_TYPES.get(category)
    # An unknown category is reported on its own; the result type cannot be judged.
    if wanted is not None and expression.result_type is not wanted:
        at.add(
            "calculation",
            ErrorCode.INVALID,
            f"a {category} field holds a {wanted.name}, but the calculation yields a {expression.result_type.name}",
        )
