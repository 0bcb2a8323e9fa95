"""The accept path's check (`count_measurements`, which decodes the shape only) against the
worker's decoding (`decode_batch`): on any body, the same count or the same refusal with
the same messages. A body the first accepts and the second refuses would be acknowledged
and then fail on every attempt, so the bodies below go after every difference between
parsing a section and skipping it: non-ASCII and invalid UTF-8, escapes, numbers
(exponents no Decimal holds, huge integers), nesting around the recursion limit, and
random damage to well-formed bodies."""

from __future__ import annotations

import json
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.services.errors import InputErrors
from app.services.ingest.wire import _long_digit_run, count_measurements, decode_batch

ITEM = '{"meter":"m","account":"a","ts":"2026-01-01T00:00:00Z"%s}'


def verdict(decode, body: bytes) -> tuple[str, object]:
    try:
        return ("count", decode(body))
    except InputErrors as refused:
        return ("refused", [(p.path, p.code, p.message) for p in refused.problems])


def assert_same(body: bytes) -> None:
    assert verdict(count_measurements, body) == verdict(lambda b: len(decode_batch(b)), body)


def body_of(*items: str) -> bytes:
    return ('{"measurements":[' + ",".join(items) + "]}").encode("utf-8", "surrogatepass")


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(-(10**60), 10**60),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=6),
        st.sampled_from(["eu-west-1", "ü", "\u20ac", "\x00", "\ud834\udd1e"]),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12,
)
SECTIONS = ["who", "what", "where", "other", "metadata", "measure", "income", "cost"]
items = st.fixed_dictionaries(
    {"meter": st.sampled_from(["m", 7]), "account": st.just("a"), "ts": st.sampled_from(["2026-01-01T00:00:00Z", "x"])},
    optional={
        "uid": st.one_of(st.text(max_size=5), st.none(), st.integers()),
        "ets": st.sampled_from([None, "2026-01-01T00:00:00+02:00", "later"]),
        **{
            section: st.one_of(st.dictionaries(st.text(max_size=4), json_values, max_size=3), json_values)
            for section in SECTIONS
        },
    },
)


@settings(max_examples=400, deadline=None)
@given(st.lists(items, min_size=0, max_size=4), st.booleans())
def test_the_same_verdict_on_bodies_of_any_shape(measurements, ascii_only):
    assert_same(json.dumps({"measurements": measurements}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"))


@settings(max_examples=400, deadline=None)
@given(st.lists(items, min_size=1, max_size=2), st.data())
def test_the_same_verdict_on_damaged_bodies(measurements, data):
    body = bytearray(json.dumps({"measurements": measurements}).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(body) - 1))
        damage = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        byte = data.draw(st.sampled_from(b'{}[]":,\\eE.-+0123456789u\xff\xc3\x00 tfn'))
        if damage == "flip":
            body[at] = byte
        elif damage == "drop":
            del body[at]
        else:
            body.insert(at, byte)
    assert_same(bytes(body))


@given(st.sampled_from(["1.5e-99999999999999999999", "1e999999999999999999999", "-1E+99999999999999999999"]))
@example("1" * 5000)
@example("1." + "0" * 5000 + "1")
def test_the_same_verdict_on_numbers_no_machine_type_holds(number):
    assert_same(body_of(ITEM % f',"measure":{{"x":{number}}}', ITEM % ',"who":{"a":"b"}'))


def test_the_same_verdict_on_strings_and_escapes():
    for value in [
        '"\\uZZZZ"',
        '"\\q"',
        '"\\udc00"',
        '"\\ud800\\u0041"',
        '"\\ud800\\udc00"',
        '"\\u0000"',
        '"\t"',
        '"\\t"',
        '"\\/"',
        '"ü"',
        '"\udc80"',  # a lone surrogate, as bytes: not UTF-8
        "tru",
        "01",
        "1.",
        "-",
        "NaN",
    ]:
        assert_same(body_of(ITEM % (',"who":{"a":' + value + "}")))
    assert_same(b'{"measurements":[' + (ITEM % ',"who":{"a":"\xff"}').encode("latin-1") + b"]}")


def test_the_same_verdict_at_every_depth_near_the_recursion_limit():
    for depth in [*range(1, 30), *range(900, 1010), 5000]:
        for opener, inner, closer in (("[", "", "]"), ('{"a":', "1", "}")):
            nested = opener * depth + inner + closer * depth
            assert_same(body_of(ITEM % (',"measure":{"x":' + nested + "}")))


def _has_long_digit_run(body: bytes) -> bool:
    """The plain statement of `_long_digit_run`: every digit read."""
    longest = sys.get_int_max_str_digits()
    return longest > 0 and b"0" * (longest + 1) in body.translate(bytes.maketrans(b"123456789", b"000000000"))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([b"x", b'":', b",", b"9"]),
            st.integers(0, 9000),
            st.sampled_from([0, 1, 2, 2149, 2150, 2151, 4299, 4300, 4301, 4302, 8601, 8602]),
        ),
        max_size=4,
    )
)
@example([(b"x", 0, 4301)])  # a run alone, the whole body
@example([(b"x", 2149, 4301), (b"x", 0, 0)])  # a run starting just before a sampled byte
@example([(b"x", 2151, 4300)])  # one digit short
def test_the_long_digit_run_check_reads_what_every_digit_says(pieces):
    """Each piece: some filler, then a run of that many digits."""
    body = b"".join(filler * size + b"7" * run for filler, size, run in pieces)
    assert _long_digit_run(body) == _has_long_digit_run(body)


def test_a_run_just_long_enough_is_found_at_every_offset():
    """Wherever it starts against the sampled bytes, a run of one digit more than Python
    converts is found, and a run one digit shorter is not."""
    longest = sys.get_int_max_str_digits()
    for offset in range(longest + 3):
        for run, found in ((longest + 1, True), (longest, False)):
            body = b"x" * offset + b"7" * run + b"x"
            assert _long_digit_run(body) is found, (offset, run)
