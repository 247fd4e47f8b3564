import pygame
import pytest

from tests.viz.helpers import frame_index, pixels_of, render
from viz.hud import TOP_H
from viz.inspector import WIDTH as INSPECTOR_WIDTH
from viz.layout import LOG_WIDTH


def post_key(key, unicode=""):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=unicode))


def pump(viewer):
    for event in pygame.event.get():
        viewer.handle(event)


def click(viewer, pos, button=1):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    pump(viewer)


def test_selecting_someone_under_the_inspector_slides_the_map(display, make_viewer, maplewood_run):
    viewer = make_viewer(maplewood_run)
    viewer.camera.level = 10
    viewer.camera.cx, viewer.camera.cy = 22, 11  # Hank starts at (32, 11)
    render(viewer, 0)
    assert viewer.agent_screen_pos("Hank Brennan")[0] > 1280 - INSPECTOR_WIDTH
    viewer.select_agent("Hank Brennan")
    render(viewer, 0)
    assert viewer.agent_screen_pos("Hank Brennan")[0] < 1280 - INSPECTOR_WIDTH - 60


def test_clicking_an_agent_opens_its_inspector(display, make_viewer, maplewood_run):
    viewer = make_viewer(maplewood_run)
    index = frame_index(viewer, 6)
    before = render(viewer, index)
    pos = viewer.agent_screen_pos("Rosa Delgado")
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pump(viewer)
    assert viewer.selected_agent == "Rosa Delgado"
    after = render(viewer, index)
    card = viewer.card().text()
    assert card.startswith("Rosa Delgado") and "owner and head barista" in card
    assert "Tom Castellano: her husband" in card  # persona relationships
    assert "talking with Tom Castellano, Leo Park" in card
    panel = viewer.inspector.rect
    assert panel.w > 300
    pairs = zip(pixels_of(before, panel), pixels_of(after, panel), strict=True)
    changed = sum(a != b for a, b in pairs)
    assert changed > panel.w * panel.h * 0.3


def test_the_inspector_counts_who_talked_with_whom(display, make_viewer, maplewood_run):
    viewer = make_viewer(maplewood_run)
    viewer.select_agent("Leo Park")
    render(viewer, frame_index(viewer, 7))
    card = viewer.card().text()
    assert "Rosa Delgado:" in card and "lines together" in card
    viewer.timeline.seek_index(0)
    assert "lines together" not in viewer.card().text()  # nothing said yet at tick 1


def test_clicking_an_object_shows_its_state(display, make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    index = frame_index(viewer, 2)
    render(viewer, index)
    stove = viewer.world.get_object("Rose Cottage:kitchen:stove")
    rect = viewer.objects.screen_rect(stove, viewer.camera)
    viewer.timeline.frames[index] = viewer.timeline.frames[index].model_copy(
        update={"agents": tuple(a for a in viewer.timeline.frame.agents if a.name != "Mabel Marsh")}
    )
    render(viewer, index)
    click(viewer, rect.center)
    assert viewer.selection.kind == "object"
    text = viewer.card().text()
    assert text.startswith("stove") and "> cooking" in text
    click(viewer, (LOG_WIDTH + 5, 400))  # empty ground (right of the town log) closes it
    assert viewer.selection is None


def test_keys_pause_step_and_change_speed(display, make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    tl = viewer.timeline
    tl.playing = True
    post_key(pygame.K_SPACE)
    post_key(pygame.K_PERIOD)
    post_key(pygame.K_PERIOD)
    post_key(pygame.K_COMMA)
    pump(viewer)
    assert not tl.playing and tl.cursor == 1.0
    post_key(pygame.K_RIGHTBRACKET)
    post_key(pygame.K_RIGHTBRACKET)
    pump(viewer)
    assert tl.speed == 4
    post_key(pygame.K_7)
    pump(viewer)
    assert tl.speed == 64
    post_key(pygame.K_SPACE)
    pump(viewer)
    viewer.update(0.1)
    assert tl.cursor == pytest.approx(1 + 6.4)


def test_go_to_time_prompt_seeks(display, make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    post_key(pygame.K_g)
    for ch in "08:30":
        post_key(ord(ch) if ch != ":" else pygame.K_COLON, ch)
    post_key(pygame.K_RETURN)
    pump(viewer)
    assert viewer.timeline.frame.time.strftime("%H:%M") == "08:30"
    assert viewer.hud.prompt is None


def test_follow_keeps_the_agent_centred(display, make_viewer, maplewood_run):
    viewer = make_viewer(maplewood_run)
    viewer.camera.level = 10
    viewer.select_agent("Miriam Okafor")
    post_key(pygame.K_f)
    pump(viewer)
    assert viewer.camera.follow == "Miriam Okafor"
    for i in range(40):
        viewer.timeline.cursor = frame_index(viewer, 8) + i / 40
        viewer.update(0.05)
    render(viewer, viewer.timeline.cursor)
    x, y = viewer.agent_screen_pos("Miriam Okafor")
    map_centre = (LOG_WIDTH + 1280 - INSPECTOR_WIDTH) / 2  # between the log and the inspector
    assert abs(x - map_centre) < 60 and abs(y - 360) < 60


def test_wheel_zooms_and_drag_pans(display, make_viewer, maplewood_run):
    viewer = make_viewer(maplewood_run)
    render(viewer, 0)
    level = viewer.camera.level
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False))
    pump(viewer)
    assert viewer.camera.level == level + 1
    cx = viewer.camera.cx
    start = (300, TOP_H + 300)  # on the street, not on anyone
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=3))
    pygame.event.post(
        pygame.event.Event(
            pygame.MOUSEMOTION, pos=(400, TOP_H + 300), rel=(100, 0), buttons=(0, 0, 1)
        )
    )
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(400, TOP_H + 300), button=3))
    pump(viewer)
    assert viewer.camera.cx == pytest.approx(cx - 100 / viewer.camera.tile_px)


def test_help_overlay_and_quit(display, make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    plain = render(viewer, 0)
    post_key(pygame.K_h)
    pump(viewer)
    helped = render(viewer, 0)
    centre = pygame.Rect(540, 300, 200, 120)
    assert pixels_of(plain, centre) != pixels_of(helped, centre)
    post_key(pygame.K_q)
    pump(viewer)
    assert not viewer.running


def test_screenshot_key_saves_a_png(display, make_viewer, two_rooms_run, tmp_path):
    viewer = make_viewer(two_rooms_run, screenshot_dir=tmp_path)
    render(viewer, 3)
    post_key(pygame.K_p)
    pump(viewer)
    (png,) = tmp_path.glob("*.png")
    assert pygame.image.load(str(png)).get_size() == (1280, 720)


def test_the_inspector_shows_plan_memories_and_reflections_so_far(
    display, make_viewer, maplewood_run
):
    viewer = make_viewer(maplewood_run)
    viewer.select_agent("Rosa Delgado")
    viewer.timeline.seek_index(frame_index(viewer, 8))  # 09:50
    sections = dict(viewer.card().sections)
    plan = sections["Plan"]
    assert ("> 08:30  serve the morning regulars", "hl") in plan
    assert plan[0][1] == "dim" and plan[-1][1] == "text"  # past blocks dim, later ones plain
    memories = [text for text, _ in sections["Recent memories"]]
    assert memories[0].startswith("[6] Tom says") and memories[-1].startswith("[3] Tom is")
    (reflection,) = sections["Reflections"]  # recorded as an event and a memory: shown once
    assert reflection[0].startswith("Tom works too late")
    viewer.timeline.seek_index(0)
    sections = dict(viewer.card().sections)
    assert [t for t, _ in sections["Recent memories"]] == [
        "[3] Tom is reading the paper at the window table"
    ]
    assert "Reflections" not in sections


def test_clicking_the_scrubber_seeks(display, make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    render(viewer, 0)
    bar = viewer.hud.scrub_rect
    click(viewer, (bar.x + 10 + (bar.w - 20) // 2, bar.centery))
    assert viewer.timeline.index == round(viewer.timeline.last / 2)
    click(viewer, (bar.right - 1, bar.centery))
    assert viewer.timeline.at_end
