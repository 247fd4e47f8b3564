import pygame
import pytest

from tests.viz.helpers import count_color, frame_index, pixels_of, render
from viz import object_art
from viz import palette as pal
from viz.fonts import Fonts, base_emoji
from viz.source import Timeline
from viz.town_layer import TownLayer
from viz.viewer import Viewer
from worlds.loader import load_world
from worlds.places import Terrain
from worlds.world import World

STOVE = "Rose Cottage:kitchen:stove"
OUTDOOR = {Terrain.GRASS, Terrain.WATER, Terrain.TREE, Terrain.STREET, Terrain.PATH, Terrain.WALL}


def test_a_bubble_is_drawn_just_above_its_speaker(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    said = frame_index(viewer, 8)  # Mabel: "Morning, love. Are the rye buns ready yet?"
    surface = render(viewer, said + 0.2)
    x, y = viewer.agent_screen_pos("Mabel Marsh")
    above = pygame.Rect(x - 160, y - 150, 320, 150)
    assert count_color(surface, above, pal.BUBBLE) > 500
    (bubble,) = [b for b in viewer.bubbles.placed if b.speech.speaker == "Mabel Marsh"]
    r = viewer.agents.drawn["Mabel Marsh"].radius
    assert bubble.rect.bottom <= y - r and y - bubble.rect.bottom < 150
    assert bubble.rect.left <= x <= bubble.rect.right
    assert bubble.tip == (x, y - r - 2)  # the tail points at her
    quiet = render(viewer, frame_index(viewer, 3))  # nobody talks at tick 3
    x, y = viewer.agent_screen_pos("Mabel Marsh")
    assert count_color(quiet, pygame.Rect(x - 160, y - 150, 320, 150), pal.BUBBLE) == 0


def test_bubbles_fade_a_few_ticks_after_the_line(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    said = frame_index(viewer, 8)
    render(viewer, said + 3.5)
    mabel = [b for b in viewer.bubbles.placed if b.speech.speaker == "Mabel Marsh"]
    assert [b.speech.alpha for b in mabel if b.speech.tick == 8] == [127]
    render(viewer, said + 4.2)
    assert all(b.speech.tick != 8 for b in viewer.bubbles.placed)


def test_a_conversation_stacks_bubbles_without_overlap(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    render(viewer, frame_index(viewer, 11))  # four lines said over ticks 8-11
    rects = [b.rect for b in viewer.bubbles.placed]
    assert len(rects) == 4
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    speakers = {b.speech.speaker for b in viewer.bubbles.placed}
    assert speakers == {"June Marsh", "Mabel Marsh"}


def test_name_labels_are_drawn_under_agents(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    index = frame_index(viewer, 3)
    with_labels = render(viewer, index)
    label = viewer.agents.drawn["June Marsh"].label
    x, y = viewer.agent_screen_pos("June Marsh")
    assert label is not None and label.top > y and abs(label.centerx - x) < label.w
    viewer.agents.label_mode = "off"
    without = render(viewer, index)
    pairs = zip(pixels_of(with_labels, label), pixels_of(without, label), strict=True)
    changed = sum(a != b for a, b in pairs)
    assert changed > label.w * label.h * 0.3
    assert count_color(with_labels, label, pal.LABEL_BG) + changed > 0


def test_labels_stay_on_screen_at_the_edges(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    viewer.show_log = False  # the window's own left edge
    viewer.camera.level = 13  # 64 px tiles
    viewer.camera.cx, viewer.camera.cy = 11.27, 4  # Mabel (1, 4) ends up 15 px from the left
    render(viewer, frame_index(viewer, 3))
    assert viewer.agent_screen_pos("Mabel Marsh")[0] < 20
    assert viewer.agents.drawn["Mabel Marsh"].label is not None
    for drawn in viewer.agents.drawn.values():
        if drawn.label is not None:
            assert pygame.Rect(0, 40, 1280, 666).contains(drawn.label)


def test_an_objects_state_changes_its_pixels(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    stove = viewer.world.get_object(STOVE)
    base = viewer.timeline.frames[0]
    states = dict(base.object_states)
    off = base.model_copy(update={"agents": (), "object_states": {**states, STOVE: "off"}})
    on = base.model_copy(update={"agents": (), "object_states": {**states, STOVE: "cooking"}})
    viewer.timeline = Timeline([off, on])
    area = viewer.objects.screen_rect(stove, viewer.camera)
    a = pixels_of(render(viewer, 0), area)
    b = pixels_of(render(viewer, 1), area)
    assert sum(x != y for x, y in zip(a, b, strict=True)) > len(a) * 0.1


def test_every_object_of_maplewood_looks_different_in_each_state():
    world = load_world("maplewood")
    pygame.font.init()
    for obj in world.objects:
        looks = {
            state: pygame.image.tobytes(object_art.render(obj, state, 32)[0], "RGBA")
            for state in obj.states
        }
        assert len(set(looks.values())) == len(obj.states), obj.address


def test_in_use_objects_glow_but_resting_ones_do_not():
    world = load_world("maplewood")
    bed = world.get_object("Maple Court:flat 1:bed")
    fountain = world.get_object("Maplewood Park:lawn:fountain")
    assert object_art.shows_glow(bed, "occupied") and not object_art.shows_glow(bed, "free")
    assert not object_art.shows_glow(fountain, "running")
    assert not object_art.shows_glow(fountain, "off")
    assert object_art.object_kind(bed) == "bed"


def test_sleepers_get_floating_zs(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    asleep = render(viewer, frame_index(viewer, 5))
    x, y = viewer.agent_screen_pos("Eli Marsh")
    r = viewer.agents.drawn["Eli Marsh"].radius
    around = pygame.Rect(x - r, y - 3 * r, 4 * r, 3 * r)
    assert viewer.timeline.frame.agent("Eli Marsh").asleep
    assert count_color(asleep, around, pal.SLEEP_Z) > 0
    awake = render(viewer, frame_index(viewer, 13))
    x, y = viewer.agent_screen_pos("Eli Marsh")
    assert count_color(awake, pygame.Rect(x - r, y - 3 * r, 4 * r, 3 * r), pal.SLEEP_Z) == 0


def test_missing_emoji_glyphs_fall_back_cleanly():
    pygame.font.init()
    bundled = Fonts(system=False)  # pygame's own font has no emoji
    assert bundled.emoji("💬", 16) is None
    assert bundled.clean("chatting 💬 now") == "chatting now"
    assert bundled.has_glyph("a", bundled.font(14))
    assert base_emoji("☕️") == "☕" and base_emoji("👩‍🍳") == "👩" and base_emoji("") == ""
    surface = bundled.text("coffee ☕️💬", 14, (0, 0, 0))
    assert surface.get_width() == bundled.text("coffee", 14, (0, 0, 0)).get_width()


def test_wrap_keeps_lines_within_width(fonts):
    text = "Right then: rye buns in ten minutes, and a supercalifragilisticexpialidocious cake"
    lines = fonts.wrap(text, 14, 120, 10)
    assert all(fonts.size(line, 14)[0] <= 120 for line in lines)
    assert " ".join(lines).replace(" ", "") == text.replace(" ", "")
    short = fonts.wrap(text, 14, 120, 2)
    assert len(short) == 2 and short[-1].endswith("...")


def _tiled_world(tmp_path, image: bool) -> World:
    world = load_world("two_rooms")
    data = world.model_dump(mode="json")
    png = tmp_path / "tiles.png"
    if image:
        sheet = pygame.Surface((64, 32))
        sheet.fill((255, 0, 255), (0, 0, 32, 32))
        sheet.fill((0, 255, 0), (32, 0, 32, 32))
        pygame.image.save(sheet, str(png))
    n = world.width * world.height
    data["graphics"] = {
        "tile_width": 32, "tile_height": 32,
        "tilesets": [{"name": "t", "first_gid": 1, "image": str(png), "image_width": 64,
                      "image_height": 32, "tile_width": 32, "tile_height": 32, "columns": 2,
                      "tile_count": 2}],
        "layers": [{"name": "ground", "data": [1] * (n - 1) + [2]}],
    }  # fmt: skip
    return World.model_validate(data)


def test_a_tiled_tileset_is_drawn_when_its_image_exists(tmp_path, fonts):
    pygame.font.init()
    world = _tiled_world(tmp_path, image=True)
    layer = TownLayer(world, fonts)
    assert layer.uses_tileset
    surface = layer.surface(32)
    assert tuple(surface.get_at((5, 40)))[:3] == (255, 0, 255)
    assert tuple(surface.get_at((world.width * 32 - 5, world.height * 32 - 5)))[:3] == (0, 255, 0)


def test_a_missing_tileset_image_falls_back_to_procedural_tiles(tmp_path, fonts):
    world = _tiled_world(tmp_path, image=False)
    layer = TownLayer(world, fonts)
    assert not layer.uses_tileset
    surface = layer.surface(32)
    assert tuple(surface.get_at((5, 7 * 32 + 20)))[:3] != (255, 0, 255)


@pytest.mark.parametrize("world_name", ["two_rooms", "maplewood"])
def test_terrain_kinds_get_distinct_colours(world_name, fonts):
    world = load_world(world_name)
    surface = TownLayer(world, fonts, labels=False).surface(8)
    seen = {}
    for y in range(world.height):
        for x in range(world.width):
            if world.arena_at(x, y) is None and world.terrain_at(x, y) in OUTDOOR:
                seen.setdefault(world.terrain_at(x, y), set()).add(
                    tuple(surface.get_at((x * 8 + 4, y * 8 + 4)))[:3]
                )
    groups = list(seen.values())
    assert all(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1 :])


def test_viewer_draws_with_no_frames_yet(fonts):
    world = load_world("two_rooms")
    viewer = Viewer(world, [], Timeline(live=True), live=True, fonts=fonts)
    surface = render(viewer, 0)
    assert surface.get_at((640, 360)) is not None and viewer.views == []
