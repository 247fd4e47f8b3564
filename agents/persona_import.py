"""Persona files from other projects: the format is detected, then converted.

Reads a TinyTroupe ``*.agent.json`` (:mod:`agents.tinytroupe`) or a Generative Agents
``scratch.json`` (:mod:`agents.generative_agents`), and refuses any other JSON with the
formats it reads.
"""

from __future__ import annotations

import os
from pathlib import Path

from agents.generative_agents import IDENTITY_KEYS, from_ga_scratch, is_ga_scratch
from agents.persona import Persona, PersonaError
from agents.tinytroupe import from_tinytroupe, load_tinytroupe

FORMATS = (
    'a TinyTroupe .agent.json ({"type": "TinyPerson", "persona": {...}}) or a Generative '
    f"Agents scratch.json (with {', '.join(IDENTITY_KEYS)})"
)


def import_persona(
    path: str | os.PathLike[str], *, home: str | None = None, workplace: str | None = None
) -> Persona:
    """Reads a persona file of another project as a gentown persona.

    Args:
        path: A TinyTroupe ``.agent.json`` or a Generative Agents ``scratch.json``.
        home: The person's home in the gentown world (neither format has one).
        workplace: The person's workplace in the gentown world.

    Raises:
        PersonaError: The file cannot be read, is of no known format, or does not convert.
    """
    source = str(path)
    data = load_tinytroupe(Path(path))
    if is_ga_scratch(data):
        persona = from_ga_scratch(data, source, home=home)
    elif isinstance(data.get("persona"), dict) or data.get("type") == "TinyPerson":
        persona = from_tinytroupe(data, source, home=home)
    else:
        raise PersonaError(source, "", "not a persona format gentown reads", f"give {FORMATS}")
    if workplace is not None:
        persona = persona.model_copy(update={"workplace": workplace})
    return persona
