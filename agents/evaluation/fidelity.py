"""Persona fidelity by an LLM judge: consistency (PersonaGym) and role identification (PersonaEval).

A 1–5 consistency score per agent over a sample of its lines, and the share of sampled lines
whose speaker the judge names correctly from the cast.

Samples are drawn with a seeded RNG so a rerun asks the same questions. Lines of fewer than
four words are left out of role identification (too little to tell anyone apart).
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from agents.evaluation.judge import Judge
from simulation.events import EventKind
from simulation.run_reader import RunData

LINES_PER_AGENT = 12
SPEAKER_ITEMS = 40
MIN_WORDS = 4


def _lines(run: RunData) -> list[tuple[str, str, str | None]]:
    return [
        (e.agents[0], e.text or "", e.place)
        for e in run.events_of(EventKind.UTTERANCE)
        if e.agents and e.agents[0] in run.agents and e.text
    ]


def persona_fidelity(
    run: RunData,
    judge: Judge,
    seed: int = 0,
    lines_per_agent: int = LINES_PER_AGENT,
    speaker_items: int = SPEAKER_ITEMS,
) -> dict[str, Any]:
    """Judges every speaking agent's consistency and the identifiability of sampled lines.

    Returns:
        ``{"judge", "persona_score": {agent: score|None}, "persona_score_mean",
        "reasons": {agent: text}, "speaker_identification": {"items", "answered", "correct",
        "accuracy", "chance"}, "fallbacks": [...]}``.
    """
    rng = random.Random(seed)
    lines = _lines(run)
    by_agent: dict[str, list[str]] = {}
    for speaker, text, _ in lines:
        by_agent.setdefault(speaker, []).append(text)
    speakers = [a for a in run.agents if by_agent.get(a)]
    samples = {}
    for agent in speakers:
        said = by_agent[agent]
        picked = sorted(rng.sample(range(len(said)), min(lines_per_agent, len(said))))
        samples[agent] = [said[i] for i in picked]
    candidates = [line for line in lines if len(line[1].split()) >= MIN_WORDS]
    items = rng.sample(candidates, min(speaker_items, len(candidates)))
    cast = [run.persona(a) or {"name": a} for a in run.agents]
    before = len(judge.fallbacks)

    async def ask_all() -> tuple[list[Any], list[str | None]]:
        grades = asyncio.gather(
            *(
                judge.persona_consistency(run.persona(a) or {"name": a}, samples[a])
                for a in speakers
            )
        )
        guesses = asyncio.gather(
            *(judge.identify_speaker(text, cast, place) for _, text, place in items)
        )
        return list(await grades), list(await guesses)

    grades, guesses = asyncio.run(ask_all())
    scores: dict[str, int | None] = dict.fromkeys(run.agents)
    reasons: dict[str, str] = {}
    for agent, grade in zip(speakers, grades, strict=True):
        if grade is not None:
            scores[agent] = grade.score
            reasons[agent] = grade.reason
    answered = [(item, g) for item, g in zip(items, guesses, strict=True) if g is not None]
    correct = sum(1 for (speaker, _, _), guess in answered if guess == speaker)
    graded = [s for s in scores.values() if s is not None]
    return {
        "judge": judge.model,
        "persona_score": scores,
        "persona_score_mean": round(sum(graded) / len(graded), 3) if graded else None,
        "reasons": reasons,
        "speaker_identification": {
            "items": len(items),
            "answered": len(answered),
            "correct": correct,
            "accuracy": round(correct / len(answered), 4) if answered else None,
            "chance": round(1 / len(cast), 4) if cast else None,
        },
        "fallbacks": judge.fallbacks[before:],
    }
