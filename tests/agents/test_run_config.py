from datetime import datetime

from agents.run_config import ScheduledEventSpec

START = datetime(2026, 2, 13, 7, 0)


def test_an_event_time_of_day_is_on_the_first_day_or_the_next_once_passed():
    assert ScheduledEventSpec(at="12:30", text="a party").when(START) == datetime(
        2026, 2, 13, 12, 30
    )
    assert ScheduledEventSpec(at="07:00", text="the bell").when(START) == START
    assert ScheduledEventSpec(at="06:00", text="dawn").when(START) == datetime(2026, 2, 14, 6, 0)
    full = ScheduledEventSpec(at="2026-02-13 06:00", text="given in full")
    assert full.when(START) == datetime(2026, 2, 13, 6, 0)
