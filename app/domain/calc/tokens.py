"""Tokenizer: expression text to a list of tokens ending with an EOF token.

Concepts
- ``NUMBER``: a decimal literal (``1``, ``2.5``, ``.5``, ``1e3``); value is a
  ``Decimal``. A sign is never part of a literal: ``-1`` is unary minus.
- ``STRING``: a double-quoted literal; ``\\"`` and ``\\\\`` are the only
  escapes. The value is the unescaped text.
- ``NAME``: ``[A-Za-z_$][A-Za-z0-9_$]*`` segments joined by dots, so
  ``aggregation.cpu`` and ``Math.max`` are single tokens.
- ``LITERAL``: ``true``, ``false``, ``null`` (any letter case); value is
  ``True``, ``False`` or ``None``.
- ``OP``: operators and punctuation. Synonyms are normalised so the parser
  sees one spelling: ``and``/``&&`` -> ``AND``, ``or``/``||`` -> ``OR``,
  ``not``/``!`` -> ``NOT``.

Invariants
- Each token has ``pos`` (0-based offset of its first character) and ``end``.
- The scan is linear in the text length (no backtracking regex).
- A number literal has at most ``PRECISION`` significant digits and an
  adjusted exponent within ``MAX_LITERAL_EXPONENT``, so no literal can feed a
  huge computation.
- The words and/or/not/true/false/null are reserved: they cannot name fields.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from .core import MAX_LITERAL_EXPONENT, PRECISION, CalcError

__all__ = ["Token", "tokenize", "NUMBER", "STRING", "NAME", "LITERAL", "OP", "EOF"]

NUMBER, STRING, NAME, LITERAL, OP, EOF = "number", "string", "name", "literal", "op", "eof"


class Token(NamedTuple):
    kind: str
    value: object
    pos: int
    end: int


_SCANNER = re.compile(
    r"""
      (?P<space>[ \t\r\n]+)
    | (?P<number>(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)
    | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%^<>!?:(),])
    | (?P<quote>")
    """,
    re.VERBOSE,
)
_STRING_STOP = re.compile(r'["\\]')

_WORDS: dict[str, tuple[str, object]] = {
    "and": (OP, "AND"),
    "or": (OP, "OR"),
    "not": (OP, "NOT"),
    "true": (LITERAL, True),
    "false": (LITERAL, False),
    "null": (LITERAL, None),
}
_SYMBOL_SYNONYMS = {"&&": "AND", "||": "OR", "!": "NOT"}

# Characters users plausibly type from other languages get a pointed hint.
_HINTS = {
    "=": "unexpected '=' (use '==' to compare)",
    "&": "unexpected '&' (use '&&' or AND)",
    "|": "unexpected '|' (use '||' or OR)",
    "'": 'unexpected "\'" (strings use double quotes)',
}


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raises CalcError at the first bad character."""
    tokens: list[Token] = []
    pos, size = 0, len(text)
    while pos < size:
        match = _SCANNER.match(text, pos)
        if match is None:
            char = text[pos]
            raise CalcError(_HINTS.get(char, f"unexpected character {char!r}"), pos)
        kind, end = match.lastgroup, match.end()
        if kind == "quote":
            value, end = _scan_string(text, pos)
            tokens.append(Token(STRING, value, pos, end))
        elif kind == "number":
            tokens.append(Token(NUMBER, _number(match.group(), pos), pos, end))
        elif kind == "name":
            tokens.append(_word(match.group(), pos, end))
        elif kind == "op":
            op = match.group()
            tokens.append(Token(OP, _SYMBOL_SYNONYMS.get(op, op), pos, end))
        pos = end
    tokens.append(Token(EOF, None, size, size))
    return tokens


def _word(word: str, pos: int, end: int) -> Token:
    kind, value = _WORDS.get(word.lower(), (NAME, word))
    return Token(kind, value, pos, end)


def _number(literal: str, pos: int) -> Decimal:
    try:
        value = Decimal(literal)
    except ArithmeticError:  # an exponent too large even to represent
        raise CalcError("number out of range", pos) from None
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(digits) > PRECISION:
        raise CalcError(f"number has more than {PRECISION} significant digits", pos)
    if abs(value.adjusted()) > MAX_LITERAL_EXPONENT:
        raise CalcError("number out of range", pos)
    return value


def _scan_string(text: str, start: int) -> tuple[str, int]:
    """Unescape the string literal whose opening quote is at ``start``."""
    parts: list[str] = []
    pos = start + 1
    while True:
        stop = _STRING_STOP.search(text, pos)
        if stop is None:
            raise CalcError("unterminated string", start)
        at = stop.start()
        parts.append(text[pos:at])
        if text[at] == '"':
            return "".join(parts), at + 1
        escaped = text[at + 1 : at + 2]
        if not escaped:
            raise CalcError("unterminated string", start)
        if escaped not in ('"', "\\"):
            raise CalcError(f"invalid escape '\\{escaped}' in string", at)
        parts.append(escaped)
        pos = at + 2
