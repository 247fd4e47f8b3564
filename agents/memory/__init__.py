"""Agent memory: records, a crash-safe SQLite store, a Chroma vector index and retrieval.

Heavy libraries (chromadb, sentence-transformers) are imported only when used.
"""

from agents.memory.embedder import Embedder, SentenceTransformerEmbedder
from agents.memory.factory import open_memory
from agents.memory.index import ChromaSettings, VectorIndex, VectorIndexError, open_index
from agents.memory.reconcile import ReconcileReport, rebuild, reconcile
from agents.memory.records import MemoryKind, MemoryRecord, ScoredMemory
from agents.memory.retrieval import Retriever
from agents.memory.scoring import RetrievalWeights
from agents.memory.store import MemoryStore
from agents.memory.stream import MemoryStream, PendingMemoriesError

__all__ = [
    "ChromaSettings",
    "Embedder",
    "MemoryKind",
    "MemoryRecord",
    "MemoryStore",
    "MemoryStream",
    "PendingMemoriesError",
    "ReconcileReport",
    "RetrievalWeights",
    "Retriever",
    "ScoredMemory",
    "SentenceTransformerEmbedder",
    "VectorIndex",
    "VectorIndexError",
    "open_index",
    "open_memory",
    "rebuild",
    "reconcile",
]
