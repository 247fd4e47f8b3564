import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from agents.memory.index import ChromaSettings, open_index
from agents.memory.indexing import indexed_count
from agents.memory.reconcile import reconcile
from agents.memory.store import MemoryStore

ROOT = Path(__file__).resolve().parents[3]
WRITER = Path(__file__).with_name("crash_writer.py")
BLOCK = 7
"""Index block of the writer: most flushes complete a block of some agent and add to Chroma."""


def _start_writer(run_dir: Path, batch: int, log: Path) -> tuple[subprocess.Popen, queue.Queue]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, str(WRITER), str(run_dir), str(batch), str(BLOCK)],
        stdout=subprocess.PIPE,
        stderr=log.open("a"),
        text=True,
        cwd=ROOT,
        env=env,
    )
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


def _next_line(lines: queue.Queue, log: Path) -> str:
    try:
        line = lines.get(timeout=120)
    except queue.Empty:
        pytest.fail(f"writer silent for 120 s; stderr:\n{log.read_text()}")
    if line is None:
        pytest.fail(f"writer exited early; stderr:\n{log.read_text()}")
    return line


@pytest.mark.slow
def test_kill_9_during_writes_loses_no_committed_memory(tmp_path):
    run_dir, log = tmp_path / "run", tmp_path / "writer.log"
    rng = random.Random(20240213)
    reported: list[str] = []
    repairs = []
    for cycle in range(4):
        process, lines = _start_writer(run_dir, batch=150, log=log)
        assert _next_line(lines, log) == "ready"
        for _ in range(2 + cycle):
            reported.append(_next_line(lines, log))
        time.sleep(rng.uniform(0.0, 0.08))  # land somewhere inside the next batch
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        while (line := lines.get(timeout=30)) is not None:
            reported.append(line)  # printed before the kill

        store = MemoryStore(run_dir / "memory.sqlite3")
        index = open_index(ChromaSettings(), run_dir, store.meta("index_namespace"))
        repairs.append(reconcile(store, index, BLOCK))
        assert len(store.get(reported)) == len(reported), "a reported memory was lost"
        top = max(int(memory_id.rsplit("-", 1)[1]) for memory_id in reported)
        assert store.position() >= top
        assert store.count() == store.position()  # no holes: batches are all or nothing
        for agent in store.agents():
            indexed = indexed_count(store.count(agent), BLOCK)
            assert index.count(agent) == indexed
            [newest] = store.get(store.ordered_ids(agent, indexed - 1, indexed))
            [[hit]] = index.query(agent, newest.embedding, 1)
            # the hashing embedder may give two texts the same vector; compare vectors
            assert float(store.get([hit])[0].embedding @ newest.embedding) > 0.9999
        assert reconcile(store, index, BLOCK).clean
        index.close()
        store.close()
    print("repairs after each kill:", repairs)
