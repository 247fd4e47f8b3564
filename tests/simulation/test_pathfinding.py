import itertools

from simulation.pathfinding import find_path

MAP = [
    "..........",
    ".########.",
    ".#......#.",
    ".#.####.#.",
    ".#......#.",
    ".####.###.",
    "..........",
]


def walkable(x, y):
    return MAP[y][x] != "#"


def grid_path(start, goals):
    return find_path(start, goals, walkable, len(MAP[0]), len(MAP))


def test_path_goes_around_walls_and_is_shortest():
    path = grid_path((0, 0), [(3, 2)])
    assert path[-1] == (3, 2)
    assert all(walkable(*tile) for tile in path)
    steps = [(0, 0), *path]
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in itertools.pairwise(steps))
    # The only way in is the gap at (5, 5): 0,0 -> down the left side -> along the bottom -> up.
    assert (5, 5) in path
    # Down 6, right 5, up 2 through the gap, left 3, up 2, right 1.
    assert len(path) == 6 + 5 + 2 + 3 + 2 + 1


def test_nearest_goal_of_many_is_chosen():
    path = grid_path((0, 6), [(9, 6), (2, 6)])
    assert path[-1] == (2, 6) and len(path) == 2


def test_start_on_goal_and_unreachable_goal():
    assert grid_path((0, 0), [(0, 0)]) == []
    assert grid_path((0, 0), [(1, 1)]) is None  # a wall
    closed = ["...", "###", "..."]
    assert find_path((0, 0), [(0, 2)], lambda x, y: closed[y][x] != "#", 3, 3) is None
