import pytest

from app.domain.naming import (
    custom_fields_problem,
    entity_code_problem,
    identifier_code_problem,
    name_problem,
)
from tests.case_ids import case_id


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("a", True),
        ("x" * 80, True),
        ("x" * 81, False),
        ("", False),
        ("acme product", True),
        (" lead", False),
        ("trail ", False),
        ("tab\tinside", False),
        ("unicode-ü", True),
    ],
    ids=case_id,
)
def test_entity_code(code, ok):
    assert (entity_code_problem(code) is None) is ok


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("cpu", True),
        ("_x", True),
        ("$x1", True),
        ("1x", False),
        ("a-b", False),
        ("a b", False),
        ("x" * 80, True),
        ("x" * 81, False),
        ("", False),
    ],
    ids=case_id,
)
def test_identifier_code(code, ok):
    assert (identifier_code_problem(code) is None) is ok


def test_names():
    assert name_problem("Acme") is None
    assert name_problem("") is not None
    assert name_problem("n" * 201) is not None
    assert name_problem("n" * 200) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ({}, True),
        ({"tier": "gold", "seats": 5, "ratio": 1.5}, True),
        ({"flag": True}, False),
        ({"nested": {"a": 1}}, False),
        ({f"k{i}": i for i in range(100)}, True),
        ({f"k{i}": i for i in range(101)}, False),
        ([1, 2], False),
    ],
    ids=case_id,
)
def test_custom_fields(value, ok):
    assert (custom_fields_problem(value) is None) is ok
