"""Information diffusion, the Generative Agents measure: who knows a fact, since when, via whom.

The end state is what the agents say in post-run interviews (gathered by the caller, e.g.
:mod:`agents.evaluation.interviews`); each positive answer is checked against the trajectory for
the utterance that carried the fact, or the whisper/event that seeded it. The curve over time
counts, at each tick, the agents whose memories or utterances already show the fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulation.analysis.facts import Exposure, Fact, exposures
from simulation.run_reader import RunData


@dataclass(frozen=True)
class Verdict:
    """One agent's interview answer about a fact, and whether it says the agent knows it."""

    answer: str
    knows: bool


def diffusion_curve(run: RunData, first: Mapping[str, Exposure]) -> list[dict[str, Any]]:
    """Agents exposed by each tick, as the steps of ``[{tick, time, knowers, fraction}]``.

    One point at the first frame, one wherever the count changes, one at the last frame. The
    first point also counts exposures recorded before it (whispers given before the run started
    carry tick 0).
    """
    total = max(1, len(run.agents))
    ticks = sorted(e.tick for e in first.values())
    points: list[dict[str, Any]] = []
    for i, frame in enumerate(run.frames):
        known = sum(1 for t in ticks if t <= frame.tick)
        last = i == len(run.frames) - 1
        if points and points[-1]["knowers"] == known and not last:
            continue
        points.append(
            {
                "tick": frame.tick,
                "time": frame.time.isoformat(timespec="minutes"),
                "knowers": known,
                "fraction": round(known / total, 4),
            }
        )
    return points


def diffusion(
    run: RunData, fact: Fact, verdicts: Mapping[str, Verdict] | None = None
) -> dict[str, Any]:
    """Measures the spread of one fact.

    Args:
        run: The run.
        fact: The fact and its keywords.
        verdicts: Each agent's interview verdict; ``None`` to measure from the trajectory alone.

    Returns:
        A JSON-ready mapping: ``agents``, ``seeds`` (whispered to), ``start_knowers`` and
        ``start_fraction`` (exposed before the first tick), ``knowers`` and ``end_fraction``
        (interview answers, else the trajectory),
        ``trajectory_knowers``/``trajectory_fraction``, ``unsupported`` (said yes, but nothing in
        the trajectory carried it to them), ``missed`` (exposed, but said no), ``per_agent``
        details with the carrier of each positive answer, and the ``curve`` over ticks.
    """
    agents = run.agents
    total = max(1, len(agents))
    first = {a: e for a, e in exposures(run, fact).items() if a in agents}
    seeds = sorted(a for a, e in first.items() if e.seeded)
    first_tick = run.frames[0].tick if run.frames else 1
    at_start = sorted(a for a, e in first.items() if e.tick < first_tick)
    per_agent: dict[str, dict[str, Any]] = {}
    for agent in agents:
        exposure = first.get(agent)
        verdict = verdicts.get(agent) if verdicts is not None else None
        per_agent[agent] = {
            "knows": verdict.knows if verdict is not None else exposure is not None,
            "answer": verdict.answer if verdict is not None else None,
            "supported": exposure is not None,
            "exposure": exposure.as_dict() if exposure is not None else None,
        }
    interviewed = verdicts is not None
    knowers = sorted(a for a, d in per_agent.items() if d["knows"])
    return {
        "fact": fact.name,
        "description": fact.description,
        "keywords": list(fact.keywords),
        "question": fact.interview_question,
        "reference": fact.reference,
        "method": "interview" if interviewed else "trajectory",
        "agents": len(agents),
        "seeds": seeds,
        "start_knowers": at_start,
        "start_fraction": round(len(at_start) / total, 4),
        "knowers": knowers,
        "end_fraction": round(len(knowers) / total, 4),
        "trajectory_knowers": sorted(first),
        "trajectory_fraction": round(len(first) / total, 4),
        "unsupported": sorted(a for a in knowers if a not in first) if interviewed else [],
        "missed": sorted(a for a in first if a not in knowers) if interviewed else [],
        "per_agent": per_agent,
        "curve": diffusion_curve(run, first),
    }
