"""Assembly of a run's services from its configuration: the LLM stack, memory, and the town.

Everything a run needs is built here and passed in; nothing is global. Tests pass their own
backend and embedder (doubles); the CLI passes nothing and gets the real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from agents.cognition.step_library import StepLibrary
from agents.llm.accounting import Ledger
from agents.llm.backend import CompletionBackend
from agents.llm.cache import ResponseCache
from agents.llm.gateway import LLMGateway
from agents.llm.local_models import default_cache_dir, user_cache_dir
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from agents.memory.embedder import Embedder, SentenceTransformerEmbedder
from agents.memory.factory import open_memory
from agents.persona import Persona
from agents.run_config import RunConfig
from agents.town import Town
from simulation.frames import Frame
from simulation.run_reader import read_run_json
from worlds.world import World


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
                default_cache_dir(), n_parallel=min(settings.concurrency, 4), n_ctx=4096
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
    cache = cache_path or (Path(config.llm_cache) if config.llm_cache else None)
    return open_town(
        config,
        world,
        personas,
        run_dir,
        sinks=sinks,
        services=lambda c: (LLMStack(c.llm, backend=backend, cache_path=cache), embedder),
    )


class RunServices(Protocol):
    """Builds the LLM stack and embedder of a run (``None`` embedder: the configured one).

    Studies call factories in worker processes, so they must be picklable (module-level
    functions or instances of module-level classes).
    """

    def __call__(self, config: RunConfig) -> tuple[LLMStack, Embedder | None]:
        """Returns the run's LLM stack and embedder."""
        ...


def default_services(config: RunConfig) -> tuple[LLMStack, Embedder | None]:
    """The real services: the configured model (and response cache) and embedder."""
    cache = Path(config.llm_cache) if config.llm_cache else None
    return LLMStack(config.llm, cache_path=cache), None


def open_town(
    config: RunConfig,
    world: World,
    personas: list[Persona],
    run_dir: Path,
    *,
    sinks: list[Callable[[Frame], None]] | None = None,
    services: RunServices = default_services,
) -> Town:
    """Opens a town that owns its LLM stack: the one way a run's town is built with its services.

    Args:
        config: The run configuration.
        world: The town's world.
        personas: The cast.
        run_dir: The run folder.
        sinks: Extra frame sinks (e.g. a viewer's queue).
        services: Builds the LLM stack and embedder (tests and studies pass doubles).

    Returns:
        The town (not yet started or restored); :meth:`Town.close` closes the LLM stack too.
    """
    stack, embedder = services(config)
    try:
        town = build_town(config, world, personas, run_dir, stack, embedder=embedder, sinks=sinks)
    except BaseException:
        stack.close()
        raise
    town.on_close(stack.close)
    return town


def read_run_files(run_dir: Path) -> tuple[RunConfig, World, list[Persona]]:
    """The config, world and personas saved in a run folder's ``run.json``, to reopen the run.

    Raises:
        RunFolderError: If the folder has no ``run.json``, or it is damaged (see
            :func:`simulation.run_reader.read_run_json`).
        pydantic.ValidationError: If a saved config, world or persona is no longer valid.
    """
    data = read_run_json(run_dir)
    config = RunConfig.model_validate(data["config"])
    world = World.model_validate(data["world"])
    personas = [Persona.model_validate(p) for p in data["personas"]]
    return config, world, personas


def reopen_town(
    run_dir: Path,
    *,
    read_only: bool = False,
    tick: int | None = None,
    config_update: Callable[[RunConfig], RunConfig] | None = None,
    services: RunServices = default_services,
) -> Town:
    """Reopens a run folder's town at its latest (or a given) checkpoint.

    Args:
        run_dir: The run folder.
        read_only: Leave the run's files as they are (interviews); else later memories and
            ticks are dropped, ready to continue the run.
        tick: The checkpoint to restore; default the latest.
        config_update: Changes the saved config before the town is built (resume's --hours
            and --max-tokens).
        services: Builds the LLM stack and embedder.

    Returns:
        The restored town, which owns its LLM stack.
    """
    config, world, personas = read_run_files(run_dir)
    if config_update is not None:
        config = config_update(config)
    town = open_town(config, world, personas, Path(run_dir), services=services)
    try:
        town.restore(tick, read_only=read_only)
    except BaseException:
        town.close()
        raise
    return town
