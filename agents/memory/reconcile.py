"""Keep the vector index in step with the memory store: health check, repair and rebuild.

The SQLite store is the record; the Chroma index is derived from it. After a crash the index
can miss vectors (killed between the SQLite commit and the Chroma add), hold vectors the store
rolled back (``truncate_after``), or — rarely, after SIGKILL during an add — be permanently
broken (``InternalError: Failed to apply logs to the hnsw segment writer``). ``reconcile``
detects all three and repairs them without losing a memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from agents.memory.index import VectorIndex, VectorIndexError
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


def reconcile(store: MemoryStore, index: VectorIndex) -> ReconcileReport:
    """Check every agent's collection against the store and repair it.

    Per agent: probe the collection (count + one query); on a Chroma error rebuild it.
    Otherwise re-add the store's ids missing from the index and delete the index's ids the
    store does not hold, then check the counts agree (else rebuild). Collections of agents
    without memories in the store are dropped.

    Args:
        store: The memory store (the record).
        index: The vector index to repair.

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
            added, deleted = _repair(store, index, agent)
        except VectorIndexError as error:
            logger.warning("vector index of %r is broken (%s); rebuilding it", agent, error)
            rebuild(store, index, agent)
            report.rebuilt.append(agent)
            continue
        report.added += added
        report.deleted += deleted
    if not report.clean:
        logger.info("vector index repaired: %s", report)
    return report


def rebuild(store: MemoryStore, index: VectorIndex, agent: str) -> None:
    """Delete an agent's collection and re-add every memory of the agent from the store.

    Args:
        store: The memory store (the record).
        index: The vector index.
        agent: The agent whose collection is rebuilt.

    Raises:
        VectorIndexError: If the rebuilt collection still does not match the store.
    """
    index.drop(agent)
    for batch in store.iter_agent(agent, REBUILD_BATCH):
        index.upsert(agent, [r.id for r in batch], np.stack([r.embedding for r in batch]))
    expected = store.count(agent)
    latest = store.recent(agent, 1)
    count = index.probe(agent, latest[0].embedding if latest else None)
    if count != expected:
        raise VectorIndexError(
            f"rebuilt collection of {agent!r} holds {count} vectors, the store {expected}"
        )
    logger.info("rebuilt the vector index of %r from %d memories", agent, expected)


def _repair(store: MemoryStore, index: VectorIndex, agent: str) -> tuple[int, int]:
    latest = store.recent(agent, 1)
    index.probe(agent, latest[0].embedding if latest else None)
    wanted = store.ids(agent)
    present = index.ids(agent)
    missing = sorted(wanted - present)
    extra = sorted(present - wanted)
    if extra:
        logger.info("deleting %d rolled-back vectors of %r", len(extra), agent)
        index.delete(agent, extra)
    for start in range(0, len(missing), REBUILD_BATCH):
        records = store.get(missing[start : start + REBUILD_BATCH])
        index.upsert(agent, [r.id for r in records], np.stack([r.embedding for r in records]))
    if missing:
        logger.info("re-added %d vectors of %r missing from the index", len(missing), agent)
    count = index.probe(agent, latest[0].embedding if latest else None)
    if count != len(wanted):
        raise VectorIndexError(f"index holds {count} vectors of {agent!r}, the store {len(wanted)}")
    return len(missing), len(extra)
