from itertools import combinations

from viz.layout import Placer, clamp_into, overlaps


def test_stacked_bubbles_never_overlap_even_for_one_crowded_spot():
    placer = Placer((0, 40, 1280, 660))
    rects = [placer.place_stacked(240, 60, (640, 400)) for _ in range(12)]
    assert not any(overlaps(a, b) for a, b in combinations(rects, 2))
    assert all(
        r[0] >= 0 and r[0] + r[2] <= 1280 and r[1] >= 40 and r[1] + r[3] <= 700 for r in rects
    )
    first = rects[0]
    assert first[1] + first[3] <= 400 and abs(first[0] + first[2] / 2 - 640) <= 1  # right above


def test_bubbles_near_the_top_edge_stay_inside():
    placer = Placer((0, 40, 800, 600))
    rect = placer.place_stacked(200, 50, (20, 50))
    assert rect[0] >= 0 and rect[1] >= 40


def test_soft_obstacles_are_avoided_when_there_is_room_only():
    label = (590, 330, 100, 60)
    placer = Placer((0, 0, 1280, 720), soft=[label])
    rect = placer.place_stacked(240, 60, (640, 400))
    assert not overlaps(rect, label)
    tight = Placer((590, 330, 100, 60), soft=[label])
    assert tight.place_stacked(100, 60, (640, 400)) == (590, 330, 100, 60)


def test_clamp_into_keeps_size():
    assert clamp_into((-5, 700, 50, 40), (0, 0, 100, 720)) == (0, 680, 50, 40)
