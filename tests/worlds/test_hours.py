"""The one clock-time type and parsers (worlds.hours)."""

import datetime as dt

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from worlds.hours import CLOCK_PATTERN, ClockTime, format_clock, parse_clock, parse_clock_time

CLOCK = TypeAdapter(ClockTime)


@pytest.mark.parametrize("value", ["00:00", "07:30", "19:59", "23:59"])
def test_clock_time_accepts_canonical_times(value):
    assert CLOCK.validate_python(value) == value
    assert CLOCK.validate_json(f'"{value}"') == value


@pytest.mark.parametrize("value", ["24:00", "7:30", "12:60", "07:30 ", "07:30\n", "seven"])
def test_clock_time_refuses_the_rest_naming_the_format(value):
    with pytest.raises(ValidationError, match="is not a time of day; expected a time 'HH:MM'"):
        CLOCK.validate_python(value)


def test_clock_time_reads_unquoted_yaml_times():
    # YAML 1.1 reads an unquoted 6:45 as 405 (sexagesimal minutes).
    assert CLOCK.validate_python(405) == "06:45"
    for bad in (1440, -1, True):
        with pytest.raises(ValidationError):
            CLOCK.validate_python(bad)


def test_clock_time_json_schema_is_the_hh_mm_pattern():
    class Out(BaseModel):
        at: ClockTime
        maybe: ClockTime | None = None

    schema = Out.model_json_schema()
    assert schema["properties"]["at"] == {"type": "string", "pattern": CLOCK_PATTERN, "title": "At"}
    assert {"type": "string", "pattern": CLOCK_PATTERN} in schema["properties"]["maybe"]["anyOf"]


def test_parse_clock_time_is_lenient_but_refuses_24_00():
    assert parse_clock_time("07:30") == dt.time(7, 30)
    assert parse_clock_time(" 7:05 ") == dt.time(7, 5)
    for bad in ("24:00", "25:99", "12:60", "noon", ""):
        with pytest.raises(ValueError, match=f"{bad!r} is not a time of day"):
            parse_clock_time(bad)


def test_parse_clock_allows_24_00_for_opening_hours():
    assert parse_clock("24:00") == 1440
    with pytest.raises(ValueError, match="from 00:00 to 24:00"):
        parse_clock("24:01")


def test_format_clock_wraps_around_the_day():
    assert [format_clock(m) for m in (0, 405, 1439, 1440 + 30, -30)] == [
        "00:00",
        "06:45",
        "23:59",
        "00:30",
        "23:30",
    ]
