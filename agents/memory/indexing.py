"""Which memories the vector index holds: each agent's memories in whole blocks, oldest first.

A Chroma add costs about 4 ms a call plus 0.3 ms a vector, so adding every tick's few new
memories of every agent would cost more than the rest of the simulator together. The index
therefore takes an agent's memories a block at a time: of an agent's ``n`` memories (in
sequence order) it holds the first ``n // block * block``. Retrieval makes the rest — fewer
than a block, the newest — candidates of every query and scores them exactly, so nothing is
missed. What the index holds is a function of the store alone: a resumed run, a rebuilt index
and an uninterrupted run agree on it, and so on every ranking.
"""

from __future__ import annotations

DEFAULT_INDEX_BLOCK = 64
"""Memories of an agent the index takes at a time."""


def indexed_count(count: int, block: int) -> int:
    """How many of an agent's memories (the oldest) the index holds.

    Args:
        count: The agent's memories in the store.
        block: Memories the index takes at a time (at least 1).

    Returns:
        ``count`` rounded down to a whole number of blocks.
    """
    if block < 1:
        raise ValueError(f"the index block must be at least 1, got {block}")
    return count // block * block
