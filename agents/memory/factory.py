"""Open a run's memory: store, vector index, health check and repair, stream."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from agents.memory.embedder import Embedder
from agents.memory.index import ChromaSettings, open_index
from agents.memory.indexing import DEFAULT_INDEX_BLOCK
from agents.memory.reconcile import reconcile
from agents.memory.scoring import DEFAULT_DECAY, DEFAULT_WEIGHTS, RetrievalWeights
from agents.memory.store import MemoryStore
from agents.memory.stream import MemoryStream
from simulation.run_reader import MEMORY_FILE

logger = logging.getLogger(__name__)


def open_memory(
    run_dir: Path,
    embedder: Embedder,
    chroma: ChromaSettings | None = None,
    *,
    weights: RetrievalWeights = DEFAULT_WEIGHTS,
    decay: float = DEFAULT_DECAY,
    candidate_k: int = 100,
    index_block: int = DEFAULT_INDEX_BLOCK,
) -> MemoryStream:
    """Open (or create) the memory of a run and bring its vector index in step with the store.

    The store is ``<run_dir>/memory.sqlite3``; the index is embedded Chroma in
    ``<run_dir>/chroma`` unless ``chroma`` says otherwise. Every agent's collection is checked
    against the store and repaired or rebuilt (see ``reconcile``).

    Args:
        run_dir: The run directory (created if missing).
        embedder: Embeds memory texts and queries (loaded lazily).
        chroma: Where the vector index lives (default: embedded in the run directory).
        weights: Retrieval component weights.
        decay: Per-hour recency decay.
        candidate_k: Size of each retrieval candidate list.
        index_block: Memories of an agent the vector index takes at a time.

    Returns:
        The memory stream of the run.
    """
    settings = chroma or ChromaSettings()
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    store = MemoryStore(run_dir / MEMORY_FILE)
    try:
        namespace = settings.namespace or store.meta("index_namespace")
        if namespace is None:
            digest = hashlib.sha1(str(run_dir.resolve()).encode("utf-8")).hexdigest()[:10]
            namespace = f"gt-{digest}"
        if store.meta("index_namespace") != namespace:
            store.set_meta("index_namespace", namespace)
        index = open_index(settings, run_dir, namespace)
    except BaseException:
        store.close()
        raise
    try:
        report = reconcile(store, index, index_block)
    except BaseException:
        index.close()
        store.close()
        raise
    logger.info(
        "memory opened: %d memories of %d agents at position %d (index %s)",
        store.count(),
        report.agents,
        store.position(),
        "in step" if report.clean else f"repaired: {report}",
    )
    return MemoryStream(store, index, embedder, weights, decay, candidate_k, index_block)
