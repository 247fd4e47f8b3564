"""The canonical, crash-safe memory store: one SQLite database in WAL mode.

Durability: the database runs in WAL mode. ``add_many`` and ``truncate_after`` commit with
``synchronous=FULL`` (the WAL is fsynced at commit, so a committed batch survives kill -9 of
the writer *and* an OS crash or power loss, and a checkpoint that recorded ``position()`` can
always be honoured). ``touch`` — once per retrieval, so frequent — commits with
``synchronous=NORMAL``, which in WAL mode survives kill -9 of the writer (the committed frames
are in the WAL file) and only risks the latest access times on power loss; the next FULL commit
makes them durable too.

Write sequence: every write gets a sequence number from one counter — each memory its own,
each ``touch`` batch one. ``position()`` is the highest committed number; a checkpoint records
it and ``truncate_after(position)`` rolls the store back to it (deleting later memories and
undoing later touches through an undo log).

Threading: one writer. A store belongs to one process; its methods serialise on an internal
lock so threads may share it, but only one process may write a database at a time (other
processes may read it).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from agents.memory.records import MemoryRecord, sim_micros
from agents.memory.rows import (
    COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    CandidateRows,
    Transaction,
    from_row,
    to_row,
)

logger = logging.getLogger(__name__)


class MemoryStore:
    """SQLite store of memory records (see the module docstring for durability and threading).

    Args:
        path: Database file; created with its folder if missing.
    """

    def __init__(self, path: Path | str):
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=10000")
        mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"{self._path}: could not switch SQLite to WAL mode (got {mode})")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)  # idempotent; executescript commits on its own
        with self._transaction(durable=True):
            version = self._meta("schema_version")
            if version is None:
                self._set_meta("schema_version", SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self._path}: memory store schema {version}, this gentown reads "
                    f"{SCHEMA_VERSION}; start a new run directory"
                )
        self._next_seq = self.position() + 1
        dim = self._meta("dim")
        self._dim = int(dim) if dim is not None else None

    # -- sequence -----------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def dim(self) -> int | None:
        """Embedding size of the stored memories (``None`` while the store is empty)."""
        return self._dim

    def position(self) -> int:
        """Highest committed write-sequence number (0 for a new store)."""
        with self._lock:
            return int(self._meta("high_water") or 0)

    def reserve(self, n: int = 1) -> int:
        """Reserve ``n`` consecutive sequence numbers for records not yet added.

        Args:
            n: How many numbers.

        Returns:
            The first reserved number.
        """
        with self._lock:
            first = self._next_seq
            self._next_seq += n
            return first

    # -- writes -------------------------------------------------------------------------------

    def add_many(self, records: Sequence[MemoryRecord]) -> None:
        """Insert records in one durable transaction (all or none).

        Args:
            records: Records with reserved, unused sequence numbers and unique ids.

        Raises:
            ValueError: On a sequence number never reserved or an embedding of the wrong size.
            sqlite3.IntegrityError: On a duplicate id or sequence number.
        """
        if not records:
            return
        with self._lock:
            dims = {r.dim for r in records}
            if len(dims) != 1 or (self._dim is not None and dims != {self._dim}):
                raise ValueError(
                    f"{self._path}: embeddings of {sorted(dims)} dimensions, store holds "
                    f"{self._dim}-d vectors; a run directory keeps one embedding model"
                )
            top = max(r.seq for r in records)
            if top >= self._next_seq:
                raise ValueError(f"sequence number {top} was not reserved with reserve()")
            with self._transaction(durable=True):
                self._db.executemany(
                    f"INSERT INTO memories ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [to_row(r) for r in records],
                )
                if self._dim is None:
                    self._set_meta("dim", str(dims.pop()))
                self._raise_high_water(top)
            self._dim = records[0].dim

    def touch(self, ids: Iterable[str], when: datetime) -> None:
        """Set the last access time of memories to ``when`` (it never moves backwards).

        Args:
            ids: Memory ids; unknown ids are ignored.
            when: The simulated time of access.
        """
        unique = sorted(set(ids))
        if not unique:
            return
        with self._lock:
            seq = self.reserve()
            micros = sim_micros(when)
            marks = ",".join("?" * len(unique))
            with self._transaction(durable=False):
                self._db.execute(
                    "INSERT INTO touch_undo (seq, id, prev_last_accessed, prev_accessed_us) "
                    f"SELECT ?, id, last_accessed, accessed_us FROM memories "
                    f"WHERE id IN ({marks}) AND accessed_us < ?",
                    (seq, *unique, micros),
                )
                self._db.execute(
                    "UPDATE memories SET last_accessed = ?, accessed_us = ? "
                    f"WHERE id IN ({marks}) AND accessed_us < ?",
                    (when.isoformat(), micros, *unique, micros),
                )
                self._raise_high_water(seq)

    def truncate_after(self, position: int) -> list[tuple[str, str]]:
        """Roll back to ``position``: delete later memories and undo later touches.

        Args:
            position: A value of ``position()`` recorded earlier (e.g. in a checkpoint).

        Returns:
            ``(agent, id)`` of every deleted memory.

        Raises:
            ValueError: If ``position`` is ahead of the store or behind ``compact_undo``'s floor.
        """
        with self._lock:
            current = self.position()
            if position > current:
                raise ValueError(
                    f"{self._path}: cannot roll back to position {position}, the store is at "
                    f"{current}; the checkpoint belongs to another run or the store lost writes"
                )
            floor = int(self._meta("undo_floor") or 0)
            if position < floor:
                raise ValueError(
                    f"{self._path}: touches up to position {floor} were forgotten; cannot roll "
                    f"back to {position}"
                )
            removed = self.written_after(position)
            with self._transaction(durable=True):
                self._db.execute(
                    "UPDATE memories SET (last_accessed, accessed_us) = ("
                    " SELECT u.prev_last_accessed, u.prev_accessed_us FROM touch_undo u"
                    " WHERE u.id = memories.id AND u.seq > ? ORDER BY u.seq, u.rowid LIMIT 1)"
                    " WHERE id IN (SELECT id FROM touch_undo WHERE seq > ?)",
                    (position, position),
                )
                self._db.execute("DELETE FROM touch_undo WHERE seq > ?", (position,))
                self._db.execute("DELETE FROM memories WHERE seq > ?", (position,))
                self._set_meta("high_water", str(position))
            self._next_seq = position + 1
            return removed

    def compact_undo(self, positions: Sequence[int]) -> int:
        """Keep only the undo log that a rollback to one of ``positions`` can use.

        A rollback to ``p`` restores each memory's access time from its first touch after
        ``p``. So touches at or before the earliest position go, and between two kept
        positions only each memory's first touch stays: the log grows with the memories
        touched per kept checkpoint, not with every retrieval of the run.

        Args:
            positions: The store positions of the checkpoints that are kept.

        Returns:
            How many undo rows were dropped.
        """
        if not positions:
            return 0
        kept = sorted(set(positions))
        marks = ",".join("(?)" for _ in kept)
        with self._lock, self._transaction(durable=False):
            before = self._db.execute("SELECT count(*) FROM touch_undo").fetchone()[0]
            self._db.execute("DELETE FROM touch_undo WHERE seq <= ?", (kept[0],))
            self._db.execute(
                f"WITH kept(p) AS (VALUES {marks}), "
                "spans AS (SELECT rowid AS rid, ROW_NUMBER() OVER ("
                "  PARTITION BY id, (SELECT count(*) FROM kept WHERE p < touch_undo.seq)"
                "  ORDER BY seq, rowid) AS n FROM touch_undo) "
                "DELETE FROM touch_undo WHERE rowid IN (SELECT rid FROM spans WHERE n > 1)",
                kept,
            )
            floor = max(kept[0], int(self._meta("undo_floor") or 0))
            self._set_meta("undo_floor", str(floor))
            after = self._db.execute("SELECT count(*) FROM touch_undo").fetchone()[0]
        return int(before - after)

    # -- reads --------------------------------------------------------------------------------

    def get(self, ids: Sequence[str]) -> list[MemoryRecord]:
        """Records by id, in the order asked; unknown ids are skipped."""
        if not ids:
            return []
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM memories WHERE id IN ({','.join('?' * len(ids))})",
                tuple(ids),
            ).fetchall()
        found = {row[1]: from_row(row) for row in rows}
        return [found[i] for i in ids if i in found]

    def by_agent(self, agent: str) -> list[MemoryRecord]:
        """All records of an agent, oldest first."""
        return [record for batch in self.iter_agent(agent) for record in batch]

    def iter_agent(self, agent: str, batch_size: int = 1000) -> Iterator[list[MemoryRecord]]:
        """All records of an agent in batches, oldest first."""
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {COLUMNS} FROM memories WHERE agent = ? AND seq > ? "
                    "ORDER BY seq LIMIT ?",
                    (agent, after, batch_size),
                ).fetchall()
            if not rows:
                return
            yield [from_row(row) for row in rows]
            after = rows[-1][0]

    def recent(self, agent: str, n: int) -> list[MemoryRecord]:
        """The ``n`` most recently formed memories of an agent, newest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM memories WHERE agent = ? ORDER BY seq DESC LIMIT ?",
                (agent, n),
            ).fetchall()
        return [from_row(row) for row in rows]

    def ids(self, agent: str) -> set[str]:
        """Ids of all memories of an agent."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM memories WHERE agent = ?", (agent,))
            return {row[0] for row in rows}

    def ordered_ids(self, agent: str, start: int = 0, stop: int | None = None) -> list[str]:
        """Ids of an agent's memories in sequence order, ``[start:stop]`` of that order."""
        limit = -1 if stop is None else max(0, stop - start)
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM memories WHERE agent = ? ORDER BY seq LIMIT ? OFFSET ?",
                (agent, limit, start),
            )
            return [row[0] for row in rows]

    def vectors(self, agent: str, ids: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Embeddings of an agent's memories by id (unknown ids and other agents' skipped).

        Returns:
            ``(ids, seqs, embeddings)`` of the memories found, in sequence order.
        """
        rows: list[tuple[int, str, bytes]] = []
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows += self._db.execute(
                    "SELECT seq, id, embedding FROM memories "
                    f"WHERE id IN ({','.join('?' * len(chunk))}) AND +agent = ?",
                    (*chunk, agent),
                ).fetchall()
        rows.sort()
        matrix = np.empty((len(rows), self._dim or 0), dtype=np.float32)
        for i, row in enumerate(rows):
            matrix[i] = np.frombuffer(row[2], dtype="<f4")
        seqs = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        return [row[1] for row in rows], seqs, matrix

    def written_after(self, position: int) -> list[tuple[str, str]]:
        """``(agent, id)`` of the memories with a sequence number above ``position``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT agent, id FROM memories WHERE seq > ? ORDER BY seq", (position,)
            ).fetchall()
        return [(str(a), str(i)) for a, i in rows]

    def agents(self) -> list[str]:
        """Names of the agents that hold memories, sorted."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT agent FROM memories ORDER BY agent")
            return [row[0] for row in rows]

    def count(self, agent: str | None = None) -> int:
        """Number of memories of one agent, or of all agents."""
        with self._lock:
            if agent is None:
                return int(self._db.execute("SELECT COUNT(*) FROM memories").fetchone()[0])
            query = "SELECT COUNT(*) FROM memories WHERE agent = ?"
            return int(self._db.execute(query, (agent,)).fetchone()[0])

    def candidates(
        self, agent: str, k: int, extra_ids: Sequence[str] = (), newest: int = 0
    ) -> CandidateRows:
        """Retrieval candidates of an agent, without duplicates.

        Args:
            agent: Whose memories.
            k: How many most recently accessed and how many most important memories.
            extra_ids: More candidates (e.g. the vector index's nearest neighbours); ids of
                other agents are ignored.
            newest: How many of the most recently formed memories to add as well.

        Returns:
            The candidates' rows and decoded columns.
        """
        top = (
            f"SELECT {COLUMNS} FROM memories WHERE seq IN ("
            " SELECT seq FROM (SELECT seq FROM memories WHERE agent = ?"
            "  ORDER BY accessed_us DESC, seq DESC LIMIT ?)"
            " UNION SELECT seq FROM (SELECT seq FROM memories WHERE agent = ?"
            "  ORDER BY importance DESC, accessed_us DESC, seq DESC LIMIT ?)"
            " UNION SELECT seq FROM (SELECT seq FROM memories WHERE agent = ?"
            "  ORDER BY seq DESC LIMIT ?))"
        )
        with self._lock:
            rows = self._db.execute(top, (agent, k, agent, k, agent, newest)).fetchall()
            seen = {row[0] for row in rows}
            if extra_ids:
                # "+agent" keeps SQLite on the id index (it would scan the agent index instead).
                marks = ",".join("?" * len(extra_ids))
                more = self._db.execute(
                    f"SELECT {COLUMNS} FROM memories WHERE id IN ({marks}) AND +agent = ?",
                    (*extra_ids, agent),
                ).fetchall()
                rows += [row for row in more if row[0] not in seen]
        return CandidateRows.from_rows(rows, self._dim or 0)

    # -- metadata and lifecycle ----------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A free-form metadata value (``None`` if unset)."""
        with self._lock:
            return self._meta(key)

    def set_meta(self, key: str, value: str) -> None:
        """Set a free-form metadata value (durably)."""
        with self._lock, self._transaction(durable=True):
            self._set_meta(key, value)

    def close(self) -> None:
        """Close the database (idempotent)."""
        with self._lock:
            self._db.close()

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _raise_high_water(self, seq: int) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('high_water', ?) ON CONFLICT (key) DO UPDATE "
            "SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            (str(seq),),
        )

    def _transaction(self, durable: bool) -> Transaction:
        return Transaction(self._db, durable)
