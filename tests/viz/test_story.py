"""Activity captions under names, and the side log of lines spoken and the narrator's events."""

from datetime import datetime, timedelta

import pygame
import pytest

from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot, Frame
from tests.viz.helpers import frame_index, pixels_of, render
from tests.viz.test_viewer import click, post_key, pump
from viz.export import export_pngs
from viz.fonts import EMOJI_FONTS
from viz.history import History
from viz.hud import HELP, TOP_H
from viz.layout import LOG_WIDTH, MIN_MAP_WIDTH, overlaps, panel_layout
from viz.story import caption, log_entries, short_names, shorten

START = datetime(2026, 2, 13, 7, 0)


def snap(name="Rosa Delgado", action="idle", **kw):
    return AgentSnapshot(name=name, x=1, y=1, action=action, **kw)


def event(kind, tick, agents, text=None, **data):
    return Event(
        kind=kind, tick=tick, time=START + timedelta(minutes=10 * tick), agents=agents,
        text=text, data=data,
    )  # fmt: skip


def frame(tick, *events):
    return Frame(
        tick=tick, time=START + timedelta(minutes=10 * tick), agents=(snap(),), events=events
    )


# --- captions ---------------------------------------------------------------------------------


def test_a_caption_is_the_emoji_and_a_few_words_cut_with_an_ellipsis():
    assert caption(snap(action="brewing coffee", emoji="☕")) == ("☕", "brewing coffee")
    emoji, words = caption(snap(action="grading the second-year essays over a pot of tea"))
    assert emoji == "" and len(words) <= 24 and words.endswith("…")
    assert words == "grading the second-year…"
    assert caption(snap(action="sleeping", emoji="😴", asleep=True)) == ("😴", "asleep")
    assert shorten("x" * 30) == "x" * 23 + "…"  # one long word is cut where it must be
    assert shorten("  many   spaces  ") == "many spaces"


def test_first_names_unless_two_people_share_one():
    names = short_names(["Rosa Delgado", "Tom Castellano", "Tom Reyes", "Cleo"])
    assert names == {
        "Rosa Delgado": "Rosa", "Tom Castellano": "Tom Castellano", "Tom Reyes": "Tom Reyes",
        "Cleo": "Cleo",
    }  # fmt: skip


# --- the side log's lines -----------------------------------------------------------------------


def test_the_log_collects_lines_and_narration_from_frames_oldest_first():
    history = History()
    names = short_names(["Rosa Delgado", "Tom Castellano", "Leo Park"])
    history.add(
        frame(
            1,
            event(EventKind.WHISPER, 0, ("Rosa Delgado",), "I want to throw a party"),
            event(EventKind.MEMORY_ADDED, 1, ("Rosa Delgado",), "a memory, not in the log"),
            event(
                EventKind.CONVERSATION_START,
                1,
                ("Rosa Delgado", "Tom Castellano"),
                "Rosa Delgado talks with Tom Castellano",
                opened_by="Rosa Delgado",
            ),
        )
    )
    history.add(
        frame(
            2,
            event(EventKind.UTTERANCE, 2, ("Rosa Delgado", "Tom Castellano"), "Party on Friday!"),
            event(EventKind.NARRATOR, 2, (), "The church bell rings nine."),
        )
    )
    history.add(
        frame(
            3,
            # newer runs name the addressee: Leo overhears, Rosa is the one spoken to
            event(
                EventKind.UTTERANCE,
                3,
                ("Tom Castellano", "Rosa Delgado", "Leo Park"),
                "Count me in.",
                to=["Rosa Delgado"],
            ),
            event(EventKind.ACTION_REFUSED, 3, ("Leo Park",), "the coffee machine is in use"),
        )
    )
    lines = [e.line for e in log_entries(history.story(3, 16), names)]
    assert lines == [
        "07:00 Rosa thinks: I want to throw a party",
        "07:10 Rosa talks with Tom",
        "07:20 Rosa → Tom: Party on Friday!",
        "07:20 narrator: The church bell rings nine.",
        "07:30 Tom → Rosa: Count me in.",
        "07:30 Leo can't: the coffee machine is in use",
    ]
    # the play head at tick 2 sees nothing later; the whisper (tick 0) came in frame 1
    assert [e.tick for e in log_entries(history.story(2, 16), names)] == [1, 1, 2, 2]
    assert [e.line for e in log_entries(history.story(3, 16), names, n=2)] == lines[-2:]


def test_the_viewer_log_follows_the_play_head(make_viewer, two_rooms_run):
    viewer = make_viewer(two_rooms_run)
    render(viewer, frame_index(viewer, 8))
    early = [e.line for e in viewer.log_entries()]
    assert early[-1] == "08:20 Mabel → June: Morning, love. Are the rye buns ready yet?"
    assert any("delivery van" in line for line in early)
    render(viewer, frame_index(viewer, 12))
    late = [e.line for e in viewer.log_entries()]
    assert late[-1].startswith("08:50 June → Mabel: Grandma, you taught me to knead.")
    assert late.index(early[-1]) < len(late) - 1  # newest at the bottom
    assert viewer.side_log.shown == viewer.log_entries()  # every entry fits at 1280x720


# --- layout -----------------------------------------------------------------------------------


def test_the_log_and_the_inspector_share_the_window_without_overlap():
    both = panel_layout((1280, 720), top=40, bottom=14, log=True, inspector=True)
    assert both.log == (0, 40, LOG_WIDTH, 666) and both.inspector == (900, 40, 380, 666)
    assert not overlaps(both.log, both.inspector)
    assert both.map == (LOG_WIDTH, 40, 900 - LOG_WIDTH, 666)
    narrow = panel_layout((1000, 720), top=40, bottom=14, log=True, inspector=True)
    assert narrow.log[2] == 1000 - 380 - MIN_MAP_WIDTH and narrow.map[2] == MIN_MAP_WIDTH
    tiny = panel_layout((800, 600), top=40, bottom=14, log=True, inspector=True)
    assert tiny.log is None and tiny.inspector is not None  # the inspector comes first
    assert panel_layout((800, 600), top=40, bottom=14, log=True, inspector=False).log
    off = panel_layout((1280, 720), top=40, bottom=14, log=False, inspector=False)
    assert off.log is None and off.map == (0, 40, 1280, 666)


# --- keys and pixels ----------------------------------------------------------------------------


def test_a_toggles_the_activity_under_names(make_viewer, two_rooms_run, display):
    viewer = make_viewer(two_rooms_run)
    index = frame_index(viewer, 3)
    render(viewer, index)
    with_activity = viewer.agents.drawn["June Marsh"].label
    assert viewer.agents.activities
    post_key(pygame.K_a)
    pump(viewer)
    assert not viewer.agents.activities and "off" in viewer.hud.toast.text
    render(viewer, index)
    name_only = viewer.agents.drawn["June Marsh"].label
    assert name_only.h < with_activity.h  # one line instead of two
    post_key(pygame.K_a)
    pump(viewer)
    assert viewer.agents.activities


def test_t_toggles_the_log_and_the_map_slides_with_it(make_viewer, two_rooms_run, display):
    viewer = make_viewer(two_rooms_run)
    render(viewer, frame_index(viewer, 3))
    x_before = viewer.agent_screen_pos("June Marsh")[0]
    assert viewer.panels().log is not None
    post_key(pygame.K_t)
    pump(viewer)
    assert viewer.panels().log is None and viewer.map_bounds()[0] == 0
    render(viewer, frame_index(viewer, 3))
    assert viewer.agent_screen_pos("June Marsh")[0] == x_before - LOG_WIDTH // 2


def test_a_click_on_the_log_selects_nothing(make_viewer, two_rooms_run, display):
    viewer = make_viewer(two_rooms_run)
    render(viewer, frame_index(viewer, 3))
    click(viewer, (LOG_WIDTH // 2, 300))
    pump(viewer)
    assert viewer.selection is None


def test_the_keys_are_in_the_help():
    keys = {key: text for key, text in HELP}
    assert "activit" in keys["A"] or "doing" in keys["A"]
    assert "log" in keys["T"]


def test_exported_pngs_show_the_labels_and_the_log(make_viewer, two_rooms_run, tmp_path):
    viewer = make_viewer(two_rooms_run)
    start = frame_index(viewer, 11)
    (on,) = export_pngs(viewer, tmp_path / "on", every=99, start=start)
    label = viewer.agents.drawn["June Marsh"].label.copy()
    viewer.agents.activities = False
    viewer.show_log = False
    (off,) = export_pngs(viewer, tmp_path / "off", every=99, start=start)
    with_both, without = pygame.image.load(str(on)), pygame.image.load(str(off))
    log = pygame.Rect(0, TOP_H + 30, LOG_WIDTH, 300)
    pairs = zip(pixels_of(with_both, log), pixels_of(without, log), strict=True)
    changed = sum(a != b for a, b in pairs)
    assert changed > log.w * log.h * 0.2  # the log's panel and text
    activity_line = pygame.Rect(label.x, label.centery, label.w, label.h // 2)
    assert pixels_of(with_both, activity_line) != pixels_of(without, activity_line)


def test_emoji_beyond_the_bmp_are_drawn_when_a_font_has_them(fonts):
    # DejaVu (on most Linux machines) has ☕ but no emoji past U+FFFF: it does not count.
    if not any(pygame.font.match_font(name) for name in EMOJI_FONTS[:6]):
        pytest.skip("no emoji font on this machine")
    # pygame gives no metrics past U+FFFF; the glyph is found by rendering it
    assert fonts.emoji("💬", 14) is not None and fonts.emoji("📖", 14) is not None
    assert fonts.emoji("\U000e0001", 14) is None  # a tag character no font draws
