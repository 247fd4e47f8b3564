"""Clock times ("07:30") and daily opening hours ("08:00-18:00", "17:00-01:00").

This module is the one home of clock-time parsing: :data:`ClockTime` is the validated
``"HH:MM"`` field type used by worlds, personas, actions, scenarios and LLM output schemas;
:func:`parse_clock` and :func:`parse_clock_time` read clock times written by people.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
"""The regular expression of a canonical clock time, ``"00:00"`` to ``"23:59"``."""

HOURS_EXAMPLE = (
    "'08:00-18:00' (several ranges: '07:00-11:00, 17:00-23:00'; overnight: '18:00-02:00')"
)
MINUTES_PER_DAY = 24 * 60

_CANONICAL = re.compile(CLOCK_PATTERN)
_TIME = re.compile(r"^(\d{1,2}):([0-5]\d)$")


def _not_a_clock_time(text: object, latest: str = "23:59") -> ValueError:
    return ValueError(
        f"{text!r} is not a time of day; expected a time 'HH:MM' from 00:00 to {latest}, "
        "like '07:30'"
    )


def parse_clock(text: str) -> int:
    """Parse ``"HH:MM"`` into minutes after midnight (``"24:00"`` gives 1440).

    Lenient about what people write: one-digit hours (``"7:30"``) and surrounding spaces are
    accepted.

    Args:
        text: The clock time.

    Returns:
        Minutes after midnight, 0 to 1440.

    Raises:
        ValueError: With the expected format, if the text is not a clock time.
    """
    match = _TIME.match(text.strip())
    hour = int(match.group(1)) if match else 99
    if not match or hour > 24 or (hour == 24 and match.group(2) != "00"):
        raise _not_a_clock_time(text, latest="24:00")
    return hour * 60 + int(match.group(2))


def parse_clock_time(text: str) -> dt.time:
    """Parse ``"HH:MM"`` (00:00 to 23:59) into a time of day.

    As lenient as :func:`parse_clock` (``"7:30"`` and surrounding spaces are accepted), but
    ``"24:00"`` is refused: it is not a time of day.

    Args:
        text: The clock time.

    Returns:
        The time of day.

    Raises:
        ValueError: With the expected format, if the text is not a time of day.
    """
    try:
        minutes = parse_clock(text)
    except ValueError:
        minutes = MINUTES_PER_DAY
    if minutes >= MINUTES_PER_DAY:
        raise _not_a_clock_time(text)
    return dt.time(minutes // 60, minutes % 60)


def format_clock(minutes: int) -> str:
    """The canonical ``"HH:MM"`` of a minute of the day (taken modulo a day).

    Args:
        minutes: Minutes after midnight; values outside a day wrap around.

    Returns:
        The clock time, ``"00:00"`` to ``"23:59"``.
    """
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """Parse opening hours into ``((start_minute, end_minute), ...)``.

    A range whose end is before its start runs past midnight (``"17:00-01:00"``).

    Args:
        text: The opening hours, e.g. ``"07:00-11:00, 17:00-23:00"``.

    Returns:
        The ranges, in minutes after midnight.

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
        if start in (end, MINUTES_PER_DAY):
            raise ValueError(
                f"opening hours range {part.strip()!r} is empty; expected {HOURS_EXAMPLE}"
            )
        ranges.append((start, end))
    return tuple(ranges)


def minute_of_day(at: dt.time | dt.datetime | int) -> int:
    """Minutes after midnight of a time, a datetime, or an int (taken modulo a day).

    Args:
        at: The moment.

    Returns:
        Minutes after midnight, 0 to 1439.
    """
    if isinstance(at, dt.datetime):
        at = at.time()
    if isinstance(at, dt.time):
        return at.hour * 60 + at.minute
    return int(at) % MINUTES_PER_DAY


def is_open(hours: str | None, at: dt.time | dt.datetime | int) -> bool:
    """Whether a place with these opening hours is open at ``at``.

    Args:
        hours: Opening hours (see :func:`parse_hours`); ``None`` means always open.
        at: The moment.

    Returns:
        True if ``at`` falls in one of the ranges.
    """
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
    if not _CANONICAL.fullmatch(text):
        raise _not_a_clock_time(text)
    return text


def _from_sexagesimal(value: Any) -> Any:
    """YAML 1.1 reads an unquoted ``22:00`` as the number 1320; turn it back into ``"22:00"``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MINUTES_PER_DAY:
        return format_clock(value)
    return value


def _check_hours(text: str) -> str:
    parse_hours(text)
    return ", ".join(part.strip() for part in text.split(","))


ClockTime = Annotated[
    str,
    BeforeValidator(_from_sexagesimal),
    AfterValidator(_check_clock),
    WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN}),
]
"""A canonical ``"HH:MM"`` string, ``"00:00"`` to ``"23:59"`` (two-digit hour, no spaces).

Its JSON schema is a string with :data:`CLOCK_PATTERN`, so an LLM output schema holding it
constrains the model to such times. An unquoted YAML time (read as a number of minutes by
YAML 1.1) is turned back into its ``"HH:MM"`` string.
"""

OpeningHours = Annotated[str, AfterValidator(_check_hours)]
"""A validated daily opening-hours string, see :func:`parse_hours`."""
