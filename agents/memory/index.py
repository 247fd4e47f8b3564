"""The Chroma vector index of memories: one cosine collection per agent, rebuildable from SQLite.

The index never embeds anything itself: collections are created with no embedding function
and every call passes ``embeddings=`` / ``query_embeddings=``, so Chroma never fetches its
default model. Vectors carry no documents or metadata; the SQLite store is the record.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from simulation.run_reader import CHROMA_DIR

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

logger = logging.getLogger(__name__)

_AGENT_KEY = "gentown_agent"
_NAMESPACE_KEY = "gentown_namespace"
_NAMESPACE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,19}$"


class VectorIndexError(RuntimeError):
    """Chroma failed on a collection (e.g. a broken HNSW segment); rebuild it from the store."""


class ChromaUnreachable(RuntimeError):
    """The Chroma server the settings name does not answer (at the start, or any time later)."""


class ChromaSettings(BaseModel):
    """Where the vector index lives.

    By default an embedded ``PersistentClient`` in ``<run dir>/chroma``; ``host`` points to a
    Chroma server (``chroma run``) instead; ``ephemeral`` keeps the index in memory (it is
    rebuilt from the memory store at every start).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str | None = Field(None, description="Chroma server host; None for embedded Chroma.")
    port: int = Field(8000, ge=1, le=65535)
    ssl: bool = False
    path: Path | None = Field(None, description="Embedded index folder (default <run>/chroma).")
    ephemeral: bool = Field(False, description="In-memory index, rebuilt at every start.")
    namespace: str | None = Field(
        None,
        pattern=_NAMESPACE_PATTERN,
        description="Prefix of this run's collection names (default: derived once per run).",
    )

    @model_validator(mode="after")
    def _one_location(self) -> ChromaSettings:
        if self.host is not None and (self.path is not None or self.ephemeral):
            raise ValueError("set either host (a Chroma server) or path/ephemeral, not both")
        if self.path is not None and self.ephemeral:
            raise ValueError("an ephemeral index has no path; drop one of path and ephemeral")
        return self


def collection_name(namespace: str, agent: str) -> str:
    """A valid, collision-safe Chroma collection name for an agent (at most 63 characters).

    Args:
        namespace: The run's namespace.
        agent: The agent's name (any string).

    Returns:
        ``<namespace>-<slug>-<hash>``: the slug keeps names readable, the hash unique.
    """
    digest = hashlib.sha1(agent.encode("utf-8")).hexdigest()[:10]
    slug = re.sub(r"[^a-z0-9]+", "-", agent.lower()).strip("-")[:24].strip("-")
    return f"{namespace}-{slug}-{digest}" if slug else f"{namespace}-{digest}"


def open_index(settings: ChromaSettings, run_dir: Path, namespace: str) -> VectorIndex:
    """Connect to Chroma as ``settings`` says.

    Args:
        settings: Where the index lives.
        run_dir: The run directory (holds the embedded index by default).
        namespace: Prefix of this run's collection names.

    Returns:
        The vector index.

    Raises:
        ChromaUnreachable: The settings name a Chroma server that does not answer.
    """
    import chromadb
    from chromadb.config import Settings

    chroma_settings = Settings(anonymized_telemetry=False)
    if settings.host is not None:
        logger.info("vector index: Chroma server %s:%s", settings.host, settings.port)
        try:
            client = chromadb.HttpClient(
                host=settings.host, port=settings.port, ssl=settings.ssl, settings=chroma_settings
            )
        except Exception as error:  # chromadb raises ValueError, or a connection error
            raise ChromaUnreachable(
                f"cannot reach the Chroma server at {settings.host}:{settings.port} ({error}); "
                f"start one with `chroma run --path <folder> --port {settings.port}`, or leave "
                "out the server to use the embedded index"
            ) from None
    elif settings.ephemeral:
        client = chromadb.EphemeralClient(settings=chroma_settings)
    else:
        path = settings.path or run_dir / CHROMA_DIR
        path.mkdir(parents=True, exist_ok=True)
        logger.info("vector index: embedded Chroma in %s", path)
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    return VectorIndex(client, namespace)


class VectorIndex:
    """Per-agent cosine collections in one Chroma client.

    Chroma failures on a collection are raised as ``VectorIndexError``; a Chroma server that
    stops answering as ``ChromaUnreachable`` (nothing can be repaired without it).

    Args:
        client: A Chroma client (persistent, HTTP or ephemeral).
        namespace: Prefix of this run's collection names.
    """

    def __init__(self, client: ClientAPI, namespace: str):
        if not re.match(_NAMESPACE_PATTERN, namespace):
            raise ValueError(f"invalid namespace {namespace!r}: use {_NAMESPACE_PATTERN}")
        self._client = client
        self._namespace = namespace
        self._collections: dict[str, Collection] = {}
        self._batch = max(1, min(int(client.get_max_batch_size()), 5000))

    @property
    def namespace(self) -> str:
        """Prefix of this run's collection names."""
        return self._namespace

    def upsert(self, agent: str, ids: Sequence[str], embeddings: np.ndarray) -> None:
        """Add or overwrite vectors (in batches the client accepts).

        Args:
            agent: Owner of the memories.
            ids: Memory ids.
            embeddings: Shape ``(len(ids), d)`` unit vectors (never zero vectors).
        """
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but {vectors.shape[0]} embeddings")
        with self._errors(agent, "upsert"):
            collection = self._collection(agent)
            for start in range(0, len(ids), self._batch):
                stop = start + self._batch
                collection.upsert(ids=list(ids[start:stop]), embeddings=vectors[start:stop])

    def delete(self, agent: str, ids: Sequence[str]) -> None:
        """Delete vectors by id (unknown ids are ignored)."""
        with self._errors(agent, "delete"):
            collection = self._collection(agent)
            for start in range(0, len(ids), self._batch):
                collection.delete(ids=list(ids[start : start + self._batch]))

    def query(self, agent: str, vectors: np.ndarray, k: int) -> list[list[str]]:
        """Ids of the ``k`` nearest memories (cosine) to each query vector, nearest first."""
        queries = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        with self._errors(agent, "query"):
            result = self._collection(agent).query(
                query_embeddings=queries, n_results=max(1, k), include=[]
            )
        return [list(ids) for ids in result["ids"]]

    def count(self, agent: str) -> int:
        """Number of vectors of an agent."""
        with self._errors(agent, "count"):
            return int(self._collection(agent).count())

    def ids(self, agent: str) -> set[str]:
        """Ids of all vectors of an agent."""
        found: set[str] = set()
        with self._errors(agent, "get"):
            collection = self._collection(agent)
            offset = 0
            while True:
                page = collection.get(include=[], limit=self._batch, offset=offset)["ids"]
                found.update(page)
                if len(page) < self._batch:
                    return found
                offset += len(page)

    def probe(self, agent: str, vector: np.ndarray | None) -> int:
        """Health check: count, and query with ``vector`` when given; returns the count."""
        count = self.count(agent)
        if vector is not None and count > 0:
            self.query(agent, vector, 1)
        return count

    def agents(self) -> list[str]:
        """Agents that have a collection in this namespace."""
        found = []
        for collection in self._client.list_collections():
            metadata = collection.metadata or {}
            if metadata.get(_NAMESPACE_KEY) == self._namespace and _AGENT_KEY in metadata:
                found.append(str(metadata[_AGENT_KEY]))
        return sorted(found)

    def drop(self, agent: str) -> None:
        """Delete an agent's collection (no error if it does not exist)."""
        self._collections.pop(agent, None)
        name = collection_name(self._namespace, agent)
        try:
            self._client.delete_collection(name)
        except Exception as error:
            if not _is_not_found(error):
                raise VectorIndexError(f"could not delete collection {name}: {error}") from error

    def close(self) -> None:
        """Release the client (closes an embedded database when no other user holds it)."""
        self._collections.clear()
        close: Callable[[], None] | None = getattr(self._client, "close", None)
        if close is not None:
            close()

    def _collection(self, agent: str) -> Collection:
        collection = self._collections.get(agent)
        if collection is None:
            collection = self._client.get_or_create_collection(
                collection_name(self._namespace, agent),
                configuration={"hnsw": {"space": "cosine"}},
                metadata={_AGENT_KEY: agent, _NAMESPACE_KEY: self._namespace},
                embedding_function=None,
            )
            self._collections[agent] = collection
        return collection

    @contextmanager
    def _errors(self, agent: str, operation: str) -> Iterator[None]:
        from chromadb.errors import ChromaError
        from httpx import TransportError  # how chromadb's HTTP client fails on a lost server

        try:
            yield
        except TransportError as error:
            self._collections.pop(agent, None)
            raise ChromaUnreachable(
                f"lost the Chroma server during a {operation} for {agent!r}: {error}"
            ) from None
        except ChromaError as error:
            self._collections.pop(agent, None)
            raise VectorIndexError(
                f"Chroma {operation} failed on the collection of {agent!r}: {error}"
            ) from error


def _is_not_found(error: Any) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(error, NotFoundError | ValueError) or "does not exist" in str(error)
