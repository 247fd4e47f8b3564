import math
from datetime import datetime

from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot, Frame
from viz.scene import BUBBLE_TICKS, Cast, agent_views, initials, speeches
from viz.source import Timeline

T = datetime(2026, 2, 13, 8, 0)


def snap(name, x, y, **kw):
    return AgentSnapshot(name=name, x=x, y=y, action="idle", **kw)


def test_people_on_one_tile_are_spread_apart_so_each_stays_visible():
    frame = Frame(tick=1, time=T, agents=(snap("Tom", 3, 3), snap("Leo", 3, 3), snap("Ana", 6, 3)))
    views = {v.name: v for v in agent_views(Timeline([frame]))}
    tom, leo = views["Tom"], views["Leo"]
    assert math.hypot(tom.x - leo.x, tom.y - leo.y) >= 0.75  # token diameter is 0.72 tile
    assert (views["Ana"].x, views["Ana"].y) == (6, 3)


def test_lines_stay_for_a_few_ticks_newest_first_without_duplicates():
    said = Event(kind=EventKind.UTTERANCE, tick=1, time=T, agents=("Ana", "Bo"), text="Hi Bo")
    frames = [
        Frame(tick=1, time=T, agents=(snap("Ana", 0, 0, utterance="Hi Bo"),), events=(said,)),
        Frame(tick=2, time=T, agents=(snap("Bo", 1, 0, utterance="Hey"),)),
    ] + [Frame(tick=t, time=T, agents=()) for t in range(3, 9)]
    tl = Timeline(frames)
    tl.seek_index(1)
    lines = speeches(tl)
    assert [(s.speaker, s.text, s.age) for s in lines] == [("Bo", "Hey", 0), ("Ana", "Hi Bo", 1)]
    assert lines[1].listeners == ("Bo",) and lines[1].alpha == 255
    tl.cursor = BUBBLE_TICKS - 0.5  # Ana's line is in its last half tick
    assert [s.speaker for s in speeches(tl)] == ["Bo", "Ana"]
    assert speeches(tl)[1].alpha == 127
    tl.cursor = BUBBLE_TICKS + 0.01
    assert [s.speaker for s in speeches(tl)] == ["Bo"]


def test_cast_colours_are_distinct_and_persona_colours_win():
    cast = Cast([{"name": "June Marsh", "color": "#e9c46a"}, {"name": "Eli Marsh"}])
    assert cast.color("June Marsh") == (0xE9, 0xC4, 0x6A)
    colours = {cast.color(f"Agent {i}") for i in range(25)}
    assert len(colours) == 25
    assert initials("Rosa Delgado") == "RD" and initials("Cleo") == "CL"
