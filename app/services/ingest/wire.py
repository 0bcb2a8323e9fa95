"""The ingest wire format (m3ter-compatible) and its decoding with msgspec.

Decoding is the whole-request check of SEMANTICS §6: malformed JSON, 0 or more than 1000
items, a missing `meter`/`account`/`ts`, an unparseable `ts` (or `ets`), a section that
is not an object. Anything subtler (a field not on the meter, a value of the wrong type)
is judged per item by the worker, so the rest of the batch still goes in.

JSON numbers with a fraction or exponent decode to `Decimal` from their text
(`float_hook`), integers to `int`: values stay exact from the request to the database.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from app.services.errors import ErrorCode, InputErrors, Problem

MAX_ITEMS = 1000
Section = dict[str, Any] | None


# gc=False: a decoded batch is a tree (no reference cycles), and a thousand items that
# the garbage collector need not track keep its full collections short in a busy worker.
class MeasurementIn(msgspec.Struct, omit_defaults=True, gc=False):
    meter: str
    account: str
    ts: datetime
    uid: str | None = None
    ets: datetime | None = None
    who: Section = None
    what: Section = None
    where: Section = None
    other: Section = None
    metadata: Section = None
    measure: Section = None
    income: Section = None
    cost: Section = None


class BatchIn(msgspec.Struct, gc=False):
    measurements: Annotated[list[MeasurementIn], msgspec.Meta(min_length=1, max_length=MAX_ITEMS)]


# The shape alone, for `count_measurements`: a section is an object whose content is only
# parsed (msgspec skips the fields of a struct that has none), never built.
class _Object(msgspec.Struct, gc=False):
    pass


def _shape_fields() -> list[tuple[str, Any] | tuple[str, Any, Any]]:
    """MeasurementIn's fields, each section an `_Object` instead of a dict."""
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for field in msgspec.structs.fields(MeasurementIn):
        kind = _Object | None if field.type == Section else field.type
        fields.append((field.name, kind) if field.required else (field.name, kind, field.default))
    return fields


_MeasurementShape = msgspec.defstruct("_MeasurementShape", _shape_fields(), gc=False)


class _BatchShape(msgspec.Struct, gc=False):
    # A class made at run time: mypy cannot read it as a type (msgspec can).
    measurements: Annotated[list[_MeasurementShape], msgspec.Meta(min_length=1, max_length=MAX_ITEMS)]  # type: ignore[valid-type]


_decoder = msgspec.json.Decoder(BatchIn, float_hook=Decimal)
# NaN for a number no Decimal holds (an exponent beyond ±10^18): the worker refuses that
# item as a number out of bounds, like 1e1001, and the rest of the batch goes in.
_UNREPRESENTABLE = Decimal("NaN")


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        return _UNREPRESENTABLE


# Used only when `_decoder` meets such a number: its hook is C, this one Python.
_tolerant_decoder = msgspec.json.Decoder(BatchIn, float_hook=_number)


def _raw_fields() -> list[tuple[str, Any] | tuple[str, Any, Any]]:
    """MeasurementIn's fields, each section's values left as raw JSON."""
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for field in msgspec.structs.fields(MeasurementIn):
        kind = dict[str, msgspec.Raw] | None if field.type == Section else field.type
        fields.append((field.name, kind) if field.required else (field.name, kind, field.default))
    return fields


_RawMeasurement = msgspec.defstruct("_RawMeasurement", _raw_fields(), gc=False)


class _RawBatch(msgspec.Struct, gc=False):
    measurements: Annotated[list[_RawMeasurement], msgspec.Meta(min_length=1, max_length=MAX_ITEMS)]  # type: ignore[valid-type]


# An integer of more digits than Python converts (sys.get_int_max_str_digits()) is as
# valid JSON as 1e1001: in a section it fails its item, not the batch. These decode such
# a body's sections value by value, the unconvertible ones as the NaN the worker refuses.
_INTEGER_OUT_OF_RANGE = "Integer value out of range"
_raw_decoder = msgspec.json.Decoder(_RawBatch)
_value_decoder = msgspec.json.Decoder(float_hook=_number)
_SECTIONS = tuple(f.name for f in msgspec.structs.fields(MeasurementIn) if f.type == Section)


def _with_long_integers(body: bytes) -> list[MeasurementIn]:
    """decode_batch for a body with an integer Python cannot convert; raises what the
    raw decoding raises (such an integer outside a section, or any other problem)."""
    items = []
    for raw in _raw_decoder.decode(body).measurements:
        values = msgspec.structs.asdict(raw)
        for section in _SECTIONS:
            entries = values[section]
            if entries is not None:
                values[section] = {code: _section_value(value) for code, value in entries.items()}
        items.append(MeasurementIn(**values))
    return items


def _section_value(raw: msgspec.Raw) -> Any:
    try:
        return _value_decoder.decode(raw)
    except msgspec.ValidationError:  # typed Any: only an integer Python cannot convert
        return _UNREPRESENTABLE


_encoder = msgspec.json.Encoder(decimal_format="number")
_AT = re.compile(r"^(?P<message>.*) - at `\$(?P<path>[^`]*)`$")
_MISSING = re.compile(r"missing required field `(?P<field>[^`]+)`")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def decode_batch(body: bytes) -> list[MeasurementIn]:
    """The measurements of a request body; raises InputErrors naming index and field."""
    try:
        try:
            try:
                return _decoder.decode(body).measurements
            except ArithmeticError:
                return _tolerant_decoder.decode(body).measurements
        except msgspec.ValidationError as exc:
            if not str(exc).startswith(_INTEGER_OUT_OF_RANGE):
                raise
            return _with_long_integers(body)
    except msgspec.ValidationError as exc:
        raise InputErrors([_problem(str(exc))]) from None
    except msgspec.DecodeError as exc:
        raise InputErrors([Problem(("body",), ErrorCode.INVALID, f"malformed JSON: {exc}")]) from None
    except RecursionError:
        # msgspec recurses per nesting level: a section value nested a few thousand
        # levels deep (well within the size limit) must be a 400, not a server error.
        raise InputErrors([Problem(("body",), ErrorCode.INVALID, "malformed JSON: nested too deeply")]) from None


_shape_decoder = msgspec.json.Decoder(_BatchShape)
# Levels of recursion the shape decoder gives up (see count_measurements).
_DEPTH_MARGIN = 50
# decode_batch decodes its own way an integer of more digits than Python converts to int
# (sys.get_int_max_str_digits(), 4300 by default; refused outside a section): a body
# with such a run of digits anywhere is left to it (`_long_digit_run`).
# The margin holds only where a C extension's recursion counts against
# sys.setrecursionlimit: up to Python 3.11. From 3.12 the C recursion limit is its own
# and cannot be lowered, so there the accept check is decode_batch itself.
_SHAPE_CHECK = sys.version_info < (3, 12)


def count_measurements(body: bytes) -> int:
    """``len(decode_batch(body))``, raising what it raises, at about half the cost: the
    accept path's whole-request check, which keeps nothing of the items.

    The shape decoder parses the same JSON without building the sections' contents (on
    the API, decoding and freeing them was most of an accepted batch's CPU). Its "yes"
    stands only where it cannot differ from decode_batch's: an ASCII body (it does not
    check UTF-8 inside the strings it skips) without an integer too long for Python to
    convert (which decode_batch decodes its own way), decoded with a
    recursion limit lowered by ``_DEPTH_MARGIN`` (it reaches one level deeper than
    decode_batch, and the worker decodes the batch again from another stack; Python 3.11,
    see ``_SHAPE_CHECK``). Anything else, and every refusal, is decode_batch's answer, with
    its messages."""
    if _SHAPE_CHECK and body.isascii() and not _long_digit_run(body):
        limit = sys.getrecursionlimit()
        try:
            sys.setrecursionlimit(limit - _DEPTH_MARGIN)  # no await until restored: no other task sees it
            return len(_shape_decoder.decode(body).measurements)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
            pass
        finally:
            sys.setrecursionlimit(limit)
    return len(decode_batch(body))


def _long_digit_run(body: bytes) -> bool:
    """Whether ``body`` holds more consecutive ASCII digits than Python converts to int.

    Such a run, ``longest + 1`` digits or more, holds two bytes ``stride`` apart at
    multiples of ``stride`` (half its length), with only digits from one to the other. So
    only the stretches between sampled bytes are read, and a stretch stops being read at
    its first non-digit: ~7 µs for a batch of 1000 measurements, against 163 µs for
    translating every digit of the body and searching the result (``_digit_run_at`` then
    measures a stretch's whole run)."""
    longest = sys.get_int_max_str_digits()
    if longest <= 0 or len(body) <= longest:
        return False
    stride = (longest + 1) // 2
    for start in range(0, len(body) - stride, stride):
        if (
            0x30 <= body[start] <= 0x39  # both ends first: most stretches stop here
            and 0x30 <= body[start + stride] <= 0x39
            and body[start : start + stride + 1].isdigit()
            and _digit_run_at(body, start, stride) > longest
        ):
            return True
    return False


def _digit_run_at(body: bytes, start: int, stride: int) -> int:
    """The length of the run of digits holding ``body[start : start + stride + 1]``."""
    end = start + stride + 1
    while end < len(body) and 0x30 <= body[end] <= 0x39:
        end += 1
    while start > 0 and 0x30 <= body[start - 1] <= 0x39:
        start -= 1
    return end - start


def _problem(text: str) -> Problem:
    at = _AT.match(text)
    message, path = (at["message"], at["path"]) if at else (text, "")
    steps = [name or index for name, index in _STEP.findall(path)]
    missing = _MISSING.search(message)
    if missing:
        steps.append(missing["field"])
        return Problem(tuple(steps), ErrorCode.REQUIRED, f"{_dotted(steps)}: required")
    if steps == ["measurements"] and "length" in message:
        message = f"must hold 1–{MAX_ITEMS} measurements ({message})"
    return Problem(tuple(steps) or ("body",), ErrorCode.INVALID, f"{_dotted(steps) or 'body'}: {message}")


def _dotted(steps: list[str]) -> str:
    return "".join(f"[{s}]" if s.isdigit() else (f".{s}" if i else s) for i, s in enumerate(steps))


def encode(value: Any) -> bytes:
    """JSON with exact decimals as JSON numbers (jsonb stores them as numeric)."""
    return _encoder.encode(value)
