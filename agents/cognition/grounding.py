"""What a person brings to a prompt: dated memories, what is on their mind, who they are.

Small models need it said plainly: when something was remembered ("today 07:00", "yesterday"),
what the person intends today (plans, promises, whispered intentions), and who they are in a
few words (goals, values, temperament). These helpers turn a mind's state into those lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from agents.memory.records import MemoryKind, MemoryRecord
from agents.persona import BIG_FIVE, Persona

INTENTION_KINDS = (MemoryKind.WHISPER, MemoryKind.CONVERSATION, MemoryKind.REFLECTION)
"""Memory kinds that can carry an intention, news or a promise (plans are listed apart)."""
INTENTION_IMPORTANCE = 6
"""Memories at least this important count as "on my mind" when recent."""

_TRAIT_WORDS = {
    "openness": ("conventional", "curious and open to new things"),
    "conscientiousness": ("easy-going about order", "organised and dependable"),
    "extraversion": ("reserved", "outgoing and talkative"),
    "agreeableness": ("blunt", "warm and agreeable"),
    "neuroticism": ("calm under pressure", "easily worried"),
}


def relative_when(then: datetime, now: datetime) -> str:
    """When something happened, said relative to now: "today 07:00", "yesterday 18:10"...

    Args:
        then: When it happened.
        now: The current simulated time.

    Returns:
        "today HH:MM", "yesterday HH:MM", "<weekday> HH:MM" within a week, else the date.
    """
    days = (now.date() - then.date()).days
    clock = then.strftime("%H:%M")
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    if 1 < days < 7:
        return f"{then:%A} {clock}"
    return f"{then:%B} {then.day}"


TRANSCRIPT_MARK = ": "
"""In a conversation memory, where its transcript begins (after "talked with X at place")."""


def gist(record: MemoryRecord) -> str:
    """What a prompt shows of a memory: anything whole but a conversation's transcript.

    A conversation shows its summary and who it was with; small models copy quoted lines into
    their own, so the transcript stays in the memory (for retrieval) but not in prompts.
    """
    if record.kind != MemoryKind.CONVERSATION or " (talked with " not in record.text:
        return record.text
    summary, _, rest = record.text.partition(" (talked with ")
    return f"{summary} (talked with {rest.split(TRANSCRIPT_MARK, 1)[0]})"


def dated(record: MemoryRecord, now: datetime) -> str:
    """A memory as a prompt line with its relative date (see :func:`gist`)."""
    return f"({relative_when(record.created, now)}) {gist(record)}"


def dated_lines(records: Iterable[MemoryRecord], now: datetime) -> list[str]:
    """Memories as dated prompt lines, in the order given."""
    return [dated(record, now) for record in records]


def recent_intentions(
    records: Sequence[MemoryRecord], now: datetime, limit: int = 3, days: int = 2
) -> list[str]:
    """Recent whispers and important memories that may carry an intention, newest first.

    Args:
        records: Recent memories, newest first (``MemoryStream.recent``).
        now: The current simulated time.
        limit: At most this many lines.
        days: Only memories formed within this many days.

    Returns:
        Dated lines for the "on my mind" block.
    """
    lines = []
    for record in records:
        if (now.date() - record.created.date()).days > days:
            continue
        if record.kind == MemoryKind.WHISPER or (
            record.kind in INTENTION_KINDS and record.importance >= INTENTION_IMPORTANCE
        ):
            lines.append(dated(record, now))
        if len(lines) >= limit:
            break
    return lines


def temperament(persona: Persona) -> str:
    """The Big Five as a few plain words (only the clearly high or low traits), or ""."""
    if persona.big_five is None:
        return ""
    words = []
    for trait in BIG_FIVE:
        score = getattr(persona.big_five, trait)
        low, high = _TRAIT_WORDS[trait]
        if score >= 0.65:
            words.append(high)
        elif score <= 0.35:
            words.append(low)
    return ", ".join(words)


def public_description(persona: Persona) -> str:
    """How others in town would describe a person in a line: age, occupation, manner."""
    parts = [f"{persona.age}", persona.occupation or "a resident of the town"]
    if persona.traits:
        parts.append(", ".join(persona.traits[:2]))
    return "; ".join(parts)


def persona_prompt_identity(persona: Persona) -> dict[str, object]:
    """The stable prompt prefix describing a persona (short: it is sent with every call).

    It holds the identity that does not change during a run: occupation, traits, temperament,
    values, goals, speaking style and the first sentence of the backstory. What is going on in
    the person's life now (``currently``) changes with whispers and is added per call.
    """
    details = []
    if persona.traits:
        details.append("Traits: " + ", ".join(persona.traits[:4]) + ".")
    if mood := temperament(persona):
        details.append(f"Temperament: {mood}.")
    if persona.values:
        details.append("Values: " + ", ".join(persona.values[:3]) + ".")
    if persona.goals:
        details.append("Goals: " + "; ".join(persona.goals[:2]) + ".")
    if persona.speaking_style:
        details.append(f"Speaking style: {persona.speaking_style}")
    if persona.backstory:
        details.append(persona.backstory.split(". ")[0].rstrip(".") + ".")
    return {
        "persona": {"name": persona.name, "age": persona.age, "first_name": persona.first_name},
        "persona_line": f"{persona.occupation or 'a resident of the town'}.",
        "persona_details": "\n".join(details),
    }
