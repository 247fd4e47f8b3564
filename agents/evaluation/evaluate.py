"""Evaluate a finished run: diffusion, relationships, behaviour, believability, language, cost.

``evaluate_run`` reads the trajectory (no model needed), optionally interviews the agents after
the run (read-only) and asks an LLM judge (persona fidelity), then writes ``eval/metrics.json`` and
``eval/report.md`` (with figures when matplotlib is installed) and returns the metrics.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.evaluation.errors import EvaluationError
from agents.evaluation.fidelity import persona_fidelity
from agents.evaluation.interviews import RELATIONSHIP_QUESTION, Interviewer, Question
from agents.evaluation.judge import Judge
from agents.evaluation.relationships import check_claims, relationship_metrics, relationship_pairs
from agents.evaluation.report import render_report
from agents.llm.gateway import LLMGateway
from simulation.analysis import behaviour
from simulation.analysis import plots as charts
from simulation.analysis.believability import believability, supported_claims
from simulation.analysis.diffusion import Verdict, diffusion
from simulation.analysis.facts import Fact, answer_knows, exposures
from simulation.analysis.lexical import language_metrics
from simulation.analysis.network import end_graph, start_graph
from simulation.run_reader import EVAL_DIR, RunData, load_run

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttendanceWindow:
    """Who should be where, when: e.g. the party's guests at the cafe from 17:00 to 19:00.

    Attributes:
        fact: The fact whose knowers (before ``start``, seeds excluded) count as invited.
        place: A sector, arena or object address.
        start: Window start.
        end: Window end.
    """

    fact: str
    place: str
    start: datetime
    end: datetime


def evaluate_run(
    run_dir: Path | str,
    facts: Sequence[Fact | str] = (),
    judge: LLMGateway | Judge | None = None,
    interviewer: Interviewer | None = None,
    *,
    attendance: AttendanceWindow | None = None,
    questions: Sequence[str] = (),
    relationships: bool = True,
    max_relationship_pairs: int | None = None,
    plots: bool = True,
    out_dir: Path | str | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Evaluates a run and writes ``metrics.json`` and ``report.md``.

    Args:
        run_dir: The run folder.
        facts: Facts to track (a plain string becomes a fact with its long words as keywords).
        judge: An LLM judge (or a gateway to build one from) for persona fidelity, fact answers
            and relationship claims; ``None`` for the LLM-free readings only.
        interviewer: Asks the agents after the run; ``None`` measures from the trajectory only
            (no relationship interviews, diffusion from exposures).
        attendance: A place and time window to check attendance at.
        questions: Extra questions put to every agent; answers are reported as they are.
        relationships: Whether to ask every agent about every other (N·(N−1) questions).
        max_relationship_pairs: Ask only a seeded sample of that many pairs.
        plots: Write figures when matplotlib is installed.
        out_dir: Where to write (default ``<run_dir>/eval``).
        seed: Seed of every sample drawn (relationship pairs, judged lines).

    Returns:
        The metrics (also in ``metrics.json``); ``docs/trajectory.md`` lists the keys.

    Raises:
        TrajectoryError: If the run cannot be read.
        EvaluationError: If the run has no complete tick, or a fact is named twice.
    """
    run = load_run(run_dir)
    if not run.frames:
        raise EvaluationError(f"{run_dir}: the run has no complete tick to evaluate")
    fact_list = [f if isinstance(f, Fact) else Fact.from_text(f) for f in facts]
    names = [f.name for f in fact_list]
    if len(set(names)) != len(names):
        raise EvaluationError(f"fact names must be unique; got {', '.join(names)}")
    if isinstance(judge, LLMGateway):
        judge = Judge(judge, seed=seed)
    out = Path(out_dir) if out_dir is not None else Path(run_dir) / EVAL_DIR
    out.mkdir(parents=True, exist_ok=True)

    asked: list[Question] = [(a, f.interview_question) for f in fact_list for a in run.agents]
    pairs = relationship_pairs(run, max_relationship_pairs, seed) if relationships else []
    if interviewer is not None:
        asked += [(a, RELATIONSHIP_QUESTION.format(name=b)) for a, b in pairs]
    asked += [(a, q) for q in questions for a in run.agents]
    answers = dict(zip(asked, interviewer.ask_all(asked), strict=True)) if interviewer else None

    metrics: dict[str, Any] = {"run": _run_info(run)}
    metrics["diffusion"] = {
        f.name: diffusion(run, f, _verdicts(run, f, answers, judge)) for f in fact_list
    }
    claims = None
    if answers is not None and pairs:
        rel_answers = [answers[(a, RELATIONSHIP_QUESTION.format(name=b))] for a, b in pairs]
        claims = check_claims(run, pairs, rel_answers, judge)
    metrics["relationships"] = relationship_metrics(run, claims)
    metrics["behaviour"] = {
        "conversations_per_agent": behaviour.conversations_per_agent(run),
        "utterances_per_agent": behaviour.utterances_per_agent(run),
        "time_per_place_min": behaviour.time_per_place(run),
        "location_diversity": behaviour.location_diversity(run),
        "plan_adherence": behaviour.plan_adherence(run),
    }
    if attendance is not None:
        metrics["attendance"] = _attendance(run, attendance, fact_list)
    metrics["believability"] = {
        **believability(run),
        **supported_claims(metrics["diffusion"], metrics["relationships"]),
    }
    metrics["language"] = language_metrics(run)
    if judge is not None:
        metrics["persona_fidelity"] = persona_fidelity(run, judge, seed=seed)
        metrics["judge_fallbacks"] = list(judge.fallbacks)
    if answers is not None and questions:
        metrics["interviews"] = {q: {a: answers[(a, q)] for a in run.agents} for q in questions}
    metrics["cost"] = _cost(run)
    figures = _figures(run, metrics, out) if plots else {}
    metrics["figures"] = figures
    (out / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (out / "report.md").write_text(render_report(metrics), encoding="utf-8")
    logger.info("evaluation written to %s", out)
    return metrics


def _verdicts(
    run: RunData,
    fact: Fact,
    answers: dict[Question, str] | None,
    judge: Judge | None,
) -> dict[str, Verdict] | None:
    if answers is None:
        return None
    replies = {a: answers[(a, fact.interview_question)] for a in run.agents}
    judged: list[bool | None] = [None] * len(replies)
    if judge is not None:
        about = fact.description or fact.name.replace("_", " ")

        async def ask_all() -> list[bool | None]:
            return list(
                await asyncio.gather(
                    *(judge.knows_fact(about, fact.interview_question, r) for r in replies.values())
                )
            )

        judged = asyncio.run(ask_all())
    return {
        agent: Verdict(reply, verdict if verdict is not None else answer_knows(reply, fact))
        for (agent, reply), verdict in zip(replies.items(), judged, strict=True)
    }


def _attendance(run: RunData, window: AttendanceWindow, facts: list[Fact]) -> dict[str, Any]:
    fact = next((f for f in facts if f.name == window.fact), None)
    if fact is None:
        raise EvaluationError(f"attendance names fact {window.fact!r}, which is not tracked")
    first = exposures(run, fact)
    invited = [
        a for a, e in first.items() if a in run.agents and not e.seeded and e.time < window.start
    ]
    result = behaviour.attendance(run, window.place, window.start, window.end, invited)
    return {"fact": fact.name, **result}


def _run_info(run: RunData) -> dict[str, Any]:
    hours = len(run.frames) * run.minutes_per_tick / 60
    return {
        "run_id": run.header.run_id,
        "world": run.header.world,
        "seed": run.header.seed,
        "models": list(run.header.models),
        "agents": run.agents,
        "ticks": run.last_tick,
        "simulated_from": run.start.isoformat(timespec="minutes") if run.start else None,
        "simulated_to": run.end.isoformat(timespec="minutes") if run.end else None,
        "simulated_hours": round(hours, 2),
    }


def _cost(run: RunData) -> dict[str, Any]:
    calls = [c for tick_calls in run.llm_calls.values() for c in tick_calls]
    tokens = sum(int(c.get("prompt_tokens", 0)) + int(c.get("completion_tokens", 0)) for c in calls)
    hours = len(run.frames) * run.minutes_per_tick / 60
    agents = max(1, len(run.agents))
    return {
        "calls": len(calls),
        "tokens": tokens,
        "cost_usd": round(sum(float(c.get("cost_usd", 0.0)) for c in calls), 6),
        "cache_hits": sum(bool(c.get("cache_hit")) for c in calls),
        "failures": sum(1 for c in calls if c.get("failure")),
        "tokens_per_agent_day": round(tokens / agents / hours * 24) if hours else 0,
    }


def _figures(run: RunData, metrics: dict[str, Any], out: Path) -> dict[str, str]:
    if not charts.matplotlib_available():
        logger.info("matplotlib is not installed: no figures (pip install 'gentown[eval]')")
        return {}
    written: dict[str, Path | None] = {}
    curves = {name: d["curve"] for name, d in metrics["diffusion"].items()}
    if curves:
        written["diffusion"] = charts.plot_diffusion(curves, out / "diffusion.png")
    written["relationships"] = charts.plot_relationships(
        start_graph(run), end_graph(run), out / "relationships.png"
    )
    written["activity"] = charts.plot_activity(run, out / "activity.png")
    return {name: path.name for name, path in written.items() if path is not None}
