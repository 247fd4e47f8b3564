"""Import of TinyTroupe agent specs (``*.agent.json``) as gentown personas.

TinyTroupe's ``persona`` (name, age, occupation{title, organization, description}, style,
personality{traits, big_five}, preferences, beliefs, behaviors, relationships, other_facts...)
maps onto :class:`~agents.persona.Persona`; fields with no place in the schema are kept as
``facts`` ("key: value"), never dropped.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agents.persona import BIG_FIVE, Persona, PersonaError, attach_source
from worlds.errors import problems_from_validation_error

_LEVELS = (
    ("extremely high", 0.95),
    ("very high", 0.9),
    ("extremely low", 0.05),
    ("very low", 0.1),
    ("moderately high", 0.65),
    ("moderately low", 0.35),
    ("above average", 0.65),
    ("below average", 0.35),
    ("high", 0.75),
    ("low", 0.25),
    ("medium", 0.5),
    ("moderate", 0.5),
    ("average", 0.5),
    ("mid", 0.5),
    ("balanced", 0.5),
)
_TRAIT_KEYS = {
    "openness": "openness",
    "openness to experience": "openness",
    "open": "openness",
    "conscientiousness": "conscientiousness",
    "extraversion": "extraversion",
    "extroversion": "extraversion",
    "agreeableness": "agreeableness",
    "neuroticism": "neuroticism",
    "emotional stability": "-neuroticism",
    "stability": "-neuroticism",
}


def load_tinytroupe(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a TinyTroupe ``.agent.json`` file.

    Raises:
        PersonaError: If the file cannot be read or is not a JSON object.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PersonaError(str(path), "", f"cannot read file: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise PersonaError(
            str(path),
            "",
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            "fix the JSON syntax (a TinyTroupe "
            '.agent.json is {"type": "TinyPerson", "persona": {...}})',
        ) from exc
    if not isinstance(data, dict):
        raise PersonaError(
            str(path),
            "",
            "expected a JSON object with a 'persona' entry",
            'wrap the spec as {"type": "TinyPerson", "persona": {...}}',
        )
    return data


def from_tinytroupe(data: dict[str, Any], source: str, *, home: str | None = None) -> Persona:
    """Convert a TinyTroupe agent spec (``{"type": "TinyPerson", "persona": {...}}``).

    Known fields map onto the schema (``style`` -> ``speaking_style``, ``long_term_goals`` ->
    ``goals``, ``behaviors.general`` -> ``habits``, ``personality.big_five`` levels such as
    ``"High. Very curious."`` -> scores, with the text kept as a fact). Every other field is kept
    as a ``"key: value"`` fact. TinyTroupe has no home, so ``home`` is ``None`` unless given.

    Raises:
        PersonaError: If there is no ``persona.name`` or no usable ``age``.
    """
    spec = data.get("persona", data if "name" in data else None)
    if not isinstance(spec, dict) or not str(spec.get("name") or "").strip():
        raise PersonaError(
            source,
            "persona.name",
            "missing; expected the person's name in the TinyTroupe spec",
            'add "name" inside "persona"',
        )
    spec = dict(spec)
    facts: list[str] = []
    out: dict[str, Any] = {"name": str(spec.pop("name")).strip(), "home": home}
    out["age"] = _age(spec.pop("age", None), source)
    for key in ("gender", "nationality", "education"):
        if key in spec:
            out[key] = _text(spec.pop(key))
    out["speaking_style"] = _text(spec.pop("style", ""))
    out["goals"] = _strings(spec.pop("long_term_goals", None))
    out["skills"] = _strings(spec.pop("skills", None))
    out["beliefs"] = _strings(spec.pop("beliefs", None))
    out["occupation"] = _occupation(spec.pop("occupation", None), facts)
    out["traits"], out["big_five"] = _personality(spec.pop("personality", None), facts)
    out["preferences"] = _preferences(spec.pop("preferences", None), facts)
    out["habits"], out["routines"] = _behaviors(spec.pop("behaviors", None), facts)
    out["relationships"] = _relationships(spec.pop("relationships", None), facts)
    facts.extend(_strings(spec.pop("other_facts", None)))
    for key, value in spec.items():
        facts.append(f"{key}: {_text(value)}")
    for key, value in data.items():
        if key not in ("persona", "type") and not key.startswith("_") and "persona" in data:
            facts.append(f"{key}: {_text(value)}")
    out["facts"] = [f for f in facts if f.strip()]
    try:
        persona = Persona.model_validate({k: v for k, v in out.items() if v not in (None, "")})
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source, model=Persona, prefix=("persona",))
        raise PersonaError.from_problems(problems) from None
    return attach_source(persona, source)


def _age(value: Any, source: str) -> int:
    match = re.search(r"\d+", str(value)) if value is not None else None
    if not match:
        raise PersonaError(
            source,
            "persona.age",
            f"expected an age in years, got {value!r}",
            'add "age": 35 inside "persona"',
        )
    return int(match.group())


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    return "" if value is None else str(value).strip()


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    if isinstance(value, dict):
        return [f"{k}: {_text(v)}" for k, v in value.items()]
    return [_text(value)] if _text(value) else []


def _occupation(value: Any, facts: list[str]) -> str | None:
    if not isinstance(value, dict):
        return _text(value) or None
    value = dict(value)
    title, org = _text(value.pop("title", "")), _text(value.pop("organization", ""))
    if value.get("description"):
        facts.append(f"work: {_text(value.pop('description'))}")
    facts.extend(f"occupation {k}: {_text(v)}" for k, v in value.items())
    return (f"{title} at {org}" if title and org else title or org) or None


def _personality(value: Any, facts: list[str]) -> tuple[list[str], dict[str, float] | None]:
    if not isinstance(value, dict):
        return _strings(value), None
    value = dict(value)
    traits = _strings(value.pop("traits", None))
    big_five = _big_five(value.pop("big_five", None), facts)
    facts.extend(f"personality {k}: {_text(v)}" for k, v in value.items())
    return traits, big_five


def _big_five(value: Any, facts: list[str]) -> dict[str, float] | None:
    if not isinstance(value, dict) or not value:
        if value:
            facts.append(f"big five: {_text(value)}")
        return None
    scores: dict[str, float] = {}
    for key, raw in value.items():
        trait = _TRAIT_KEYS.get(str(key).strip().lower().replace("_", " "))
        level = _level(raw)
        if trait is None or level is None:
            facts.append(f"personality ({key}): {_text(raw)}")
            continue
        inverted = trait.startswith("-")
        scores[trait.lstrip("-")] = round(1 - level if inverted else level, 3)
        text = _text(raw)
        if isinstance(raw, str) and len(text.split()) > 1:
            facts.append(f"personality ({key}): {text}")
    if not scores:
        return None
    for trait in BIG_FIVE:
        if trait not in scores:
            scores[trait] = 0.5
            facts.append(f"personality ({trait}): not given, assumed medium")
    return scores


def _level(raw: Any) -> float | None:
    """A 0-1 score from a number (0-1, 1-5 or 0-100) or a level word ("High. ...")."""
    number: float | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).strip().lower()
        try:
            number = float(text.split()[0].rstrip(".,;")) if text else None
        except ValueError:
            number = None
        if number is None:
            head = re.split(r"[.;:(]", text, maxsplit=1)[0]
            pair = re.match(r"^\s*([a-z ]+?)\s*(?:-|–|/|to)\s*([a-z ]+?)\s*$", head)
            if pair:  # a two-level value ("Low-Medium") is the midpoint of its levels
                ends = [_level_word(side) for side in pair.groups()]
                if None not in ends:
                    return (ends[0] + ends[1]) / 2  # type: ignore[operator]
            return _level_word(head)
    if 0 <= number <= 1:
        return number
    if 1 < number <= 5:
        return (number - 1) / 4
    if 5 < number <= 100:
        return number / 100
    return None


def _level_word(text: str) -> float | None:
    """The score of the first level word or phrase in ``text`` ("very high" → 0.9)."""
    for phrase, score in _LEVELS:
        if re.search(rf"\b{phrase}\b", text):
            return score
    return None


def _preferences(value: Any, facts: list[str]) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {"likes": _strings(value)}
    value = dict(value)
    out = {k: _strings(value.pop(k, None)) for k in ("likes", "dislikes", "interests")}
    facts.extend(f"preferences {k}: {_text(v)}" for k, v in value.items())
    return out


def _behaviors(value: Any, facts: list[str]) -> tuple[list[str], list[str]]:
    if not isinstance(value, dict):
        return _strings(value), []
    value = dict(value)
    general, routines = _strings(value.pop("general", None)), _strings(value.pop("routines", None))
    for key, items in value.items():
        general.extend(f"{key}: {s}" for s in _strings(items))
    return general, routines


def _relationships(value: Any, facts: list[str]) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for item in value or []:
        if isinstance(item, dict) and item.get("name"):
            out[str(item["name"])] = _text(item.get("description", "")) or "known to them"
        elif item:
            facts.append(f"relationship: {_text(item)}")
    return out
