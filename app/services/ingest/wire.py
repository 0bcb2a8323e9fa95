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
_encoder = msgspec.json.Encoder(decimal_format="number")
_AT = re.compile(r"^(?P<message>.*) - at `\$(?P<path>[^`]*)`$")
_MISSING = re.compile(r"missing required field `(?P<field>[^`]+)`")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def decode_batch(body: bytes) -> list[MeasurementIn]:
    """The measurements of a request body; raises InputErrors naming index and field."""
    try:
        try:
            return _decoder.decode(body).measurements
        except ArithmeticError:
            return _tolerant_decoder.decode(body).measurements
    except msgspec.ValidationError as exc:
        raise InputErrors([_problem(str(exc))]) from None
    except msgspec.DecodeError as exc:
        raise InputErrors([Problem(("body",), ErrorCode.INVALID, f"malformed JSON: {exc}")]) from None
    except RecursionError:
        # msgspec recurses per nesting level: a section value nested a few thousand
        # levels deep (well within the size limit) must be a 400, not a server error.
        raise InputErrors([Problem(("body",), ErrorCode.INVALID, "malformed JSON: nested too deeply")]) from None


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
