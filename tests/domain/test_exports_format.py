"""Export cells, rows and filters (SEMANTICS §15.1): exact bytes, the formula guard,
bounded filters."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.domain.exports.cells import csv_cell, json_line
from app.domain.exports.filters import ExportFilters, parse_filters
from app.domain.exports.formats import ExportKind, csv_row
from app.domain.exports.periods import calendar_bounds
from app.domain.problems import InputErrors
from app.domain.timezones import parse_timezone


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-abc", "'-abc"),
        ("@me", "'@me"),
        (Decimal("-5"), "-5"),  # numbers are never guarded
        (-5, "-5"),
        (Decimal("1E+3"), "1000"),  # plain digits, no exponent
        (Decimal("0.000001"), "0.000001"),
        (Decimal("-0"), "0"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\r\nlines", '"two\r\nlines"'),
        ("=a,b", '"\'=a,b"'),
        (None, ""),
        (True, "true"),
        (date(2024, 10, 3), "2024-10-03"),
        (datetime(2024, 10, 3, 2, 0, tzinfo=timezone(timedelta(hours=2))), "2024-10-03T00:00:00Z"),
        ({"region": "-eu"}, '"{""region"":""-eu""}"'),
    ],
)
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


def test_csv_row_is_crlf_utf8_without_bom():
    assert csv_row(["Zürich", Decimal("1.50"), None]) == "Zürich,1.50,\r\n".encode()


def test_json_line_keeps_decimals_exact_and_instants_in_utc():
    line = json_line(
        {"q": Decimal("1.10"), "ts": datetime(2024, 10, 3, tzinfo=UTC), "n": 2, "x": None, "s": "=1", "é": "ü"}
    )
    assert line == '{"q":"1.10","ts":"2024-10-03T00:00:00Z","n":2,"x":null,"s":"=1","é":"ü"}\n'


def test_filters_parse_and_bound():
    account = uuid.uuid4()
    parsed = parse_filters(
        ExportKind.USAGE, {"from": "2024-10-01", "to": "2024-11-01T00:00:00Z", "accountIds": f"{account},{account}"}
    )
    assert parsed == ExportFilters(
        start=date(2024, 10, 1), end=datetime(2024, 11, 1, tzinfo=UTC), account_ids=(account,)
    )


@pytest.mark.parametrize(
    ("kind", "params", "path"),
    [
        (ExportKind.BILLS, {"meterIds": str(uuid.uuid4())}, "meterIds"),
        (ExportKind.BILLS, {"from": "2024-10-01T00:00:00Z"}, "from"),
        (ExportKind.BILLS, {"status": "DONE"}, "status"),
        (ExportKind.BILLS, {"locked": "yes"}, "locked"),
        (ExportKind.BILLS, {"from": "2024-10-02", "to": "2024-10-01"}, "to"),
        (ExportKind.MEASUREMENTS, {"accountIds": "nope"}, "accountIds"),
        (ExportKind.MEASUREMENTS, {"accountIds": ",".join(str(uuid.uuid4()) for _ in range(1001))}, "accountIds"),
        (ExportKind.MEASUREMENTS, {"from": "2024-10-01T00:00:00"}, "from"),  # no offset
        (ExportKind.MEASUREMENTS, {"accountIds": f"{uuid.uuid4()}, {uuid.uuid4()}"}, "accountIds"),  # no spaces
        (ExportKind.MEASUREMENTS, {"accountIds": f"{uuid.uuid4()},"}, "accountIds"),
        (ExportKind.MEASUREMENTS, {"from": "2024-10-01 00:00:00+00:00"}, "from"),  # RFC 3339 only
        (ExportKind.MEASUREMENTS, {"from": "2024-10-01T00:00+00:00"}, "from"),
        (ExportKind.MEASUREMENTS, {"from": ""}, "from"),
        (ExportKind.MEASUREMENTS, {"to": "2024-02-30"}, "to"),
        (ExportKind.USAGE, {"from": "2024-10-01"}, "to"),
        (ExportKind.USAGE, {"from": "2024-10-01", "to": "2024-11-01", "granularity": "WEEK"}, "granularity"),
        # Outside the dates billing computes with (app.domain.date_range); each was a 500:
        # year 0 in UTC reached the driver, a usage export's periods stepped into year 10000.
        (ExportKind.MEASUREMENTS, {"from": "0001-01-01T00:00:00+14:00"}, "from"),
        (ExportKind.MEASUREMENTS, {"to": "9999-12-31T23:59:59-12:00"}, "to"),
        (ExportKind.MEASUREMENTS, {"from": "1899-12-31T23:59:59.999999Z"}, "from"),
        (ExportKind.MEASUREMENTS, {"to": "2999-12-31T23:00:00-01:00"}, "to"),  # 3000-01-01 in UTC
        (ExportKind.USAGE, {"from": "2024-10-01", "to": "9999-12-31"}, "to"),
        (ExportKind.USAGE, {"from": "1899-12-31", "to": "2024-11-01"}, "from"),
        (ExportKind.BILLS, {"to": "3000-01-01"}, "to"),
    ],
)
def test_bad_filters_name_the_parameter(kind, params, path):
    with pytest.raises(InputErrors) as caught:
        parse_filters(kind, params)
    assert [p.path for p in caught.value.problems] == [(path,)]


def test_the_bounds_of_the_date_range_are_accepted():
    parsed = parse_filters(ExportKind.USAGE, {"from": "1900-01-01", "to": "2999-12-31T23:59:59.999999Z"})
    assert (parsed.start, parsed.end) == (date(1900, 1, 1), datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    parsed = parse_filters(ExportKind.MEASUREMENTS, {"from": "1900-01-01T01:00:00+01:00", "to": "2999-12-31"})
    assert parsed.start == datetime(1900, 1, 1, tzinfo=UTC)


def test_rfc3339_instants_in_either_case():
    parsed = parse_filters(
        ExportKind.MEASUREMENTS, {"from": "2024-10-01t00:00:00.5z", "to": "2024-10-02T02:00:00+02:00"}
    )
    assert parsed.start == datetime(2024, 10, 1, 0, 0, 0, 500000, tzinfo=UTC)
    assert parsed.end == datetime(2024, 10, 2, tzinfo=UTC)


def test_days_begin_at_local_midnight_across_a_clock_change():
    berlin = parse_timezone("Europe/Berlin")
    start, end = datetime(2024, 10, 26, 22, tzinfo=UTC), datetime(2024, 10, 28, 23, tzinfo=UTC)
    bounds = calendar_bounds(start, end, "DAY", berlin)
    # 27 October has 25 hours in Berlin.
    assert bounds == [start, datetime(2024, 10, 27, 23, tzinfo=UTC), end]
