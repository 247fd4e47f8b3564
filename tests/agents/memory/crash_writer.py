"""Writer process for test_crash: adds memories in batches until killed.

Usage: python crash_writer.py RUN_DIR BATCH_SIZE INDEX_BLOCK

Prints ``ready`` once the memory is open, then the id of the last memory of every batch
that ``flush()`` committed (SQLite and Chroma), one per line, flushed immediately.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

from agents.memory.factory import open_memory
from agents.memory.records import MemoryKind
from tests.doubles.embedder import HashingEmbedder

AGENTS = ("Ada Lovelace", "Bob", "Cy")
T0 = datetime(2023, 2, 13, 8, 0)


def main() -> None:
    run_dir, batch, block = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    stream = open_memory(run_dir, HashingEmbedder(), index_block=block)
    print("ready", flush=True)
    i = stream.count()
    while True:
        for _ in range(batch):
            agent = AGENTS[i % len(AGENTS)]
            text = f"{agent} noticed thing {i} near place {i % 17} with colour {i % 5}"
            stream.add(agent, MemoryKind.OBSERVATION, text, T0 + timedelta(minutes=i), 1 + i % 10)
            i += 1
        records = stream.flush()
        print(records[-1].id, flush=True)


if __name__ == "__main__":
    main()
