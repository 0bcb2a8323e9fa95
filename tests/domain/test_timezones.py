from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.timezones import DEFAULT_TIMEZONE, local_date, local_midnight, parse_timezone
from tests.case_ids import case_id

UTC = UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- parse_timezone --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Europe/Berlin", "America/Santiago", "Asia/Kolkata", "Etc/GMT+5", "Pacific/Apia"], ids=case_id
)
def test_iana_names_resolve_to_zoneinfo(name):
    tz = parse_timezone(name)
    assert isinstance(tz, ZoneInfo)
    assert tz.key == name


def test_iana_zone_has_its_rules():
    tz = parse_timezone("Europe/Berlin")
    assert utc(2024, 1, 15).astimezone(tz).utcoffset() == timedelta(hours=1)
    assert utc(2024, 7, 15).astimezone(tz).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("UTC", timedelta(0)),
        ("GMT", timedelta(0)),
        ("utc", timedelta(0)),
        ("UTC+1:00", timedelta(hours=1)),
        ("UTC+01:00", timedelta(hours=1)),
        ("UTC+1", timedelta(hours=1)),
        ("+05:30", timedelta(hours=5, minutes=30)),
        ("+0530", timedelta(hours=5, minutes=30)),
        ("-0530", timedelta(hours=-5, minutes=-30)),
        ("UTC-5", timedelta(hours=-5)),
        ("-03", timedelta(hours=-3)),
        ("+01:00", timedelta(hours=1)),
        ("GMT+5:45", timedelta(hours=5, minutes=45)),
        # GMT+5 is ahead of UTC (ISO sense), unlike the POSIX-inverted IANA Etc/GMT+5.
        ("GMT+5", timedelta(hours=5)),
        ("UTC+14:00", timedelta(hours=14)),
        ("UTC-14", timedelta(hours=-14)),
        ("+00:00", timedelta(0)),
        ("-00:00", timedelta(0)),
    ],
    ids=case_id,
)
def test_fixed_offsets(text, offset):
    tz = parse_timezone(text)
    assert tz.utcoffset(datetime(2024, 1, 1)) == offset
    assert tz.utcoffset(datetime(2024, 7, 1)) == offset


def test_default_timezone_is_utc():
    assert DEFAULT_TIMEZONE == "UTC"
    assert parse_timezone(DEFAULT_TIMEZONE).utcoffset(datetime(2024, 7, 1)) == timedelta(0)


def test_posix_etc_zone_keeps_its_inverted_sign():
    assert parse_timezone("Etc/GMT+5").utcoffset(datetime(2024, 1, 1)) == timedelta(hours=-5)


def test_unknown_zone_message():
    with pytest.raises(ValueError, match=r"unknown timezone 'Mars/Olympus'"):
        parse_timezone("Mars/Olympus")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mars/Olympus",
        "europe/berlin",  # names are case-sensitive; accepting this would depend on the OS
        "Europe/Berlin/",
        " Europe/Berlin",
        "Europe/Berlin ",
        "../etc/passwd",
        "Europe/../Etc/UTC",
        "/etc/localtime",
        "/usr/share/zoneinfo/Europe/Berlin",
        "localtime",  # this machine's own zone, not a portable setting
        "America",  # a directory of the tz database
        "zone.tab",  # data files, not zones
        "leapseconds",
        "right/Europe/Berlin",  # counts leap seconds, wrong for datetime arithmetic
        "Europe\x00Berlin",
        "x" * 5000,
        "UTC+14:01",
        "+15",
        "-15:00",
        "UTC+1:60",
        "+05:75",
        "+530",
        "+1:5",
        "UTC+",
        "UTC 1",
        "5",
        "0100",
        "UTC+1:00:00",
        "+\u0660\u0665:\u0663\u0660",  # Arabic-Indic digits
    ],
    ids=case_id,
)
def test_bad_timezones_rejected(text):
    with pytest.raises(ValueError):
        parse_timezone(text)


@pytest.mark.parametrize("value", [None, 5, b"UTC"], ids=case_id)
def test_non_string_rejected(value):
    with pytest.raises(ValueError):
        parse_timezone(value)


@given(st.text(max_size=40))
def test_any_text_gives_tzinfo_or_value_error(text):
    try:
        tz = parse_timezone(text)
    except ValueError:
        return
    offset = datetime(2024, 1, 1, tzinfo=tz).utcoffset()
    assert abs(offset) <= timedelta(hours=14)


# --- local_midnight --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("UTC", date(2024, 3, 1), utc(2024, 3, 1)),
        ("Europe/Berlin", date(2024, 3, 1), utc(2024, 2, 29, 23)),
        ("Europe/Berlin", date(2024, 4, 1), utc(2024, 3, 31, 22)),
        ("Europe/Berlin", date(2024, 3, 31), utc(2024, 3, 30, 23)),  # DST starts at 02:00
        ("UTC+05:30", date(2024, 1, 1), utc(2023, 12, 31, 18, 30)),
        ("UTC-5", date(2024, 1, 1), utc(2024, 1, 1, 5)),
        # Gaps at midnight: the day begins at the first valid instant, 01:00 local.
        ("America/Santiago", date(2024, 9, 8), utc(2024, 9, 8, 4)),
        ("America/Havana", date(2024, 3, 10), utc(2024, 3, 10, 5)),
        ("Asia/Beirut", date(2024, 3, 31), utc(2024, 3, 30, 22)),
        # Gap 23:30 -> 00:30: the day begins at 00:30 EDT, the transition itself.
        ("America/Toronto", date(1919, 3, 31), utc(1919, 3, 31, 4, 30)),
        # Fold 01:00 -> 00:00 within the same date: the first midnight.
        ("America/Havana", date(2024, 11, 3), utc(2024, 11, 3, 4)),
        # Fold 00:01 -> 23:01 of the previous date: the second midnight.
        ("America/Goose_Bay", date(1987, 10, 25), utc(1987, 10, 25, 4)),
        # Samoa skipped 2011-12-30: it starts and ends at the instant 2011-12-31 starts.
        ("Pacific/Apia", date(2011, 12, 30), utc(2011, 12, 30, 10)),
        ("Pacific/Apia", date(2011, 12, 31), utc(2011, 12, 30, 10)),
    ],
    ids=case_id,
)
def test_local_midnight(zone, day, expected):
    result = local_midnight(day, parse_timezone(zone))
    assert result == expected
    assert result.tzinfo is UTC


def test_berlin_march_2024_is_30_days_23_hours():
    tz = parse_timezone("Europe/Berlin")
    length = local_midnight(date(2024, 4, 1), tz) - local_midnight(date(2024, 3, 1), tz)
    assert length == timedelta(days=30, hours=23)


@pytest.mark.parametrize(
    ("zone", "instant", "expected"),
    [
        ("Europe/Berlin", utc(2024, 3, 31, 21, 59), date(2024, 3, 31)),
        ("Europe/Berlin", utc(2024, 3, 31, 22, 0), date(2024, 4, 1)),
        ("UTC", utc(2024, 3, 31, 22, 0), date(2024, 3, 31)),
        ("UTC-5", utc(2024, 1, 1, 4, 59), date(2023, 12, 31)),
        ("UTC-5", utc(2024, 1, 1, 5, 0), date(2024, 1, 1)),
        ("+05:30", utc(2023, 12, 31, 18, 30), date(2024, 1, 1)),
        ("America/Santiago", utc(2024, 9, 8, 3, 59), date(2024, 9, 7)),
        ("America/Goose_Bay", utc(1987, 10, 25, 3, 30), date(1987, 10, 24)),
        (
            "UTC",
            datetime(2024, 1, 1, 0, 30, tzinfo=parse_timezone("+01:00")),
            date(2023, 12, 31),
        ),
    ],
    ids=case_id,
)
def test_local_date(zone, instant, expected):
    assert local_date(instant, parse_timezone(zone)) == expected


def test_local_date_rejects_naive_instants():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2024, 1, 1), UTC)


TRICKY_ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "America/Goose_Bay",
    "America/Toronto",
    "Pacific/Apia",
    "Australia/Lord_Howe",  # 30-minute DST
    "Asia/Kathmandu",
    "UTC-09:30",
]
instants = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2060, 1, 1)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)


@given(st.sampled_from(TRICKY_ZONES), instants, st.integers(-2, 2))
def test_local_midnight_agrees_with_local_date(zone, instant, shift):
    """local_date(t) >= d  <=>  t >= local_midnight(d): boundaries and dates agree."""
    tz = parse_timezone(zone)
    day = local_date(instant, tz) + timedelta(days=shift)
    assert (local_date(instant, tz) >= day) == (instant >= local_midnight(day, tz))


@given(st.sampled_from(TRICKY_ZONES), st.dates(date(1900, 1, 2), date(2060, 1, 1)))
def test_local_midnight_is_non_decreasing_and_starts_its_day(zone, day):
    tz = parse_timezone(zone)
    midnight = local_midnight(day, tz)
    assert midnight <= local_midnight(day + timedelta(days=1), tz)
    assert local_date(midnight - timedelta(microseconds=1), tz) < day
    assert local_date(midnight, tz) >= day
