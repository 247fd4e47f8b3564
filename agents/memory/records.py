"""Memory records: what an agent remembers, as stored in the memory store and the vector index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np

_EPOCH = datetime(1970, 1, 1)
MIN_IMPORTANCE = 1
MAX_IMPORTANCE = 10


class MemoryKind(StrEnum):
    """What produced a memory."""

    OBSERVATION = "observation"
    REFLECTION = "reflection"
    PLAN = "plan"
    CONVERSATION = "conversation"
    WHISPER = "whisper"
    EVENT = "event"


def sim_micros(when: datetime) -> int:
    """Microseconds of a simulated time since 1970-01-01, used to order and subtract times.

    Naive datetimes (the simulation clock) are read as they are; aware ones are converted to UTC
    first, so both kinds order consistently.

    Args:
        when: A simulated time.

    Returns:
        Integer microseconds since 1970-01-01 (UTC for aware datetimes).
    """
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def as_embedding(vector: np.ndarray | list[float], dim: int | None = None) -> np.ndarray:
    """Validate a vector and return it as a read-only, unit-length float32 array.

    Args:
        vector: A 1-d vector.
        dim: The expected length, if known.

    Returns:
        The normalised float32 vector (read-only).

    Raises:
        ValueError: If the vector is not 1-d, has the wrong length, is not finite or is zero
            (zero or placeholder vectors are never stored).
    """
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"an embedding must be a non-empty 1-d vector, got shape {array.shape}")
    if dim is not None and array.shape[0] != dim:
        raise ValueError(f"embedding has {array.shape[0]} dimensions, expected {dim}")
    if not np.all(np.isfinite(array)):
        raise ValueError("embedding contains NaN or infinite values")
    norm = float(np.linalg.norm(array))
    if norm < 1e-12:
        raise ValueError("embedding is a zero vector; zero or placeholder vectors are not stored")
    if abs(norm - 1.0) > 1e-5:
        array = array / np.float32(norm)
    elif array.flags.writeable:
        array = array.copy()
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True)
class MemoryRecord:
    """One memory of one agent.

    Attributes:
        id: Stable identifier, ``f"{agent}-{seq}"`` when assigned by the memory stream.
        seq: Position in the memory store's write sequence (see ``MemoryStore.position``).
        agent: Name of the agent who holds the memory.
        kind: What produced the memory.
        text: The memory in natural language.
        created: Simulated time at which the memory was formed.
        last_accessed: Simulated time at which the memory was formed or last retrieved.
        importance: Poignancy from 1 (mundane) to 10 (life-changing).
        embedding: Unit-length float32 embedding of ``text`` (read-only).
        evidence: Ids of the memories this one was derived from (reflections, plans).
    """

    id: str
    seq: int
    agent: str
    kind: MemoryKind
    text: str
    created: datetime
    last_accessed: datetime
    importance: int
    embedding: np.ndarray = field(compare=False, repr=False)
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a memory needs a non-empty id")
        if not self.agent:
            raise ValueError(f"memory {self.id!r} needs a non-empty agent name")
        if self.seq < 1:
            raise ValueError(f"memory {self.id!r} has seq {self.seq}; sequence numbers start at 1")
        if not isinstance(self.kind, MemoryKind):
            object.__setattr__(self, "kind", MemoryKind(self.kind))
        importance = int(self.importance)
        if not MIN_IMPORTANCE <= importance <= MAX_IMPORTANCE:
            raise ValueError(
                f"memory {self.id!r} has importance {self.importance}; "
                f"it must be an integer from {MIN_IMPORTANCE} to {MAX_IMPORTANCE}"
            )
        object.__setattr__(self, "importance", importance)
        object.__setattr__(self, "evidence", tuple(str(e) for e in self.evidence))
        object.__setattr__(self, "embedding", as_embedding(self.embedding))

    @property
    def dim(self) -> int:
        """Number of dimensions of the embedding."""
        return int(self.embedding.shape[0])


@dataclass(frozen=True, slots=True)
class ScoredMemory:
    """A retrieved memory with its retrieval score.

    The three components are min–max normalised over the candidate set (before weighting);
    ``score`` is their weighted sum. ``record.last_accessed`` is the value used for scoring,
    i.e. before this retrieval touched the memory.

    Attributes:
        record: The memory.
        score: Weighted sum of the normalised components.
        recency: Normalised recency.
        importance: Normalised importance.
        relevance: Normalised relevance.
        similarity: Raw cosine similarity to the (best-matching) query.
    """

    record: MemoryRecord
    score: float
    recency: float
    importance: float
    relevance: float
    similarity: float
