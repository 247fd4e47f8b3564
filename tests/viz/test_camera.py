import pytest

from viz.camera import ZOOM_LEVELS, Camera


def test_screen_and_world_points_round_trip():
    cam = Camera(56, 40, 1280, 720, cx=10, cy=8, level=9)
    sx, sy = cam.world_to_screen(12.5, 3.25)
    assert cam.screen_to_world(sx, sy) == pytest.approx((12.5, 3.25))
    assert cam.world_to_screen(10, 8) == (640, 360)


def test_zoom_keeps_the_point_under_the_cursor():
    cam = Camera(56, 40, 1280, 720, cx=20, cy=20, level=5)
    before = cam.screen_to_world(900, 200)
    cam.zoom(2, at=(900, 200))
    assert cam.tile_px == ZOOM_LEVELS[7]
    assert cam.screen_to_world(900, 200) == pytest.approx(before)


def test_fit_shows_the_whole_town_between_the_bars():
    cam = Camera(56, 40, 1280, 720)
    cam.fit(40, 14)
    assert 56 * cam.tile_px <= 1280 and 40 * cam.tile_px <= 720 - 54
    assert cam.level == len(ZOOM_LEVELS) - 1 or 40 * ZOOM_LEVELS[cam.level + 1] > 666
    x0, y0 = cam.world_to_screen(0, 0)
    x1, y1 = cam.world_to_screen(56, 40)
    assert x0 >= 0 and x1 <= 1280 and y0 >= 40 and y1 <= 706


def test_pan_moves_the_town_with_the_drag_and_stops_following():
    cam = Camera(56, 40, 1280, 720, cx=20, cy=20, level=9, follow="Ana")
    x, y = cam.world_to_screen(25, 25)
    cam.pan(64, -32)
    assert cam.world_to_screen(25, 25) == pytest.approx((x + 64, y - 32))
    assert cam.follow is None
