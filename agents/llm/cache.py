"""A persistent response cache: the same request gives the same reply without a call.

Keyed by a hash of everything that determines a reply (model, messages, sampling parameters and
output schema), stored in SQLite so a rerun of the same seed replays a run without calling the
model. A reply that validated is stored with its text; a call that still failed validation
after its retries is stored as that failure, so a rerun makes the same fallback without a call.
Provider errors (timeouts, refusals) are not stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel


class CachedReply(BaseModel):
    """A reply as stored in the cache: a validated reply's text, or the failure it ended in."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    failure: str | None = None


def request_key(model: str, messages: list[dict[str, str]], params: Mapping[str, Any]) -> str:
    """Hashes everything that determines a model's reply.

    Args:
        model: The model string.
        messages: The chat messages.
        params: Sampling parameters, the seed and the output schema.

    Returns:
        A hex sha256 digest.
    """
    payload = json.dumps(
        {"model": model, "messages": messages, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class ResponseCache:
    """SQLite-backed reply cache, safe to share between threads.

    Args:
        path: The database file; created with its folder if missing.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, reply TEXT NOT NULL)"
        )

    def get(self, key: str) -> CachedReply | None:
        """Returns the stored reply for a key, or None."""
        with self._lock:
            row = self._db.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        return None if row is None else CachedReply.model_validate_json(row[0])

    def put(self, key: str, reply: CachedReply) -> None:
        """Stores a reply under a key, replacing any older one."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO replies (key, reply) VALUES (?, ?)",
                (key, reply.model_dump_json()),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    def close(self) -> None:
        """Closes the database."""
        with self._lock:
            self._db.close()
