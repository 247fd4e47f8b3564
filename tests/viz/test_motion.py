import pytest

from simulation.frames import AgentSnapshot
from viz.motion import along, position, walk_path


def snap(x, y, walked=()):
    return AgentSnapshot(name="Ana", x=x, y=y, action="walking", walked=walked)


def test_the_walk_follows_the_tiles_the_narrator_walked():
    around_a_wall = snap(3, 3, walked=((1, 4), (2, 4), (3, 4), (3, 3)))
    assert walk_path(snap(1, 3), around_a_wall) == [(1, 3), (1, 4), (2, 4), (3, 4), (3, 3)]
    (x, y), walking = position(snap(1, 3), around_a_wall, 0.2, tiles_per_tick=10)
    assert (x, y) == pytest.approx((2, 4)) and walking  # 2 of 4 tiles: below the wall


def test_a_frame_without_walked_tiles_glides_straight():
    assert walk_path(snap(0, 0), snap(5, 5)) == [(0, 0), (5, 5)]
    stale = snap(5, 5, walked=((1, 0), (2, 0)))  # does not end where the agent stands
    assert walk_path(snap(0, 0), stale) == [(0, 0), (5, 5)]


def test_along_interpolates_on_the_polyline():
    path = [(0, 0), (1, 0), (1, 1)]
    assert along(path, 0.5) == (0.5, 0)
    assert along(path, 1.5) == (1, 0.5)
    assert along(path, 9) == (1, 1)


def test_walkers_move_at_walking_pace_and_arrive_early():
    there = snap(3, 3, walked=((2, 3), (3, 3)))
    (x, y), walking = position(snap(1, 3), there, 0.1, tiles_per_tick=10)
    assert (x, y) == pytest.approx((2, 3)) and walking  # 10 tiles per tick: 1 tile at 10%
    (x, y), walking = position(snap(1, 3), there, 0.5, tiles_per_tick=10)
    assert (x, y) == (3, 3) and not walking  # arrived after 2 tiles
    (x, y), walking = position(snap(1, 3), there, 0.0, tiles_per_tick=10)
    assert (x, y) == (1, 3)
    (x, y), _ = position(snap(1, 3), None, 0.7, tiles_per_tick=10)
    assert (x, y) == (1, 3)
