"""Clock times ("07:30") and daily opening hours ("08:00-18:00", "17:00-01:00")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

_TIME = re.compile(r"^(\d{1,2}):([0-5]\d)$")
HOURS_EXAMPLE = (
    "'08:00-18:00' (several ranges: '07:00-11:00, 17:00-23:00'; overnight: '18:00-02:00')"
)


def parse_clock(text: str) -> int:
    """Parse ``"HH:MM"`` into minutes after midnight (``"24:00"`` gives 1440).

    Raises:
        ValueError: With the expected format, if the text is not a clock time.
    """
    match = _TIME.match(text.strip())
    hour = int(match.group(1)) if match else 99
    if not match or hour > 24 or (hour == 24 and match.group(2) != "00"):
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and 24:00, got {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """Parse opening hours into ``((start_minute, end_minute), ...)``.

    A range whose end is before its start runs past midnight (``"17:00-01:00"``).

    Raises:
        ValueError: Naming the expected format.
    """
    ranges = []
    for part in text.split(","):
        pieces = part.strip().split("-")
        try:
            if len(pieces) != 2:
                raise ValueError
            start, end = parse_clock(pieces[0]), parse_clock(pieces[1])
        except ValueError:
            raise ValueError(f"expected opening hours like {HOURS_EXAMPLE}, got {text!r}") from None
        if start == end or start == 1440:
            raise ValueError(
                f"opening hours range {part.strip()!r} is empty; expected {HOURS_EXAMPLE}"
            )
        ranges.append((start, end))
    return tuple(ranges)


def minute_of_day(at: dt.time | dt.datetime | int) -> int:
    """Minutes after midnight of a time, a datetime, or an int (taken modulo a day)."""
    if isinstance(at, dt.datetime):
        at = at.time()
    if isinstance(at, dt.time):
        return at.hour * 60 + at.minute
    return int(at) % 1440


def is_open(hours: str | None, at: dt.time | dt.datetime | int) -> bool:
    """Whether a place with these opening hours is open at ``at`` (``None`` = always open)."""
    if hours is None:
        return True
    minute = minute_of_day(at)
    for start, end in parse_hours(hours):
        if start < end and start <= minute < end:
            return True
        if start > end and (minute >= start or minute < end):
            return True
    return False


def _check_clock(text: str) -> str:
    minutes = parse_clock(text)
    if minutes == 1440:
        raise ValueError(f"expected a time 'HH:MM' between 00:00 and 23:59, got {text!r}")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _from_sexagesimal(value: Any) -> Any:
    """YAML 1.1 reads an unquoted ``22:00`` as the number 1320; turn it back into ``"22:00"``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1440:
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


def _check_hours(text: str) -> str:
    parse_hours(text)
    return ", ".join(part.strip() for part in text.split(","))


ClockTime = Annotated[str, BeforeValidator(_from_sexagesimal), AfterValidator(_check_clock)]
"""A validated ``"HH:MM"`` string (00:00-23:59)."""

OpeningHours = Annotated[str, AfterValidator(_check_hours)]
"""A validated daily opening-hours string, see :func:`parse_hours`."""
