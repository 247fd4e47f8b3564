"""SQLite layer of the memory store: schema, row codec, transactions."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from agents.memory.records import MemoryKind, MemoryRecord, sim_micros

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS memories (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    agent TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    created TEXT NOT NULL,
    last_accessed TEXT NOT NULL,
    accessed_us INTEGER NOT NULL,
    importance INTEGER NOT NULL CHECK (importance BETWEEN 1 AND 10),
    evidence TEXT NOT NULL,
    embedding BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_agent_seq ON memories (agent, seq);
CREATE INDEX IF NOT EXISTS memories_agent_kind_seq ON memories (agent, kind, seq);
CREATE INDEX IF NOT EXISTS memories_agent_accessed ON memories (agent, accessed_us, seq);
CREATE INDEX IF NOT EXISTS memories_agent_importance
    ON memories (agent, importance, accessed_us, seq);
CREATE TABLE IF NOT EXISTS touch_undo (
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    prev_last_accessed TEXT NOT NULL,
    prev_accessed_us INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS touch_undo_seq ON touch_undo (seq);
"""

COLUMNS = (
    "seq, id, agent, kind, text, created, last_accessed, accessed_us, importance, evidence, "
    "embedding"
)


def to_row(record: MemoryRecord) -> tuple[object, ...]:
    """The ``COLUMNS`` values of a record."""
    return (
        record.seq,
        record.id,
        record.agent,
        record.kind.value,
        record.text,
        record.created.isoformat(),
        record.last_accessed.isoformat(),
        sim_micros(record.last_accessed),
        record.importance,
        json.dumps(list(record.evidence)),
        encode_vector(record.embedding),
    )


def from_row(row: sqlite3.Row | tuple[object, ...]) -> MemoryRecord:
    """Build a record from the ``COLUMNS`` values of a row."""
    seq, id_, agent, kind, text, created, accessed, _, importance, evidence, blob = row
    return MemoryRecord(
        id=str(id_),
        seq=int(seq),  # type: ignore[call-overload]
        agent=str(agent),
        kind=MemoryKind(kind),
        text=str(text),
        created=datetime.fromisoformat(str(created)),
        last_accessed=datetime.fromisoformat(str(accessed)),
        importance=int(importance),  # type: ignore[call-overload]
        evidence=tuple(json.loads(str(evidence))),
        embedding=decode_vector(blob),  # type: ignore[arg-type]
    )


def encode_vector(vector: np.ndarray) -> bytes:
    """Little-endian float32 bytes of a vector."""
    return np.asarray(vector, dtype="<f4").tobytes()


def decode_vector(blob: bytes) -> np.ndarray:
    """Float32 vector from ``encode_vector`` bytes."""
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


@dataclass(frozen=True, slots=True)
class CandidateRows:
    """Columns of a retrieval candidate set, index-aligned (rows are full ``COLUMNS`` tuples)."""

    rows: list[tuple[object, ...]]
    seqs: np.ndarray
    accessed_us: np.ndarray
    importance: np.ndarray
    embeddings: np.ndarray

    @classmethod
    def from_rows(cls, rows: list[tuple[object, ...]], dim: int) -> CandidateRows:
        """Decode rows selected with ``COLUMNS``."""
        n = len(rows)
        embeddings = np.empty((n, dim), dtype=np.float32)
        for i, row in enumerate(rows):
            embeddings[i] = np.frombuffer(row[10], dtype="<f4")  # type: ignore[call-overload]
        return cls(
            rows=rows,
            seqs=np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
            accessed_us=np.fromiter((r[7] for r in rows), dtype=np.int64, count=n),
            importance=np.fromiter((r[8] for r in rows), dtype=np.float64, count=n),
            embeddings=embeddings,
        )


class Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error) at a chosen synchronous level."""

    def __init__(self, db: sqlite3.Connection, durable: bool):
        self._db = db
        self._durable = durable

    def __enter__(self) -> None:
        if self._durable:
            self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            if self._durable:
                self._db.execute("PRAGMA synchronous=NORMAL")
