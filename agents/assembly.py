"""Assembly of a run's services from its configuration: the LLM stack, memory, and the town.

Everything a run needs is built here and passed in; nothing is global. Tests pass their own
backend and embedder (doubles); the CLI passes nothing and gets the real ones.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from agents.cognition.step_library import StepLibrary
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
    embedder = embedder or SentenceTransformerEmbedder(config.embedder)
    memory = open_memory(run_dir, embedder, config.chroma)
    steps = StepLibrary(embedder)
    return Town(config, world, personas, llm.gateway, memory, run_dir, sinks=sinks, steps=steps)


class CastError(ValueError):
    """The configuration asks for personas the world does not have (a one-line message)."""


def choose_cast(config: RunConfig, world: World) -> list[Persona]:
    """The run's cast from the world's persona files: the named ones, else the first N.

    Every persona file of the world is validated against it, cast or not: a broken file is an
    error wherever it sits.

    Raises:
        CastError: No persona folder, an unknown name, too many agents, or a whisper for
            someone outside the cast.
        agents.persona.PersonaError: A persona file is broken or does not fit the world.
    """
    from agents.persona import load_personas, validate_against_world
    from worlds.loader import personas_dir

    folder = personas_dir(config.world)
    if folder is None:
        raise CastError(f"world {config.world!r} has no personas/ folder next to it")
    everyone = load_personas(folder)
    by_name = {p.name: p for p in everyone}
    if config.personas:
        missing = [n for n in config.personas if n not in by_name]
        if missing:
            raise CastError(
                f"--personas: no persona named {', '.join(missing)}; "
                f"known: {', '.join(sorted(by_name))}"
            )
        cast = [by_name[n] for n in config.personas]
    else:
        count = config.agents or len(everyone)
        if count > len(everyone):
            raise CastError(f"--agents {count}: {config.world} has only {len(everyone)} personas")
        cast = everyone[:count]
    validate_against_world(everyone, world)
    unknown = [w.agent for w in config.whispers if w.agent not in {p.name for p in cast}]
    if unknown:
        raise CastError(f"--whisper: {', '.join(unknown)} is not in this run's cast")
    return cast


def create_town(
    config: RunConfig,
    run_dir: Path,
    *,
    world: World | None = None,
    personas: list[Persona] | None = None,
    backend: CompletionBackend | None = None,
    embedder: Embedder | None = None,
    cache_path: Path | None = None,
    sinks: list[Callable[[Frame], None]] | None = None,
) -> Town:
    """Builds a town from a run configuration: the one call most scripts need.

    The world and the cast default to the configuration's (``config.world`` and its
    ``personas/`` folder: the named ``config.personas``, else the first ``config.agents``).
    The town owns its LLM stack: :meth:`Town.close` closes it.

    Args:
        config: The run configuration.
        run_dir: Where the run's files go.
        world: A world built in code, instead of ``config.world``.
        personas: A cast built in code, instead of the world's persona files.
        backend: A completion backend (tests pass scripted doubles); default: litellm.
        embedder: An embedder; default: the packaged sentence-transformers model.
        cache_path: The LLM response cache; default: the user cache.
        sinks: Extra frame sinks (e.g. a viewer's queue).

    Raises:
        worlds.errors.WorldError: The world does not load.
        agents.persona.PersonaError: A persona file is broken or does not fit the world.
        CastError: The configuration's cast does not fit the world's personas.
    """
    from agents.persona import validate_against_world
    from worlds.loader import load_world

    world = world or load_world(config.world)
    if personas is None:
        personas = choose_cast(config, world)
    else:
        validate_against_world(personas, world)
    llm = LLMStack(config.llm, backend=backend, cache_path=cache_path)
    town = build_town(config, world, personas, run_dir, llm, embedder=embedder, sinks=sinks)
    town.on_close(llm.close)
    return town
