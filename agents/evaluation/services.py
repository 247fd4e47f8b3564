"""How evaluation and studies get a run's services, and reopen a finished run.

A :class:`RunServices` factory builds the LLM stack (and optionally the embedder) for a run
config; the default builds the real ones, tests pass a factory on the scripted doubles. Factories
are called in worker processes by the study runner, so they must be picklable (module-level
functions or instances of module-level classes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from agents.assembly import LLMStack, build_town
from agents.memory.embedder import Embedder
from agents.persona import Persona
from agents.run_config import RunConfig
from agents.town import Town
from simulation.run_reader import read_run_json
from worlds.world import World


class RunServices(Protocol):
    """Builds the LLM stack and embedder of a run (``None`` embedder: the configured one)."""

    def __call__(self, config: RunConfig) -> tuple[LLMStack, Embedder | None]:
        """Returns the run's LLM stack and embedder (the caller closes the stack)."""
        ...


def default_services(config: RunConfig) -> tuple[LLMStack, Embedder | None]:
    """The real services: the configured model (and response cache) and embedder."""
    cache = Path(config.llm_cache) if config.llm_cache else None
    return LLMStack(config.llm, cache_path=cache), None


def read_run_files(run_dir: Path) -> tuple[RunConfig, World, list[Persona]]:
    """The config, world and personas saved in a run folder's ``run.json``, to reopen the run.

    Args:
        run_dir: The run folder.

    Returns:
        The run's config, world and personas.

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


def reopen_town(run_dir: Path, services: RunServices = default_services) -> tuple[Town, LLMStack]:
    """Opens a finished run at its last checkpoint (the caller closes the town and the stack)."""
    config, world, personas = read_run_files(run_dir)
    stack, embedder = services(config)
    try:
        town = build_town(config, world, personas, Path(run_dir), stack, embedder=embedder)
    except BaseException:
        stack.close()
        raise
    try:
        town.restore()
    except BaseException:
        town.close()
        stack.close()
        raise
    return town, stack
