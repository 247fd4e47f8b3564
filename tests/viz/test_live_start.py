"""`run --viewer` shows the town at tick 0 before the first (slow) tick; the progress line."""

import asyncio
import threading
import time

import pytest

import agents.assembly
import agents.cli.runs
import viz.app
from agents.assembly import LLMStack, build_town, choose_cast
from agents.cli.runs import run_and_report
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from agents.run_config import RunConfig
from simulation.trajectory import read_trajectory
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.llm import ScriptedBackend
from tests.doubles.town_llm import TownScript
from viz.progress import progress_text
from worlds.loader import load_world

DEADLINE_S = 20


class GatedBackend(ScriptedBackend):
    """The scripted town LLM, whose replies wait until ``gate`` opens (or a deadline)."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__(TownScript())
        self.gate = gate

    async def complete(self, request):
        await asyncio.to_thread(self.gate.wait, DEADLINE_S)
        return await super().complete(request)


class WindowDouble:
    """Stands in for the live window: notes what arrives, then opens the gate."""

    def __init__(self, gate, world, personas, frames, size=(1280, 720), *, progress=None):
        self.gate, self.frames, self.progress = gate, frames, progress
        self.received: list = []
        self.progress_lines: list[str] = []
        self.closed = False

    def run(self) -> None:
        self.received.append(self.frames.get(timeout=DEADLINE_S))
        deadline = time.monotonic() + DEADLINE_S  # wait for the first calls to start
        while self.progress.progress().step is None and time.monotonic() < deadline:
            time.sleep(0.01)
        self.progress_lines.append(progress_text(self.progress.progress()))
        self.gate.set()
        while (item := self.frames.get(timeout=DEADLINE_S)) is not None:
            self.received.append(item)


@pytest.fixture
def gate():
    gate = threading.Event()
    yield gate
    gate.set()


def test_the_live_window_gets_a_tick_0_frame_before_the_first_step_completes(
    tmp_path, monkeypatch, gate
):
    settings = LLMSettings(model="scripted/town", cache=False)
    config = RunConfig(
        world="two_rooms", hours=1 / 3, llm=settings, chroma=ChromaSettings(ephemeral=True)
    )
    world = load_world("two_rooms")
    cast = choose_cast(config, world)
    run_dir = tmp_path / "run"

    def open_town(config, world, personas, out, sinks=None):
        stack = LLMStack(settings, backend=GatedBackend(gate))
        town = build_town(config, world, personas, out, stack, HashingEmbedder(), sinks=sinks)
        town.on_close(stack.close)
        return town

    windows: list[WindowDouble] = []

    def open_window(*args, **kwargs):
        windows.append(WindowDouble(gate, *args, **kwargs))
        return windows[-1]

    monkeypatch.setattr(agents.assembly, "open_town", open_town)
    monkeypatch.setattr(viz.app, "LiveViewer", open_window)
    assert agents.cli.runs.run_with_viewer(config, world, cast, run_dir, quiet=True) == 0
    (window,) = windows
    first = window.received[0]
    # the gate held every LLM reply of tick 1 until this frame had arrived
    assert first.tick == 0 and first.time == config.start_time
    assert {a.name for a in first.agents} == {p.name for p in cast}
    assert first.object_states  # the furniture shows too
    assert [f.tick for f in window.received] == [0, 1, 2]
    assert window.progress_lines[0].startswith("tick 1/2 · ")
    # the trajectory is unchanged: it starts at tick 1
    assert [f.tick for f in read_trajectory(run_dir).frames] == [1, 2]


def test_the_cli_prints_the_progress_line_on_stderr_when_asked(tmp_path, capsys):
    settings = LLMSettings(model="scripted/town", cache=False)
    config = RunConfig(
        world="two_rooms", hours=1 / 3, llm=settings, chroma=ChromaSettings(ephemeral=True)
    )
    world = load_world("two_rooms")
    opened = threading.Event()
    opened.set()
    for quiet, run_dir in ((False, tmp_path / "a"), (True, tmp_path / "b")):
        stack = LLMStack(settings, backend=GatedBackend(opened))
        town = build_town(
            config, world, choose_cast(config, world), run_dir, stack, HashingEmbedder()
        )
        town.on_close(stack.close)
        town.start()
        assert run_and_report(town, quiet=quiet, progress_line=True) == 0
        err = capsys.readouterr().err
        if quiet:
            assert "LLM call" not in err
        else:  # one line rewritten in place (stderr is no terminal here: the flag asks for it)
            last = err.rstrip("\n").rsplit("\r", 1)[-1]
            assert err.startswith("\r") and "\n" not in err.rstrip("\n")
            assert last.startswith("done · 2 ticks · ") and "LLM call" in last
