from itertools import pairwise

import pytest

from simulation.frames import AgentSnapshot
from viz.motion import Motion, along, route
from worlds.loader import load_world


@pytest.fixture(scope="module")
def world():
    return load_world("two_rooms")


def snap(x, y):
    return AgentSnapshot(name="Ana", x=x, y=y, action="walking")


def test_route_goes_through_doors_never_walls(world):
    path = route((1, 4), (7, 2), world.is_walkable)  # cottage kitchen -> cafe counter
    assert path[0] == (1, 4) and path[-1] == (7, 2)
    assert all(world.is_walkable(*t) for t in path)
    assert (2, 6) in path and (7, 6) in path  # out of the cottage door, in at the cafe door
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in pairwise(path))


def test_unreachable_goal_glides_straight():
    assert route((0, 0), (5, 5), lambda x, y: False) == [(0, 0), (5, 5)]


def test_along_interpolates_on_the_polyline():
    path = [(0, 0), (1, 0), (1, 1)]
    assert along(path, 0.5) == (0.5, 0)
    assert along(path, 1.5) == (1, 0.5)
    assert along(path, 9) == (1, 1)


def test_walkers_move_at_walking_pace_and_arrive_early(world):
    motion = Motion(world.is_walkable)
    (x, y), walking = motion.position(snap(1, 3), snap(3, 3), 0.1, tiles_per_tick=10)
    assert (x, y) == pytest.approx((2, 3)) and walking  # 10 tiles per tick: 1 tile at 10%
    (x, y), walking = motion.position(snap(1, 3), snap(3, 3), 0.5, tiles_per_tick=10)
    assert (x, y) == (3, 3) and not walking  # arrived after 2 tiles
    (x, y), walking = motion.position(snap(1, 3), snap(3, 3), 0.0, tiles_per_tick=10)
    assert (x, y) == (1, 3)
    (x, y), _ = motion.position(snap(1, 3), None, 0.7, tiles_per_tick=10)
    assert (x, y) == (1, 3)
