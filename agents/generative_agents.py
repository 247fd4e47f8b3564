"""Import of Generative Agents personas (the ``scratch.json`` of a GA persona) as gentown ones.

Generative Agents (Park et al., 2023) keeps each persona's identity in
``personas/<name>/bootstrap_memory/scratch.json``, beside the simulator's own state. The
identity maps onto :class:`~agents.persona.Persona`:

- ``name`` (or ``first_name`` + ``last_name``) and ``age``;
- ``innate`` ("friendly, outgoing, hospitable") → ``traits``;
- ``learned`` → ``backstory``; ``currently`` → ``currently``;
- ``lifestyle`` ("goes to bed around 11pm, awakes up around 6am") → ``wake_time`` and
  ``sleep_time`` where it states them (the sentence is kept as a habit);
- ``daily_plan_req`` → ``routines``;
- ``living_area`` → a fact, since its address is in GA's own town.

The simulator's state (``curr_time``, ``planned_path``, ``act_*``, ``chatting_*``,
``vision_r``, ``att_bandwidth`` and the rest) is left out.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from agents.persona import Persona, PersonaError, attach_source
from worlds.errors import problems_from_validation_error

IDENTITY_KEYS = ("innate", "learned", "currently", "lifestyle", "daily_plan_req")
"""Keys every GA ``scratch.json`` has: the ones that say a file is one."""

_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_SLEEP = re.compile(rf"(?:bed|sleep)\w*\s+(?:around|at|by|about)?\s*{_CLOCK}", re.I)
_WAKE = re.compile(
    rf"(?:wake|wakes|awake|awakes|up)\w*\s+(?:up\s+)?(?:around|at|by|about)?\s*{_CLOCK}", re.I
)


def is_ga_scratch(data: Any) -> bool:
    """Whether a JSON document is a Generative Agents persona's ``scratch.json``."""
    return isinstance(data, dict) and all(key in data for key in IDENTITY_KEYS)


def from_ga_scratch(data: dict[str, Any], source: str, *, home: str | None = None) -> Persona:
    """Converts a GA ``scratch.json`` into a persona (see the module docstring for the map).

    Args:
        data: The parsed ``scratch.json``.
        source: The file's path, for errors.
        home: The person's home in the gentown world (GA's addresses are its own town's).

    Raises:
        PersonaError: A missing name or age, or a value the persona schema refuses.
    """
    name = (
        str(data.get("name") or "").strip()
        or " ".join(str(data.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    )
    if not name:
        raise PersonaError(source, "name", "missing", 'add "name" (or first_name and last_name)')
    lifestyle = _text(data.get("lifestyle"))
    out: dict[str, Any] = {
        "name": name,
        "age": data.get("age"),
        "home": home,
        "traits": [t.strip() for t in _text(data.get("innate")).split(",") if t.strip()],
        "backstory": _text(data.get("learned"))[:800],
        "currently": _text(data.get("currently")),
        "routines": [_text(data.get("daily_plan_req"))] if data.get("daily_plan_req") else [],
        "habits": [lifestyle] if lifestyle else [],
        "facts": [f"lives in (Generative Agents' town): {_text(data['living_area'])}"]
        if data.get("living_area")
        else [],
    }
    if (sleep := _clock(_SLEEP, lifestyle)) is not None:
        out["sleep_time"] = sleep
    if (wake := _clock(_WAKE, lifestyle)) is not None:
        out["wake_time"] = wake
    try:
        persona = Persona.model_validate({k: v for k, v in out.items() if v not in (None, "")})
    except ValidationError as exc:
        raise PersonaError.from_problems(
            problems_from_validation_error(exc, source, model=Persona)
        ) from None
    return attach_source(persona, source)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _clock(pattern: re.Pattern[str], text: str) -> str | None:
    """The first time ``pattern`` finds in ``text``, as ``HH:MM`` (12-hour times read)."""
    match = pattern.search(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower().replace(".", "")
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"
