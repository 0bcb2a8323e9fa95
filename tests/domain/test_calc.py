"""Tests for app.domain.calc: the calculation language (SEMANTICS §3.5)."""

import contextlib
import signal
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calc import CalcError, Expression, ValueType, compile_expression
from tests.case_ids import case_id

D = Decimal
N, S, B, ANY = ValueType.NUMBER, ValueType.STRING, ValueType.BOOLEAN, ValueType.ANY

NAMES = {
    "measure1": N,
    "measure2": N,
    "ts": N,
    "who": S,
    "flag": B,
    "x": ANY,
    "aggregation.a": N,
    "aggregation.b": N,
    "aggregation.c": N,
}


def ev(text, values=None):
    return compile_expression(text, NAMES).evaluate(values or {})


def error_of(text, names=NAMES):
    with pytest.raises(CalcError) as caught:
        compile_expression(text, names)
    return caught.value


# ---------------------------------------------------------------- precedence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", D(7)),
        ("(1 + 2) * 3", D(9)),
        ("7 - 2 * 3", D(1)),
        ("10 - 4 - 3", D(3)),
        ("100 / 10 / 5", D(2)),
        ("2 * 3 % 4", D(2)),
        ("2 + 3 % 4", D(5)),
        ("2 ^ 3 ^ 2", D(512)),
        ("(2 ^ 3) ^ 2", D(64)),
        ("-2 ^ 2", D(-4)),
        ("(-2) ^ 2", D(4)),
        ("2 ^ -1", D("0.5")),
        ("-2 ^ 2 * 3", D(-12)),
        ("2 * -3", D(-6)),
        ("- - 2", D(2)),
        ("+2", D(2)),
        ("1 - -1", D(2)),
        ("1 + 2 == 3", True),
        ("(1 < 2) == true", True),
        ("NOT 1 > 2", True),
        ("NOT false AND false", False),  # (NOT false) AND false
        ("NOT (false AND false)", True),
        ("true OR false AND false", True),  # true OR (false AND false)
        ("(true OR false) AND false", False),
        ("false AND true OR true", True),
        ("true ? 1 : 0 + 5", D(1)),
        ("false ? 1 : 0 + 5", D(5)),
        ("true ? false ? 1 : 2 : 3", D(2)),
        ("false ? 1 : false ? 2 : 3", D(3)),
        ("1 < 2 OR 3 < 2 ? 10 : 20", D(10)),
        ("NOT true ? 10 : 20", D(20)),
        ("1 + 2 * 3 - 4 / 2 ^ 2", D(6)),
    ],
    ids=case_id,
)
def test_precedence(text, expected):
    result = ev(text)
    assert result == expected
    assert type(result) is type(expected)


def test_compound_aggregation_divides_only_the_last_term():
    values = {"aggregation.a": D(1), "aggregation.b": D(2), "aggregation.c": D(30)}
    result = ev("aggregation.a + aggregation.b + aggregation.c / 60", values)
    assert result == D("3.5")  # 1 + 2 + (30 / 60), not (1 + 2 + 30) / 60


@pytest.mark.parametrize(
    ("measure1", "expected"), [(D(11), D(3)), (D(7), D(2)), (D(1), D(1)), (None, D(1))], ids=case_id
)
def test_ternary_chain_is_right_associative(measure1, expected):
    text = "measure1 > 10 ? 3 : measure1 > 5 ? 2 : 1"
    assert ev(text, {"measure1": measure1}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TRUE and False", False),
        ("1 < 2 && 2 < 3", True),
        ("!(1 > 2)", True),
        ("false || true", True),
        ("NULL == null", True),
        ("not false", True),
        ("1 <= 1 AND 1 >= 1 AND 1 != 2 AND 2 > 1", True),
    ],
    ids=case_id,
)
def test_keyword_synonyms_and_case(text, expected):
    assert ev(text) is expected


# ---------------------------------------------------------------- functions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Math.max(1, 5, 3)", "5"),
        ("Math.max(-1)", "-1"),
        ("Math.min(4)", "4"),
        ("Math.min(2, -7.5, 3)", "-7.5"),
        ("Math.floor(2.7)", "2"),
        ("Math.floor(-2.1)", "-3"),
        ("Math.floor(2.789, 2)", "2.78"),
        ("Math.floor(-2.781, 2)", "-2.79"),
        ("Math.ceil(2.1)", "3"),
        ("Math.ceil(-2.9)", "-2"),
        ("Math.ceil(2.781, 2)", "2.79"),
        ("Math.round(2.5)", "3"),
        ("Math.round(-2.5)", "-3"),  # HALF_UP in decimal: away from zero
        ("Math.round(2.4999)", "2"),
        ("Math.round(1.005, 2)", "1.01"),
        ("Math.round(-1.005, 2)", "-1.01"),
        ("Math.round(2.25, 1)", "2.3"),
        ("Math.round(1234.5, -2)", "1200"),
        ("Math.round(7)", "7"),
        ("Math.round(-0.4)", "0"),  # never "-0"
        ("Math.round(1.5, 3)", "1.5"),  # already fewer decimals: unchanged
        ("Math.round(1E+60)", "1E+60"),  # huge integer: no overflow
        ("Math.pow(2, 10)", "1024"),
        ("Math.pow(2, -1)", "0.5"),
        ("Math.pow(2.5, 2)", "6.25"),
        ("Math.abs(-3.5)", "3.5"),
        ("Math.abs(4)", "4"),
        ("isnull(null, 5)", "5"),
        ("isnull(3, 5)", "3"),
        ("math.MAX(1, 2)", "2"),  # function names are case-insensitive
        ("ISNULL(null, 1)", "1"),
    ],
    ids=case_id,
)
def test_numeric_functions(text, expected):
    result = ev(text)
    assert type(result) is Decimal
    assert str(result) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Math.max(1, null)",
        "Math.min(null, 1)",
        "Math.abs(null)",
        "Math.round(null)",
        "Math.round(1.5, null)",
        "Math.round(1.5, 0.5)",  # scale must be an integer
        "Math.round(1.5, 101)",  # |scale| <= 100
        "Math.floor(1.5, -1000000)",
        "Math.pow(0, 0)",
        "Math.pow(0, -1)",
        "Math.pow(-8, 0.5)",
        "Math.pow(2, 1001)",
        "Math.pow(null, 2)",
    ],
    ids=case_id,
)
def test_functions_give_null(text):
    assert ev(text) is None


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("IN(2, 1, 2, 3)", {}, True),
        ("IN(4, 1, 2)", {}, False),
        ("IN(2.0, 2)", {}, True),
        ("IN(null, 1)", {}, None),
        ("IN(1, null, 1)", {}, True),
        ("IN(5, null)", {}, False),
        ('IN(who, "a", "b")', {"who": "b"}, True),
        ('IN(who, "a", "b")', {"who": "c"}, False),
        ('IN(who, "a", "b")', {}, None),
        ("in(measure1, 1, 2)", {"measure1": D(1)}, True),
        ('isnull(who, "nobody")', {}, "nobody"),
        ('isnull(who, "nobody")', {"who": "ann"}, "ann"),
        ("isnull(measure1, 0)", {}, D(0)),
        ("isnull(1 / 0, -1)", {}, D(-1)),
    ],
    ids=case_id,
)
def test_in_and_isnull(text, values, expected):
    assert ev(text, values) == expected
    assert type(ev(text, values)) is type(expected)


# ---------------------------------------------------------------- nulls


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("measure1 + 1", {}, None),
        ("null + 1", {}, None),
        ("2 * null", {}, None),
        ("-null", {}, None),
        ("null ^ 2", {}, None),
        ("1 / 0", {}, None),
        ("0 / 0", {}, None),
        ("5 % 0", {}, None),
        ("measure1 / measure2", {"measure1": D(5), "measure2": D(0)}, None),
        ("measure1 % measure2", {"measure1": D(5), "measure2": D(0)}, None),
        ("measure1 + 1 + 2 + 3", {}, None),
        ('who + "x"', {}, None),
        ("null == null", {}, True),
        ("null != null", {}, False),
        ("measure1 == null", {}, True),
        ("null == measure1", {"measure1": D(0)}, False),
        ("measure1 != null", {"measure1": D(0)}, True),
        ("null != 1", {}, True),
        ("measure1 == 1", {}, None),
        ("measure1 == measure2", {}, None),  # only the literal null tests for null
        ("measure1 != measure2", {}, None),
        ("measure1 != 1", {}, None),
        ("measure1 > 1", {}, None),
        ("NOT (measure1 > 1)", {}, None),
        ("null AND false", {}, False),
        ("false AND null", {}, False),
        ("null AND true", {}, None),
        ("null OR true", {}, True),
        ("null OR false", {}, None),
        ("null ? 1 : 2", {}, D(2)),
        ("measure1 > 5 ? 1 : 2", {}, D(2)),
        ("flag ? 1 : 2", {"flag": None}, D(2)),
        ("flag ? 1 : 2", {"flag": True}, D(1)),
    ],
    ids=case_id,
)
def test_null_semantics(text, values, expected):
    result = ev(text, values)
    assert result == expected
    assert type(result) is type(expected)


# ---------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ('"ab" + "cd"', {}, "abcd"),
        ('"a\\"b"', {}, 'a"b'),
        ('"back\\\\slash"', {}, "back\\slash"),
        ('""', {}, ""),
        ('"héllo ✓"', {}, "héllo ✓"),
        ('who + "-" + who', {"who": "x"}, "x-x"),
        ('"b" > "a"', {}, True),
        ('"a" >= "b"', {}, False),
        ('who == "x"', {"who": "x"}, True),
        ('who != "x"', {"who": "x"}, False),
        ('who == "1"', {"who": "1"}, True),
    ],
    ids=case_id,
)
def test_strings(text, values, expected):
    assert ev(text, values) == expected


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("measure1 + foo", "unknown field 'foo'", 11),
        ("aggregation.nope / 2", "unknown field 'aggregation.nope'", 0),
        ("Math.sqrt(4)", "unknown function 'Math.sqrt'", 0),
        ("measure1(2)", "unknown function 'measure1'", 0),
        ('__import__("os")', "unknown function '__import__'", 0),
        ("1 + Math.pow(1, 2, 3)", "Math.pow takes 2 arguments, got 3", 4),
        ("Math.pow(1)", "Math.pow takes 2 arguments, got 1", 0),
        ("Math.max()", "Math.max takes at least 1 argument, got 0", 0),
        ("IN(1)", "IN takes at least 2 arguments, got 1", 0),
        ("Math.round(1, 2, 3)", "Math.round takes 1 to 2 arguments, got 3", 0),
        ("Math.abs(1, 2)", "Math.abs takes 1 argument, got 2", 0),
        ("1 + * 2", "unexpected '*'", 4),
        ("measure1 +", "unexpected end of expression", 10),
        ("(1 + 2", "expected ')'", 6),
        ("(1))", "unexpected ')'", 3),
        ("Math.max(1, 2", "expected ',' or ')'", 13),
        ("Math.max(1, )", "unexpected ')'", 12),
        ("true ? 2", "expected ':' of the conditional", 8),
        ("1 2", "unexpected '2'", 2),
        ("1.5.3", "unexpected '.3'", 3),
        ("1 < 2 < 3", "comparisons cannot be chained (combine them with AND)", 6),
        ("1 = 2", "unexpected '=' (use '==' to compare)", 2),
        ("measure1 @ 2", "unexpected character '@'", 9),
        ("'a'", 'unexpected "\'" (strings use double quotes)', 0),
        ('1 + "abc', "unterminated string", 4),
        ('"abc\\', "unterminated string", 0),
        ('"a\\nb"', "invalid escape '\\n' in string", 2),
        ("", "empty expression", 0),
        ("   ", "empty expression", 0),
        ("who * 2", "operator '*' needs NUMBER, got STRING", 0),
        ("2 * who", "operator '*' needs NUMBER, got STRING", 4),
        ('who + "a" - 1', "operator '-' needs NUMBER, got STRING", 0),
        ("measure1 + who", "operator '+' mixes NUMBER and STRING", 11),
        ("true + 1", "operator '+' needs NUMBER or STRING, got BOOLEAN", 0),
        ("1 + flag", "operator '+' needs NUMBER or STRING, got BOOLEAN", 4),
        ("-who", "unary '-' needs NUMBER, got STRING", 1),
        ("2 ^ who", "operator '^' needs NUMBER, got STRING", 4),
        ("NOT measure1", "NOT needs BOOLEAN, got NUMBER", 4),
        ("measure1 AND true", "AND needs BOOLEAN, got NUMBER", 0),
        ("true OR who", "OR needs BOOLEAN, got STRING", 8),
        ("who < 1", "operator '<' mixes STRING and NUMBER", 6),
        ("flag > true", "operator '>' needs NUMBER or STRING, got BOOLEAN", 0),
        ('measure1 == "1"', "operator '==' mixes NUMBER and STRING", 12),
        ("measure1 ? 1 : 2", "the condition of '?:' needs BOOLEAN, got NUMBER", 0),
        ('measure1 > 1 ? 1 : "a"', "'?:' mixes NUMBER and STRING", 19),
        ("Math.max(1, who)", "Math.max needs NUMBER, got STRING", 12),
        ("isnull(who, 1)", "isnull mixes STRING and NUMBER", 12),
        ('IN(measure1, 1, "a")', "IN mixes NUMBER and STRING", 16),
        ("1e999999999", "number out of range", 0),
        ("2 * 1e1001", "number out of range", 4),
        ("1e-1001", "number out of range", 0),
        ("1" * 51, "number has more than 50 significant digits", 0),
    ],
    ids=case_id,
)
def test_errors_have_message_and_position(text, message, position):
    err = error_of(text)
    assert (err.message, err.position) == (message, position)
    assert str(err) == f"{message} at position {position}"


def test_calc_error_is_an_exception_with_readable_str():
    err = CalcError("unknown field 'foo'", 12)
    assert isinstance(err, Exception)
    assert str(err) == "unknown field 'foo' at position 12"


def test_reserved_words_cannot_name_fields():
    err = error_of("and + 1", {"and": N})
    assert (err.message, err.position) == ("unexpected 'and'", 0)


# ---------------------------------------------------------------- hostile inputs


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("(" * 10000 + "1" + ")" * 10000, "expression longer than 5000 characters", 5000),
        ("-" * 10000 + "1", "expression longer than 5000 characters", 5000),
        ("1" + " " * 5000, "expression longer than 5000 characters", 5000),
        ("(" * 2000 + "1" + ")" * 2000, "expression nested more than 64 levels deep", 65),
        ("(" * 65 + "1" + ")" * 65, "expression nested more than 64 levels deep", 65),
        ("-" * 4999 + "1", "expression nested more than 64 levels deep", 65),
        ("-" * 65 + "1", "expression nested more than 64 levels deep", 65),
        ("NOT " * 1000 + "true", "expression nested more than 64 levels deep", 260),
        ("2 ^ " * 1000 + "2", "expression nested more than 64 levels deep", 260),
        ("Math.abs(" * 400 + "1" + ")" * 400, "expression nested more than 64 levels deep", 585),
        # the then-branch of the 65th conditional is the 65th level
        ("true ? 1 : " * 400 + "2", "expression nested more than 64 levels deep", 711),
    ],
    ids=case_id,
)
def test_hostile_nesting_and_length_raise_calc_error(text, message, position):
    err = error_of(text)  # a RecursionError would escape pytest.raises(CalcError)
    assert (err.message, err.position) == (message, position)


def test_nesting_limit_is_inclusive_at_64():
    assert ev("(" * 64 + "1" + ")" * 64) == D(1)
    assert ev("-" * 64 + "1") == D(1)


def test_length_limit_is_inclusive_at_5000():
    assert ev("1" + " " * 4999) == D(1)


def test_long_flat_chains_do_not_recurse():
    text = "1" + " + 1" * 1249
    assert len(text) <= 5000
    assert ev(text) == D(1250)
    assert ev("true" + " AND true" * 550) is True
    assert ev("measure1" + " * 1" * 1000, {"measure1": D(3)}) == D(3)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("10 ^ 999999999", {}),
        ("measure1 ^ measure2", {"measure1": D(10), "measure2": D(10) ** 9}),
        ("2 ^ 1001", {}),
        ("2 ^ 0.5", {}),
        ("(10 ^ 1000) ^ 1000", {}),  # beyond the exponent range
        ("measure1 * 10", {"measure1": D("1e999999999")}),
        ("measure1 * measure1", {"measure1": D("1e600000")}),
    ],
    ids=case_id,
)
def test_huge_powers_and_overflow_give_null_quickly(text, values):
    # The bound is on work, not time: unbounded, these run for hours (or exhaust memory);
    # bounded, in microseconds. The alarm only turns such a hang into a failure.
    with _hang_guard(seconds=30):
        assert ev(text, values) is None


@contextlib.contextmanager
def _hang_guard(seconds: int):
    def hung(signum, frame):  # noqa: ANN001, ARG001 - a signal handler's signature
        raise AssertionError(f"evaluation still running after {seconds} s: its work is not bounded")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_power_at_the_exponent_bound_is_computed():
    assert ev("2 ^ 1000") == Context(prec=50).power(D(2), 1000)
    assert ev("2 ^ -1000") == Context(prec=50).power(D(2), -1000)
    assert ev("1e1000 * 1") == D("1e1000")


# ---------------------------------------------------------------- exactness


def test_decimal_arithmetic_is_exact():
    assert ev("0.1 + 0.2 == 0.3") is True
    assert str(ev("0.1 + 0.2")) == "0.3"
    assert ev("12345678901234567890.123456789 * 1000000") == D("12345678901234567890123456.789")
    assert ev(".5 + 1e3") == D("1000.5")
    assert ev("1 / 3 * 3") == D("0." + "9" * 50)  # 50 significant digits


def test_results_ignore_the_callers_decimal_context():
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.traps[Inexact] = True
        assert ev("1 / 3") == D("0." + "3" * 50)
        assert ev("123456 + 1") == D(123457)


def test_no_negative_zero():
    assert str(ev("0 * -1")) == "0"
    assert str(ev("-measure1", {"measure1": D(0)})) == "0"
    assert str(ev("measure1 * measure2", {"measure1": D(0), "measure2": D(-5)})) == "0"


def test_modulo_follows_the_dividend_sign():
    assert ev("-7 % 3") == D(-1)
    assert ev("7 % -3") == D(1)
    assert ev("7.5 % 2") == D("1.5")


# ---------------------------------------------------------------- types, names


@pytest.mark.parametrize(
    ("text", "result_type", "names_used"),
    [
        ("measure1 * 2 + measure2", N, {"measure1", "measure2"}),
        ('"a" + who', S, {"who"}),
        ("measure1 > 1", B, {"measure1"}),
        ("null", ValueType.NULL, set()),
        ("x * 2", N, {"x"}),
        ("x + 1", ANY, {"x"}),
        ("isnull(measure1, 0)", N, {"measure1"}),
        ("true ? null : 1", N, set()),
        ("ts", N, {"ts"}),
        ("aggregation.a / 60 + aggregation.a", N, {"aggregation.a"}),
        ('IN(who, "a")', B, {"who"}),
        ("Math.round(measure2, 2)", N, {"measure2"}),
    ],
    ids=case_id,
)
def test_static_result_type_and_names_used(text, result_type, names_used):
    expression = compile_expression(text, NAMES)
    assert isinstance(expression, Expression)
    assert expression.text == text
    assert expression.result_type is result_type
    assert expression.names_used == frozenset(names_used)


def test_names_are_case_sensitive():
    assert error_of("Measure1 + 1").message == "unknown field 'Measure1'"


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("x * 2", 3, D(6)),  # int accepted
        ("x * 2", 1.5, D("3.0")),  # float through its repr
        ("x + 0.2", 0.1, D("0.3")),
        ("x * 2", "abc", None),  # runtime type mismatch: null
        ("x * 2", True, None),  # a boolean is not a number
        ("x * 2", float("nan"), None),
        ("x * 2", D("NaN"), None),
        ("x * 2", D("-Infinity"), None),
        ("x * 2", object(), None),
        ("x * 2", [1], None),
        ("x == 1", True, None),  # not True == Decimal(1)
        ("x ? 1 : 2", D(1), None),
        ("x AND true", "yes", None),
        ("x OR true", "yes", True),
        ("NOT x", D(0), None),
        ("-x", "a", None),
        ("x < 1", True, None),
        ("Math.abs(x)", "a", None),
        ("IN(x, 1)", "1", False),
    ],
    ids=case_id,
)
def test_runtime_values_are_normalised_and_mismatches_give_null(text, value, expected):
    result = ev(text, {"x": value})
    assert result == expected
    assert type(result) is type(expected)


def test_declared_number_passed_a_string_gives_null():
    assert ev("measure1 + 1", {"measure1": "5"}) is None


# ---------------------------------------------------------------- properties

small = st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False)
WIDE = Context(prec=200)
SUM = compile_expression("measure1 + measure2", NAMES)
PRODUCT = compile_expression("measure1 * measure2", NAMES)


@given(small, small)
def test_sum_and_product_are_exact(a, b):
    values = {"measure1": a, "measure2": b}
    assert SUM.evaluate(values) == WIDE.add(a, b)
    assert PRODUCT.evaluate(values) == WIDE.multiply(a, b)


@given(small, small)
def test_literals_round_trip_exactly(a, b):
    assert ev(f"({a}) + ({b})") == WIDE.add(a, b)
    assert ev(f"({a}) * ({b})") == WIDE.multiply(a, b)


@given(small, st.integers(min_value=0, max_value=6))
def test_round_matches_decimal_half_up(a, places):
    expected = a.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert ev(f"Math.round(measure1, {places})", {"measure1": a}) == expected


OPERAND_VALUES = st.sampled_from([D(0), D("-0"), D("2.50"), D(-3), D("1E+999999"), D("NaN"), None, "s", "", True, 7])


@settings(max_examples=300)
@given(
    st.sampled_from([("+", "-"), ("*", "/", "%")]).flatmap(
        lambda group: st.lists(st.sampled_from(group), min_size=1, max_size=4)
    ),
    st.lists(OPERAND_VALUES, min_size=5, max_size=5),
)
def test_a_flat_chain_is_the_left_fold_of_its_steps(ops, operands):
    """The evaluator's fused arithmetic closures against the definition: fold the chain
    left to right with steps.STEPS, null staying null."""
    from app.domain.calc.steps import STEPS, coerce

    text = " ".join(f"x{i} {op}" for i, op in enumerate(ops)) + f" x{len(ops)}"
    values = {f"x{i}": value for i, value in enumerate(operands)}
    result = compile_expression(text, {name: ANY for name in values}).evaluate(values)
    expected = coerce(operands[0])
    for op, value in zip(ops, operands[1:]):
        expected = None if expected is None else STEPS[op](expected, coerce(value))
    if type(expected) is Decimal and not expected:
        expected = expected.copy_abs()
    assert type(result) is type(expected) and str(result) == str(expected)


LITERALS = st.sampled_from(["0", "2.50", "3", "0.0004", "1000000000", "123456789.123456789"])


@settings(max_examples=300)
@given(
    st.sampled_from([("+", "-"), ("*", "/", "%")]).flatmap(
        lambda group: st.lists(st.sampled_from(group), min_size=1, max_size=3)
    ),
    st.lists(st.one_of(LITERALS, st.none()), min_size=4, max_size=4),
    st.lists(OPERAND_VALUES, min_size=4, max_size=4),
)
def test_a_chain_of_names_and_literals_is_the_left_fold_of_its_steps(ops, literals, operands):
    """Chains whose operands are names and number literals (the shapes the fused closures
    read inline: `x0 * 2.50`, `2.50 * x0`, `x0 / 3 * 0.0004`, `x0 + x1`) against the
    definition, for every kind of value a name may hold."""
    from app.domain.calc.steps import STEPS, coerce

    pieces = [f"x{i}" if literal is None else literal for i, literal in enumerate(literals[: len(ops) + 1])]
    text = " ".join(f"{piece} {op}" for piece, op in zip(pieces, ops)) + f" {pieces[-1]}"
    values = {f"x{i}": value for i, value in enumerate(operands)}
    folded = [coerce(value) if literal is None else Decimal(literal) for literal, value in zip(literals, operands)]
    result = compile_expression(text, {name: ANY for name in values}).evaluate(values)
    expected = folded[0]
    for op, value in zip(ops, folded[1:]):
        expected = None if expected is None else STEPS[op](expected, value)
    if type(expected) is Decimal and not expected:
        expected = expected.copy_abs()
    assert type(result) is type(expected) and str(result) == str(expected)


_PIECES = [
    *("1", "2.5", "0", "-1", "1e3", "measure1", "who", "flag", "x", "null", "true", '"s"'),
    *("+", "-", "*", "/", "%", "^", "(", ")", ")", ",", "?", ":", "==", "!=", "<", ">="),
    *("AND", "OR", "NOT", "isnull(", "IN("),
    *(f"Math.{name}(" for name in ("max", "min", "floor", "ceil", "round", "pow", "abs")),
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=25), st.sampled_from([D(0), D(-3), None, "s", True]))
def test_any_token_soup_compiles_or_raises_calc_error_and_never_crashes(pieces, value):
    try:
        expression = compile_expression(" ".join(pieces), NAMES)
    except CalcError as err:
        assert 0 <= err.position <= len(" ".join(pieces))
        return
    values = {"measure1": value, "who": value, "flag": value, "x": value}
    result = expression.evaluate(values)
    assert result is None or type(result) in (Decimal, str, bool)


@given(st.text(max_size=60))
def test_arbitrary_text_only_raises_calc_error(text):
    try:
        compile_expression(text, NAMES)
    except CalcError as err:
        assert 0 <= err.position <= len(text)
