"""The progress line of what the minds are doing: its text, its source and its writer."""

from dataclasses import dataclass

from tests.viz.helpers import render
from viz.progress import Progress, ProgressLine, RunProgress, progress_text


@dataclass(frozen=True)
class Call:
    step: str
    phase: str
    agent: str | None = None
    cache_hit: bool = False


def test_progress_text():
    planning = Progress(tick=3, step="plan_day", done=2, of=3, calls=14)
    assert progress_text(planning) == "tick 3 · planning the day 2/3 · 14 LLM calls"
    assert progress_text(Progress(tick=1, ticks=24, calls=1)) == "tick 1/24 · 1 LLM call"
    talking = Progress(tick=7, ticks=24, step="converse", done=0, of=2, calls=1234)
    assert progress_text(talking) == "tick 7/24 · talking 0/2 · 1,234 LLM calls"
    new_step = Progress(tick=2, step="scene_write", calls=0)
    assert progress_text(new_step) == "tick 2 · scene write · 0 LLM calls"
    assert (
        progress_text(Progress(tick=24, calls=56, finished=True))
        == "done · 24 ticks · 56 LLM calls"
    )


def test_run_progress_counts_the_calls_of_the_busiest_step_this_tick():
    progress = RunProgress(ticks=24)
    assert progress_text(progress.progress()) == "tick 1/24 · 0 LLM calls"
    for agent in ("Rosa", "Tom", "Leo"):
        progress.observe(Call("plan_day", "start", agent))
    progress.observe(Call("importance", "start", "Rosa"))
    assert progress_text(progress.progress()) == "tick 1/24 · planning the day 0/3 · 0 LLM calls"
    progress.observe(Call("importance", "end", "Rosa"))
    progress.observe(Call("plan_day", "end", "Rosa"))
    progress.observe(Call("plan_day", "end", "Tom"))
    assert progress_text(progress.progress()) == "tick 1/24 · planning the day 2/3 · 3 LLM calls"
    progress.observe(Call("decompose", "start", "Rosa"))
    progress.observe(Call("decompose", "start", "Tom"))
    # two steps break plans down, one still plans: the busier step is shown
    assert progress.progress().step == "decompose"
    for phase in ("end", "end"):
        progress.observe(Call("decompose", phase))
    progress.observe(Call("plan_day", "end", "Leo"))
    assert progress_text(progress.progress()) == "tick 1/24 · 6 LLM calls"
    progress.tick_done(1)
    progress.observe(Call("react", "start", "Tom"))
    assert progress_text(progress.progress()) == "tick 2/24 · deciding what to do 0/1 · 6 LLM calls"
    progress.finish()
    assert progress_text(progress.progress()) == "done · 1 ticks · 6 LLM calls"


def test_a_tie_goes_to_the_step_earlier_in_the_day():
    progress = RunProgress(first_tick=5, calls=40)
    progress.observe(Call("converse", "start"))
    progress.observe(Call("plan_day", "start"))
    assert progress_text(progress.progress()) == "tick 5 · planning the day 0/1 · 40 LLM calls"


def test_the_line_is_rewritten_in_place_and_ended_with_a_newline():
    written: list[str] = []
    progress = RunProgress(ticks=3)
    line = ProgressLine(progress, written.append, every_s=60)
    progress.observe(Call("plan_day", "start"))
    longer = line.update()
    assert longer == "tick 1/3 · planning the day 0/1 · 0 LLM calls"
    progress.observe(Call("plan_day", "end"))
    line.update()
    assert written[-1] == "\r" + "tick 1/3 · 1 LLM call".ljust(len(longer))  # covers the longer
    line.start()
    line.stop()
    assert written[-1] == "\n" and written[-2].startswith("\rtick 1/3")


def test_a_live_viewer_shows_the_line_until_the_run_ends(make_viewer, two_rooms_run):
    progress = RunProgress(ticks=14)
    progress.observe(Call("plan_day", "start"))
    viewer = make_viewer(two_rooms_run, live=True, progress=progress)
    render(viewer, 0)
    assert viewer.progress_line == "tick 1/14 · planning the day 0/1 · 0 LLM calls"
    viewer.finished = True
    render(viewer, 0)
    assert viewer.progress_line is None
