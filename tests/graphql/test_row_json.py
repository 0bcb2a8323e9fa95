"""JSON columns of rows read for display (app.graphql.prefetch.rows) decode to exactly what
the field's own decoder gives, whichever decoder reads them."""

from __future__ import annotations

import json

import pytest

from app.graphql.prefetch.rows import _json_decoder

TEXTS = [
    '{"a": 1, "b": [1.5, "x", null, true], "c": {"d": -0.25}}',
    "[1.0, 2, 12345678901234567890123, -12345678901234567890123]",
    '{"a": 1, "a": 2}',
    '"caf\\u00e9 \\ud83d\\ude00"',
    "1E2",
    # Beyond a float's range: the fast reader refuses it, the field's decoder reads infinity.
    "[123456789" + "0" * 400 + ".5]",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_json_column_reads_as_the_fields_decoder_reads_it(text):
    convert = _json_decoder(json.loads)
    for raw in (text, text.encode()):
        got, expected = convert(raw), json.loads(raw)
        assert got == expected and repr(got) == repr(expected)


def test_a_value_already_decoded_and_a_custom_decoder_are_left_alone():
    convert = _json_decoder(json.loads)
    assert convert([1, 2]) == [1, 2]
    assert _json_decoder(lambda text: ("custom", text))("[1]") == ("custom", "[1]")
