"""A deterministic, offline embedder for tests: hashed bag of words."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[a-z0-9']+")


class HashingEmbedder:
    """Each word adds ±1 to a bucket chosen by a stable hash; rows are unit length.

    Texts sharing words get a positive cosine; texts with no word in common are (nearly)
    orthogonal. Texts without words embed as the token ``<empty>`` (never a zero vector).

    Attributes:
        calls: The batches passed to ``embed``, for asserting on batching.
    """

    def __init__(self, dim: int = 64):
        self._dim = dim
        self.calls: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()) or ["<empty>"]:
                digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self._dim] += 1.0 if (value >> 32) & 1 else -1.0
            norm = np.linalg.norm(out[row])
            if norm == 0:  # words cancelled out; fall back to a fixed direction
                out[row, 0] = 1.0
                norm = 1.0
            out[row] /= norm
        return out
