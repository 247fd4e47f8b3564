"""Assembly of a run's services from its configuration: the LLM stack, memory, and the town.

Everything a run needs is built here and passed in; nothing is global. Tests pass their own
backend and embedder (doubles); the CLI passes nothing and gets the real ones.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from agents.llm.accounting import Ledger
from agents.llm.backend import CompletionBackend
from agents.llm.cache import ResponseCache
from agents.llm.gateway import LLMGateway
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from agents.memory.embedder import Embedder, SentenceTransformerEmbedder
from agents.memory.factory import open_memory
from agents.persona import Persona
from agents.run_config import RunConfig
from agents.town import Town
from simulation.frames import Frame
from worlds.world import World


def user_cache_dir() -> Path:
    """Gentown's per-user cache folder (``$XDG_CACHE_HOME/gentown``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gentown"


class LLMStack:
    """The LLM side of a run: backend (and local runtime, if any), gateway and cache.

    Args:
        settings: Which model and how to call it.
        backend: A completion backend; ``None`` builds the real litellm one (starting the
            bundled local runtime for ``local/`` models).
        cache_path: The response cache file; ``None`` for the user cache.
    """

    def __init__(
        self,
        settings: LLMSettings,
        backend: CompletionBackend | None = None,
        cache_path: Path | None = None,
    ) -> None:
        self.runtime = None
        if backend is None:
            backend = self._real_backend(settings)
        cache = None
        if settings.cache:
            cache = ResponseCache(cache_path or user_cache_dir() / "llm-cache.sqlite3")
        self.cache = cache
        self.gateway = LLMGateway(settings, backend, PromptLibrary(), Ledger(), cache=cache)

    def _real_backend(self, settings: LLMSettings) -> CompletionBackend:
        from agents.llm.litellm_backend import LiteLLMBackend

        if settings.is_local:
            from agents.llm.local_provider import LocalRuntime

            self.runtime = LocalRuntime(
                user_cache_dir() / "models", n_parallel=min(settings.concurrency, 4), n_ctx=4096
            )
            self.runtime.ensure_loaded(settings.model.removeprefix("local/"))
        return LiteLLMBackend(local_runtime=self.runtime)

    def close(self) -> None:
        """Stops the local runtime and closes the cache."""
        if self.runtime is not None:
            self.runtime.close()
        if self.cache is not None:
            self.cache.close()


def build_town(
    config: RunConfig,
    world: World,
    personas: list[Persona],
    run_dir: Path,
    llm: LLMStack,
    embedder: Embedder | None = None,
    sinks: list[Callable[[Frame], None]] | None = None,
) -> Town:
    """Builds a town (not yet started) with its memory in ``run_dir``."""
    memory = open_memory(
        run_dir, embedder or SentenceTransformerEmbedder(config.embedder), config.chroma
    )
    return Town(config, world, personas, llm.gateway, memory, run_dir, sinks=sinks)
