"""Keep the vector index in step with the memory store: health check, repair and rebuild.

The SQLite store is the record; the Chroma index is derived from it. After a crash the index
can miss vectors (killed between the SQLite commit and the Chroma add), hold vectors the store
rolled back (``truncate_after``), or — rarely, after SIGKILL during an add — be permanently
broken (``InternalError: Failed to apply logs to the hnsw segment writer``). ``reconcile``
detects all three and repairs them without losing a memory.

"In step" means the index holds exactly the memories ``indexing.indexed_count`` says: each
agent's oldest memories, in whole blocks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from agents.memory.index import VectorIndex, VectorIndexError
from agents.memory.indexing import DEFAULT_INDEX_BLOCK, indexed_count
from agents.memory.store import MemoryStore

logger = logging.getLogger(__name__)

REBUILD_BATCH = 2000


@dataclass
class ReconcileReport:
    """What ``reconcile`` found and did."""

    agents: int = 0
    added: int = 0
    deleted: int = 0
    rebuilt: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether the index already matched the store."""
        return not (self.added or self.deleted or self.rebuilt or self.dropped)


def reconcile(
    store: MemoryStore, index: VectorIndex, block: int = DEFAULT_INDEX_BLOCK
) -> ReconcileReport:
    """Check every agent's collection against the store and repair it.

    Per agent: probe the collection (count + one query); on a Chroma error rebuild it.
    Otherwise add the indexed memories missing from the index and delete the vectors that
    should not be there (rolled back, or beyond the last whole block), then check the counts
    agree (else rebuild). Collections of agents without memories in the store are dropped.

    Args:
        store: The memory store (the record).
        index: The vector index to repair.
        block: Memories of an agent the index takes at a time.

    Returns:
        What was repaired.
    """
    report = ReconcileReport()
    stored = store.agents()
    for agent in sorted(set(index.agents()) - set(stored)):
        index.drop(agent)
        report.dropped.append(agent)
    for agent in stored:
        report.agents += 1
        try:
            added, deleted = _repair(store, index, agent, block)
        except VectorIndexError as error:
            logger.warning("vector index of %r is broken (%s); rebuilding it", agent, error)
            rebuild(store, index, agent, block)
            report.rebuilt.append(agent)
            continue
        report.added += added
        report.deleted += deleted
    if not report.clean:
        logger.info("vector index repaired: %s", report)
    return report


def rebuild(
    store: MemoryStore, index: VectorIndex, agent: str, block: int = DEFAULT_INDEX_BLOCK
) -> None:
    """Delete an agent's collection and re-add its indexed memories from the store.

    Args:
        store: The memory store (the record).
        index: The vector index.
        agent: The agent whose collection is rebuilt.
        block: Memories of an agent the index takes at a time.

    Raises:
        VectorIndexError: If the rebuilt collection still does not match the store.
    """
    index.drop(agent)
    expected = indexed_count(store.count(agent), block)
    wanted = store.ordered_ids(agent, 0, expected)
    _add(store, index, agent, wanted)
    count = index.probe(agent, _probe_vector(store, wanted))
    if count != expected:
        raise VectorIndexError(
            f"rebuilt collection of {agent!r} holds {count} vectors, the store {expected}"
        )
    logger.info("rebuilt the vector index of %r from %d memories", agent, expected)


def _repair(store: MemoryStore, index: VectorIndex, agent: str, block: int) -> tuple[int, int]:
    """Bring one agent's collection in step with the store, without a rebuild.

    Args:
        store: The memory store (the record).
        index: The vector index.
        agent: Whose collection.
        block: Memories of an agent the index takes at a time.

    Returns:
        How many vectors were added and how many deleted.

    Raises:
        VectorIndexError: If Chroma fails or the counts still disagree (rebuild then).
    """
    wanted_ids = store.ordered_ids(agent, 0, indexed_count(store.count(agent), block))
    probe = _probe_vector(store, wanted_ids)
    index.probe(agent, probe)
    wanted = set(wanted_ids)
    present = index.ids(agent)
    missing = [memory_id for memory_id in wanted_ids if memory_id not in present]
    extra = sorted(present - wanted)
    if extra:
        logger.info("deleting %d vectors of %r the index should not hold", len(extra), agent)
        index.delete(agent, extra)
    _add(store, index, agent, missing)
    if missing:
        logger.info("re-added %d vectors of %r missing from the index", len(missing), agent)
    count = index.probe(agent, probe)
    if count != len(wanted):
        raise VectorIndexError(f"index holds {count} vectors of {agent!r}, wanted {len(wanted)}")
    return len(missing), len(extra)


def _add(store: MemoryStore, index: VectorIndex, agent: str, ids: list[str]) -> None:
    for start in range(0, len(ids), REBUILD_BATCH):
        records = store.get(ids[start : start + REBUILD_BATCH])
        index.upsert(agent, [r.id for r in records], np.stack([r.embedding for r in records]))


def _probe_vector(store: MemoryStore, ids: list[str]) -> np.ndarray | None:
    """The newest indexed memory's vector, to query the collection with (None if empty)."""
    return store.get(ids[-1:])[0].embedding if ids else None
