"""Studies: a scenario run per seed (and per condition), each evaluated, compared with the paper.

``run_study`` runs the town once per seed through :mod:`agents.assembly`, evaluates every run
(post-run interviews included), and summarises: per metric the mean and spread over seeds next
to the Generative Agents figure, and — with ``control=True`` — TinyTroupe's A/B idea: the same
town without the scenario's whispers and events, compared by a Welch t-test. ``params`` sweeps
run-config fields (e.g. ``{"reflection_threshold": [100, 150]}``). Runs go to worker processes
(``concurrent.futures``), or to a Ray cluster with ``ray_address``.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.assembly import RunServices, default_services
from agents.cognition.parts import parse_arm
from agents.evaluation.errors import EvaluationError
from agents.evaluation.scenario import Scenario, check_against_world
from agents.evaluation.study_report import CONTROL, TREATMENT, summarise, write_study
from agents.llm.settings import LLMSettings
from agents.persona import Persona
from agents.run_config import RunConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StudyJob:
    """One run of a study: a scenario, a condition, a seed, and where it goes."""

    scenario: Scenario
    condition: str
    seed: int
    run_dir: Path
    agents: int | None = None
    days: float | None = None
    model: str | None = None
    cache: bool = True
    overrides: Mapping[str, Any] = field(default_factory=dict)
    judge_model: str | None = None
    services: RunServices = default_services
    interviews: bool = True
    max_relationship_pairs: int | None = None
    plots: bool = True


@dataclass
class StudyResult:
    """What a study produced.

    Attributes:
        runs: One row per run (condition, seed, metrics).
        table: Per condition and metric: n, mean, sd, min, max, and the paper's value.
        comparison: Control vs treatment per metric (Welch t-test), or ``None``.
        out_dir: Where the runs and the summary files are.
    """

    runs: Any
    table: Any
    comparison: Any
    out_dir: Path
    metrics: list[dict[str, Any]] = field(default_factory=list)


def select_cast(scenario: Scenario, everyone: list[Persona], agents: int | None) -> list[Persona]:
    """The scenario's required cast, then the world's personas in file order, ``agents`` in all.

    Raises:
        EvaluationError: If more agents are asked for than the world has, or fewer than the
            required cast.
    """
    by_name = {p.name: p for p in everyone}
    required = [by_name[n] for n in scenario.required_cast() if n in by_name]
    count = agents or scenario.agents or len(everyone)
    if count > len(everyone):
        raise EvaluationError(
            f"--agents {count}: {scenario.world} has only {len(everyone)} personas"
        )
    if count < len(required):
        names = ", ".join(p.name for p in required)
        raise EvaluationError(f"--agents {count}: scenario {scenario.name} needs at least {names}")
    rest = [p for p in everyone if p not in required]
    return required + rest[: count - len(required)]


def _cast_for(scenario: Scenario, agents: int | None) -> tuple[Any, list[Persona]]:
    from agents.persona import load_personas
    from worlds.loader import load_world, personas_dir

    world = load_world(scenario.world)
    folder = personas_dir(scenario.world)
    if folder is None:
        raise EvaluationError(f"world {scenario.world!r} has no personas/ folder")
    everyone = load_personas(folder)
    check_against_world(scenario, world, everyone)
    return world, select_cast(scenario, everyone, agents)


def run_config(job: StudyJob, cast: list[Persona]) -> RunConfig:
    """The run configuration of a study job (the scenario, the cast, the job's overrides).

    Raises:
        pydantic.ValidationError: If an override or swept value is invalid.
    """
    scenario = job.scenario
    days = job.days if job.days is not None else scenario.days
    llm = LLMSettings(cache=job.cache, **({"model": job.model} if job.model else {}))
    return RunConfig.model_validate(
        {
            "world": scenario.world,
            "personas": [p.name for p in cast],
            "start": scenario.start,
            "hours": days * 24,
            "seed": job.seed,
            "llm": llm.model_dump(),
            "events": [e.model_dump() for e in scenario.run_events()],
            "whispers": [w.model_dump() for w in scenario.start_whispers()],
            **job.overrides,
        }
    )


def run_job(job: StudyJob) -> dict[str, Any]:
    """Runs, evaluates and closes one study run (in a worker process); returns its metrics."""
    from agents.assembly import open_town
    from agents.evaluation.evaluate import evaluate_run
    from agents.evaluation.interviews import TownInterviewer
    from agents.evaluation.judge import Judge

    scenario = job.scenario
    world, cast = _cast_for(scenario, job.agents)
    config = run_config(job, cast)
    town = open_town(config, world, cast, job.run_dir, services=job.services)
    pending = list(scenario.timed_whispers())

    def whisper_when_due(t: Any) -> None:
        while pending and pending[0][0] <= t.now:
            _, agent, text = pending.pop(0)
            t.whisper(agent, text)

    try:
        town.start()
        town.run(on_tick=whisper_when_due)
    finally:
        town.close()
    judge_stack = None
    if job.judge_model:
        from agents.assembly import LLMStack

        judge_stack = LLMStack(LLMSettings(model=job.judge_model))
    try:
        metrics = evaluate_run(
            job.run_dir,
            scenario.facts,
            judge=Judge(judge_stack.gateway, seed=job.seed) if judge_stack else None,
            interviewer=TownInterviewer(job.run_dir, job.services) if job.interviews else None,
            attendance=scenario.attendance_window(),
            questions=scenario.questions,
            max_relationship_pairs=job.max_relationship_pairs,
            plots=job.plots,
            seed=job.seed,
        )
    finally:
        if judge_stack is not None:
            judge_stack.close()
    return {"condition": job.condition, "seed": job.seed, "run_dir": str(job.run_dir), **metrics}


def _conditions(
    scenario: Scenario, control: bool, params: Mapping[str, Sequence[Any]] | None
) -> list[tuple[str, Scenario, dict[str, Any]]]:
    arms = [(TREATMENT, scenario)] + (
        [(CONTROL, scenario.without_intervention())] if control else []
    )
    keys = sorted(params or {})
    combos = list(itertools.product(*(params[k] for k in keys))) if keys else [()]
    out = []
    for combo in combos:
        overrides = dict(zip(keys, combo, strict=True))
        suffix = ",".join(f"{k}={getattr(v, 'label', v)}" for k, v in overrides.items())
        for arm, arm_scenario in arms:
            out.append((f"{arm},{suffix}" if suffix else arm, arm_scenario, overrides))
    return out


def _execute(jobs: list[StudyJob], workers: int, ray_address: str | None) -> list[dict[str, Any]]:
    if ray_address is not None:
        return _execute_on_ray(jobs, ray_address)
    if workers <= 1 or len(jobs) == 1:
        return [run_job(job) for job in jobs]
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(run_job, jobs))


def _execute_on_ray(jobs: list[StudyJob], address: str) -> list[dict[str, Any]]:
    try:
        import ray  # type: ignore[import-not-found]
    except ImportError:
        raise EvaluationError(
            "--ray-address needs Ray, which is not installed: pip install 'ray[default]' "
            "(or leave --ray-address out to use local processes)"
        ) from None
    ray.init(address=None if address in ("", "local") else address, ignore_reinit_error=True)
    remote = ray.remote(run_job)
    return list(ray.get([remote.remote(job) for job in jobs]))


def run_study(
    scenario: Scenario,
    agents: int | None = None,
    days: float | None = None,
    seeds: Sequence[int] = (0,),
    model: str | None = None,
    out_dir: Path | str = Path("studies"),
    *,
    cache: bool = True,
    control: bool = False,
    params: Mapping[str, Sequence[Any]] | None = None,
    arms: Sequence[str] | None = None,
    judge_model: str | None = None,
    workers: int | None = None,
    ray_address: str | None = None,
    services: RunServices = default_services,
    overrides: Mapping[str, Any] | None = None,
    interviews: bool = True,
    max_relationship_pairs: int | None = None,
    plots: bool = True,
) -> StudyResult:
    """Runs a scenario per seed (and condition), evaluates each run, and compares with the paper.

    Args:
        scenario: The scenario (see :func:`agents.evaluation.scenario.load_scenario`).
        agents: Cast size (default: the scenario's, else every persona of the world).
        days: Simulated days (default: the scenario's).
        seeds: One run per seed and condition.
        model: The agents' LLM (default: the bundled local model).
        out_dir: The study folder: ``<condition>/seed-<n>/`` runs plus the summary files.
        cache: Use the LLM response cache (off: every call reaches the model, so every arm's
            tokens are its own).
        control: Also run the control condition (no whispers or events) and compare.
        params: Run-config fields to sweep; every combination is a condition.
        arms: Ablation arms run side by side with the same seeds: ``full`` and
            ``no-<part>[+<part>]`` (see :func:`agents.cognition.parts.parse_arm`); each is a
            condition ``...,mind=<arm>``, ranked by the judge's persona scores.
        judge_model: A litellm model for the judge (persona fidelity, claim checks).
        workers: Worker processes (default: 1 for local models, else up to 4).
        ray_address: Run on Ray (``"local"`` or ``ray://host:port``) instead of local processes.
        services: Builds each run's LLM stack and embedder (tests pass scripted doubles).
        overrides: Run-config fields for every run (e.g. ``{"minutes_per_tick": 15}``).
        interviews: Interview the agents after each run (the paper's diffusion measure).
        max_relationship_pairs: Ask only a seeded sample of relationship questions per run.
        plots: Write figures for every run.

    Returns:
        The runs, the summary table and the control-vs-treatment comparison (also written as
        ``runs.csv``, ``summary.csv``, ``comparison.csv``, ``study.json`` and ``study.md``).

    Raises:
        EvaluationError: No seeds, an existing study folder, or Ray asked for but missing.
    """
    if not seeds:
        raise EvaluationError("--seeds: give at least one seed")
    if arms:
        try:
            params = {**(params or {}), "mind": [parse_arm(arm) for arm in arms]}
        except ValueError as exc:
            raise EvaluationError(f"--arms: {exc}") from None
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise EvaluationError(f"--out {out}: the folder is not empty; choose a new one")
    jobs = [
        StudyJob(
            scenario=arm,
            condition=condition,
            seed=seed,
            run_dir=out / condition.replace(",", "_").replace("=", "-") / f"seed-{seed}",
            agents=agents,
            days=days,
            model=model,
            cache=cache,
            overrides={**(overrides or {}), **sweep},
            judge_model=judge_model,
            services=services,
            interviews=interviews,
            max_relationship_pairs=max_relationship_pairs,
            plots=plots,
        )
        for condition, arm, sweep in _conditions(scenario, control, params)
        for seed in seeds
    ]
    _, cast = _cast_for(scenario, agents)  # unknown names or places fail here, before any run
    for job in jobs:
        run_config(job, cast)  # and so do invalid overrides or swept values
    if workers is None:
        local = (model or "local/").startswith("local/")
        workers = 1 if local else min(4, len(jobs))
    logger.info("study %s: %d runs on %d workers", scenario.name, len(jobs), workers)
    out.mkdir(parents=True, exist_ok=True)
    results = _execute(jobs, workers, ray_address)
    runs, table, comparison = summarise(results, scenario)
    write_study(out, scenario, results, runs, table, comparison)
    return StudyResult(runs, table, comparison, out, results)


def parse_seeds(text: str) -> list[int]:
    """``"1,2,3"`` or ``"1-5"`` (or both: ``"1-3,7"``) → seeds, without repeats.

    Raises:
        EvaluationError: If the text is not a list or range of non-negative integers.
    """
    seeds: list[int] = []
    try:
        for part in (p.strip() for p in text.split(",")):
            low, dash, high = part.partition("-")
            if dash:
                seeds.extend(range(int(low), int(high) + 1))
            elif part:
                seeds.append(int(part))
    except ValueError:
        seeds = []
    if not seeds:
        raise EvaluationError(f"--seeds {text!r}: expected numbers like 1,2,3 or 1-5")
    return list(dict.fromkeys(seeds))
