"""Arithmetic written out as source (app.domain.calc.written) gives what the evaluator's
closure tree gives, for every expression it takes and every input."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.calc import ValueType, compile_expression
from app.domain.calc.evaluator import _compile, _folded
from app.domain.calc.parser import parse
from app.domain.calc.written import MAX_OPERATIONS, arithmetic

NAMES = {"a": ValueType.NUMBER, "b": ValueType.NUMBER, "aggregation.c": ValueType.NUMBER, "s": ValueType.ANY}
D = Decimal

literals = st.sampled_from(["0", "0.0", "1", "0.0004", "1000000000", "0.09", "3", "1e-30", "7e30", "1e999"])
operands = st.one_of(literals, st.sampled_from(["a", "b", "aggregation.c"]))


@st.composite
def expressions(draw, depth: int = 3) -> str:
    """Chains of + - * / % over names and literals, some parenthesised."""
    parts = [draw(operands if depth == 0 else st.one_of(operands, expressions(depth=depth - 1)))]
    for _ in range(draw(st.integers(1, 3))):
        parts += [draw(st.sampled_from(["+", "-", "*", "/", "%"])), draw(operands)]
    text = " ".join(parts)
    return f"({text})" if draw(st.booleans()) else text


values = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: abs(d.adjusted()) < 1500),
    st.sampled_from([D(0), D("-0"), D("0.000"), D("1e-1000"), D("9e999"), D("NaN"), D("Infinity")]),
    st.integers(-(10**30), 10**30),
    st.sampled_from([None, "text", True, 1.5]),
)


def both(text: str, inputs: dict) -> tuple[object, object]:
    tree = parse(text)
    general = _compile(tree)[0]
    written = arithmetic(tree, general, _folded)
    return (written or general)(inputs), general(inputs)


def same(left: object, right: object) -> bool:
    """Equal, and the same representation (a stored number keeps its exponent)."""
    return type(left) is type(right) and repr(left) == repr(right)


@settings(max_examples=400)
@given(expressions(), st.dictionaries(st.sampled_from(["a", "b", "aggregation.c"]), values))
@example("a / b", {"a": D(1), "b": D(0)})
@example("a * 1e999 * 1e999", {"a": D(10)})
@example("(1 / 0) + a", {"a": D(1)})
@example("a - a", {"a": D("-0.0")})
def test_written_arithmetic_gives_what_the_closures_give(text, inputs):
    written, general = both(text, inputs)
    assert same(written, general), (text, inputs, written, general)


def test_the_ingest_benchmark_calculation_is_written_out():
    text = "requests * 0.0004 + bytes / 1000000000 * 0.09"
    tree = parse(text)
    assert arithmetic(tree, _compile(tree)[0], _folded) is not None
    expression = compile_expression(text, {"requests": ValueType.NUMBER, "bytes": ValueType.NUMBER})
    assert expression.evaluate({"requests": D(2), "bytes": D("1000.0")}) == D("0.00080009")
    assert expression.evaluate({"requests": D(2)}) is None  # bytes absent: null
    assert expression.evaluate({"requests": D(2), "bytes": "1000"}) is None  # not a number: null


def test_what_is_not_arithmetic_stays_with_the_closures():
    for text in ["a", "a > b", "-a + b", "a ^ 2 + b", 's + "x"', "ISNULL(a, 0) + b", "(1 / 0) + a", "1 + 2"]:
        tree = parse(text)
        assert arithmetic(tree, _compile(tree)[0], _folded) is None, text


def test_a_chain_too_long_to_write_out_stays_with_the_closures():
    short, long = (" + ".join(["a"] * (count + 1)) for count in (MAX_OPERATIONS, MAX_OPERATIONS + 1))
    assert arithmetic(parse(short), _compile(parse(short))[0], _folded) is not None
    assert arithmetic(parse(long), _compile(parse(long))[0], _folded) is None
    assert compile_expression(long, NAMES).evaluate({"a": D(1)}) == D(MAX_OPERATIONS + 2)


def test_field_codes_are_values_not_source():
    """A name is looked up by its key: nothing a tenant typed is compiled."""
    tree = parse("aggregation.c * 2 + a")
    written = arithmetic(tree, _compile(tree)[0], _folded)
    assert written is not None
    assert written({"aggregation.c": D(3), "a": D(1)}) == D(7)


def test_expressions_of_one_shape_share_compiled_code_and_keep_their_own_values():
    """The source depends on the shape only; names and literals stay each expression's own."""
    first, second = parse("a * 2 + b"), parse("aggregation.c * 5 + a")
    one = arithmetic(first, _compile(first)[0], _folded)
    other = arithmetic(second, _compile(second)[0], _folded)
    assert one is not None and other is not None
    assert one.__code__ is other.__code__
    inputs = {"a": D(1), "b": D(10), "aggregation.c": D(100)}
    assert (one(inputs), other(inputs)) == (D(12), D(501))
