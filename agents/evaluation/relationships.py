"""Relationship metrics: graphs and density at start and end, and hallucinated relationship claims.

Each agent is asked about each other agent ("Do you know X? What do you know about them?"). An
answer that claims to know X while nothing the agent remembers (its persona's relationships, its
memories naming X) supports it is a hallucination. Without a judge the check is LLM-free: a
non-negative answer with no supporting memory at all. With a judge, the judge compares the
answer with those memories; a failed judge call falls back to the LLM-free check.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

from agents.evaluation.judge import Judge
from simulation.analysis.facts import is_negative
from simulation.analysis.network import (
    claims_graph,
    conversation_pairs,
    density,
    edges,
    end_graph,
    relationship_evidence,
    start_graph,
)
from simulation.run_reader import RunData


@dataclass(frozen=True)
class ClaimResult:
    """One relationship answer, checked."""

    speaker: str
    subject: str
    answer: str
    claims_to_know: bool
    evidence: int
    hallucinated: bool
    judged: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "speaker": self.speaker,
            "subject": self.subject,
            "answer": self.answer,
            "claims_to_know": self.claims_to_know,
            "evidence": self.evidence,
            "hallucinated": self.hallucinated,
            "judged": self.judged,
        }


def relationship_pairs(
    run: RunData, limit: int | None = None, seed: int = 0
) -> list[tuple[str, str]]:
    """Every ordered ``(speaker, subject)`` pair of the cast, or a seeded sample of ``limit``."""
    pairs = [(a, b) for a in run.agents for b in run.agents if a != b]
    if limit is not None and limit < len(pairs):
        pairs = sorted(random.Random(seed).sample(pairs, limit))
    return pairs


def check_claims(
    run: RunData,
    pairs: list[tuple[str, str]],
    answers: list[str],
    judge: Judge | None = None,
) -> list[ClaimResult]:
    """Checks each relationship answer against what its speaker remembers of the subject."""
    evidence = [relationship_evidence(run, a, b) for a, b in pairs]
    talked = conversation_pairs(run)
    verdicts: list[Any] = [None] * len(pairs)
    if judge is not None:

        async def ask_all() -> list[Any]:
            return list(
                await asyncio.gather(
                    *(
                        judge.check_claim(a, b, answer, ev)
                        for (a, b), answer, ev in zip(pairs, answers, evidence, strict=True)
                    )
                )
            )

        verdicts = asyncio.run(ask_all())
    results = []
    for (a, b), answer, ev, verdict in zip(pairs, answers, evidence, verdicts, strict=True):
        support = len(ev) + int(tuple(sorted((a, b))) in talked)
        if verdict is not None:
            claims, hallucinated = (
                verdict.claims_to_know,
                verdict.claims_to_know and not (verdict.supported),
            )
        else:
            claims = not is_negative(answer)
            hallucinated = claims and support == 0
        results.append(
            ClaimResult(a, b, answer, claims, support, hallucinated, judged=verdict is not None)
        )
    return results


def relationship_metrics(run: RunData, claims: list[ClaimResult] | None) -> dict[str, Any]:
    """Densities at start and end (and from interviews), edges, and the hallucination rate."""
    start, end = start_graph(run), end_graph(run)
    result: dict[str, Any] = {
        "agents": len(run.agents),
        "density_start": round(density(start), 4),
        "density_end": round(density(end), 4),
        "edges_start": edges(start),
        "edges_end": edges(end),
    }
    if claims is None:
        return result
    credible = [(c.speaker, c.subject) for c in claims if c.claims_to_know and not c.hallucinated]
    interviewed = claims_graph(run.agents, credible)
    hallucinated = [c for c in claims if c.hallucinated]
    result.update(
        {
            "density_end_interview": round(density(interviewed), 4),
            "edges_end_interview": edges(interviewed),
            "hallucination": {
                "answers": len(claims),
                "claims": sum(c.claims_to_know for c in claims),
                "hallucinated": len(hallucinated),
                "rate": round(len(hallucinated) / len(claims), 4) if claims else None,
                "judged": sum(c.judged for c in claims),
                "examples": [c.as_dict() for c in hallucinated[:10]],
            },
        }
    )
    return result
