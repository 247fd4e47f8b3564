import queue
from datetime import datetime, timedelta

import pytest

from simulation.frames import AgentSnapshot, Frame
from viz.source import QueueFeed, SeekError, Timeline, parse_seek

START = datetime(2026, 2, 13, 7, 0)


def frames(n: int, start: datetime = START, minutes: int = 10) -> list[Frame]:
    return [
        Frame(
            tick=i + 1,
            time=start + timedelta(minutes=minutes * (i + 1)),
            agents=(AgentSnapshot(name="Ana", x=i, y=0, action="walking"),),
        )
        for i in range(n)
    ]


def test_seek_to_a_clock_time_lands_on_the_frame_at_or_before_it():
    tl = Timeline(frames(30))  # 07:10 ... 12:00
    assert tl.frames[tl.seek("09:30")].time == datetime(2026, 2, 13, 9, 30)
    assert tl.frames[tl.seek("09:35")].time == datetime(2026, 2, 13, 9, 30)
    assert tl.frames[tl.seek("2026-02-13 11:00")].time == datetime(2026, 2, 13, 11, 0)
    assert tl.seek("06:00") == tl.last  # 06:00 is the next morning: clamps to the newest frame
    assert tl.seek("day 1 07:00") == 0  # before the first frame: the first frame
    assert tl.frames[tl.seek("tick 12")].tick == 12
    assert tl.frames[tl.seek("#3")].tick == 3


def test_seek_rejects_nonsense_with_the_accepted_forms():
    with pytest.raises(SeekError, match="HH:MM"):
        parse_seek("lunchtime", START)
    with pytest.raises(SeekError, match="clock time"):
        parse_seek("25:00", START)
    with pytest.raises(SeekError, match="no frames"):
        Timeline([]).seek("08:00")


def test_day_n_counts_from_the_first_day():
    assert parse_seek("day 2 08:00", START) == datetime(2026, 2, 14, 8, 0)
    assert parse_seek("06:30", START) == datetime(2026, 2, 14, 6, 30)  # already past today


@pytest.mark.parametrize("speed", [1, 2, 4, 16, 64])
def test_speed_n_advances_n_ticks_per_base_interval(speed):
    tl = Timeline(frames(200), seconds_per_tick=0.5)
    tl.set_speed(speed)
    tl.update(0.5)
    assert tl.cursor == pytest.approx(speed)
    tl.update(0.25)
    assert tl.cursor == pytest.approx(1.5 * speed)


def test_speed_steps_and_clamps():
    tl = Timeline(frames(3))
    for _ in range(10):
        tl.faster()
    assert tl.speed == 64
    tl.slower()
    assert tl.speed == 32
    tl.set_speed(0.1)
    assert tl.speed == 1


def test_pause_freezes_and_step_moves_exactly_one_frame():
    tl = Timeline(frames(10))
    tl.update(2.4)
    assert tl.index == 2 and tl.fraction == pytest.approx(0.4)
    tl.toggle()
    tl.update(5.0)
    assert tl.cursor == pytest.approx(2.4)
    tl.step(1)
    assert tl.cursor == 3.0 and not tl.playing
    tl.step(1)
    tl.step(-1)
    tl.step(-1)
    assert tl.cursor == 2.0
    tl.step(-10)
    assert tl.cursor == 0.0
    tl.seek_index(99)
    assert tl.index == 9 and tl.at_end


def test_playback_stops_at_the_newest_frame():
    tl = Timeline(frames(4))
    tl.update(100)
    assert tl.cursor == 3 and tl.frame.tick == 4 and tl.next_frame is None


def test_live_feed_appends_frames_and_catches_up_when_they_pile_up():
    q: queue.Queue = queue.Queue()
    tl = Timeline(live=True)
    feed = QueueFeed(q, tl)
    for f in frames(20):
        q.put(f)
    q.put(None)
    assert feed.poll() == 20 and feed.finished
    tl.update(1.0)
    assert tl.cursor > 5  # far behind: faster than one tick per second
    for _ in range(50):
        tl.update(0.1)
    assert tl.at_end


def test_queue_feed_does_not_block_on_an_empty_queue():
    feed = QueueFeed(queue.Queue(), Timeline(live=True))
    assert feed.poll() == 0 and not feed.finished
