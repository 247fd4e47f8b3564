"""kill -9 at random moments: the trajectory, the checkpoints and the memory all survive."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agents.memory.index import ChromaSettings, open_index
from agents.memory.indexing import DEFAULT_INDEX_BLOCK, indexed_count
from agents.memory.reconcile import reconcile
from agents.memory.store import MemoryStore
from simulation.checkpoint import read_checkpoint
from simulation.trajectory import read_trajectory

ROOT = Path(__file__).resolve().parents[2]


LATENCY_S = 0.02
"""Each scripted LLM call's latency: a day takes several seconds, so every kill lands mid-run."""


def start(run_dir: Path, hours: float, resume: bool = False) -> subprocess.Popen:
    args = [sys.executable, "-m", "tests.agents.scripted_run", str(run_dir), str(hours)]
    args.append(str(LATENCY_S))
    return subprocess.Popen(
        [*args, *(["--resume"] if resume else [])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def wait_for_progress(run_dir: Path, seen: int) -> None:
    """Waits until the run has written more complete ticks than ``seen``."""
    deadline = time.time() + 120
    while time.time() < deadline:
        path = run_dir / "trajectory.jsonl"
        if path.exists() and path.read_text().count('"type":"frame"') > seen:
            return
        time.sleep(0.05)
    raise AssertionError("the run made no progress")


@pytest.mark.slow
@pytest.mark.timeout(900)  # a fresh process per kill; the last one may take 300 s to finish
def test_repeated_kill_9_never_loses_a_complete_tick_or_a_committed_memory(tmp_path):
    rng = random.Random(11)
    run_dir = tmp_path / "run"
    hours = 24.0
    process = start(run_dir, hours)
    seen = 0
    for round_ in range(4):
        wait_for_progress(run_dir, seen)
        time.sleep(rng.uniform(0.0, 0.3))  # lands in ticks, checkpoint writes or memory writes
        assert process.poll() is None, f"round {round_}: the run ended before the kill"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        frames = read_trajectory(run_dir).frames
        ticks = [f.tick for f in frames]
        assert ticks == list(range(1, len(ticks) + 1)), round_
        seen = len(ticks)
        checkpoint = read_checkpoint(run_dir)
        assert checkpoint["tick"] <= (ticks[-1] if ticks else 0)
        store = MemoryStore(run_dir / "memory.sqlite3")
        assert store.position() >= checkpoint["memory_position"]  # nothing committed was lost
        store.close()
        process = start(run_dir, hours, resume=True)
    process.communicate(timeout=300)
    assert process.returncode == 0
    frames = read_trajectory(run_dir).frames
    assert [f.tick for f in frames] == list(range(1, 145))
    store = MemoryStore(run_dir / "memory.sqlite3")
    index = open_index(ChromaSettings(), run_dir, store.meta("index_namespace"))
    assert reconcile(store, index).clean  # the index holds what the store says it should
    for agent in store.agents():
        assert index.count(agent) == indexed_count(store.count(agent), DEFAULT_INDEX_BLOCK)
    index.close()
    store.close()
