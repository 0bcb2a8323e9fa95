"""Compound aggregations: a calculation over other aggregations (SEMANTICS §3.4, §3.5).

Concepts
- The calculation names aggregations as `aggregation.<code>`; each contributes its raw
  aggregated value, a NUMBER. Which aggregations a compound may name is the caller's
  knowledge (`usable`): for a product compound its product's and the global ones, for a
  global compound only global ones.

Invariants
- The calculation compiles, yields a NUMBER and names at least one aggregation.
- `compound_references` is exact for a calculation that compiles, so a delete or a
  rename is refused exactly when a compound really uses the aggregation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from app.domain.calc import MAX_LENGTH, CalcError, ValueType, compile_expression
from app.domain.catalog.meters.aggregation import ROUNDINGS
from app.domain.catalog.meters.drafts import CompoundDraft
from app.domain.catalog.meters.shape import choice, custom_fields, exact_decimal, flag, optional_label, required_text
from app.domain.catalog.refs import AggregationRef
from app.domain.given import as_fields
from app.domain.naming import IDENTIFIER, identifier_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector
from app.domain.units import UnitRounding

PREFIX = "aggregation."
_MENTION = re.compile(r"aggregation\.([A-Za-z_$][A-Za-z0-9_$]*)")


def check_compound(
    data: CompoundDraft | Mapping[str, Any],
    at: ProblemCollector,
    *,
    product_id: uuid.UUID | None,
    usable: Mapping[str, AggregationRef],
    compound_id: uuid.UUID | None = None,
) -> tuple[dict[str, Any], AggregationRef]:
    """A compound aggregation input → (model values with `id`, the compound as pricings
    see it). `usable`: by code, the aggregations its calculation may name."""
    data = as_fields(CompoundDraft, data)
    values: dict[str, Any] = {
        "id": compound_id or uuid.uuid4(),
        "product_id": product_id,
        "code": required_text(data, "code", at, identifier_code_problem),
        "name": required_text(data, "name", at, name_problem),
        "calculation": required_text(data, "calculation", at, _length_problem),
    }
    calculation = values["calculation"]
    if isinstance(calculation, str) and not _length_problem(calculation):
        _check_calculation(calculation, usable, product_id, at)
    values["quantity_per_unit"] = exact_decimal(data, "quantityPerUnit", at, default=Decimal(1), positive=True)
    values["rounding"] = choice(data, "rounding", at, ROUNDINGS, default=UnitRounding.NONE.value)
    values["unit"] = optional_label(data, "unit", at)
    values["evaluate_null_aggregations"] = flag(data, "evaluateNullAggregations", at)
    values["custom_fields"] = custom_fields(data, at)
    ref = AggregationRef(id=values["id"], code=values["code"], product_id=product_id, compound=True)
    return values, ref


def _length_problem(text: str) -> str | None:
    return None if 1 <= len(text) <= MAX_LENGTH else f"must be 1–{MAX_LENGTH} characters"


def _check_calculation(
    text: str, usable: Mapping[str, AggregationRef], product_id: uuid.UUID | None, at: ProblemCollector
) -> None:
    names = {PREFIX + code: ValueType.NUMBER for code in usable}
    try:
        expression = compile_expression(text, names)
    except CalcError as exc:
        at.add("calculation", ErrorCode.INVALID, _explain(exc, product_id))
        return
    if expression.result_type is not ValueType.NUMBER:
        at.add("calculation", ErrorCode.INVALID, f"must yield a NUMBER, yields a {expression.result_type.name}")
    elif not expression.names_used:
        at.add("calculation", ErrorCode.INVALID, "must use at least one aggregation (aggregation.<code>)")


def _explain(exc: CalcError, product_id: uuid.UUID | None) -> str:
    # The language says "unknown field"; here a name is an aggregation, and whether it is
    # usable depends on scope, which the client needs to hear.
    if exc.message.startswith(f"unknown field '{PREFIX}"):
        scope = "its product's or global aggregations" if product_id else "global aggregations"
        name = exc.message.removeprefix("unknown field ")
        return f"unknown aggregation {name} at position {exc.position} (this compound aggregation may use {scope})"
    return str(exc)


class _AnyAggregation(Mapping[str, ValueType]):
    """Every well-formed `aggregation.<code>` name is a NUMBER: the calculation's
    references, whichever aggregations exist."""

    def __getitem__(self, name: str) -> ValueType:
        if name.startswith(PREFIX) and IDENTIFIER.fullmatch(name[len(PREFIX) :]):
            return ValueType.NUMBER
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def compound_references(calculation: str) -> frozenset[str]:
    """Codes of the aggregations `calculation` uses. Exact when it compiles; otherwise
    every `aggregation.<code>` it mentions (a superset, e.g. inside a string literal)."""
    try:
        expression = compile_expression(calculation, _AnyAggregation())
    except CalcError:
        return frozenset(_MENTION.findall(calculation))
    return frozenset(name[len(PREFIX) :] for name in expression.names_used)


def mentioned_codes(calculation: str) -> frozenset[str]:
    """Every `aggregation.<code>` the text mentions: which aggregations to load before
    checking a calculation (a superset of what it uses)."""
    return frozenset(_MENTION.findall(calculation))
