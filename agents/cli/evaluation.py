"""The evaluation toolkit's commands: ``export``, ``eval`` and ``study``.

:func:`add_commands` adds them to the CLI; each subparser gets a ``func`` default
(``func(args) -> int``). User errors raise :class:`~agents.evaluation.errors.EvaluationError`
(an :class:`~simulation.analysis.errors.AnalysisError`) or
:class:`~agents.evaluation.errors.ScenarioError` (a ``SpecError``), one line each. Heavy imports
happen inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.evaluation.errors import EvaluationError

FORMATS = ("parquet", "csv", "jsonl")


class _FactAction(argparse.Action):
    """``--fact TEXT`` starts a fact; ``--keywords a,b`` sets the keywords of the last one."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: str | None = None):
        facts = list(getattr(namespace, "facts", None) or [])
        if option == "--fact":
            facts.append({"text": values, "keywords": None})
        else:
            if not facts:
                raise argparse.ArgumentError(self, "give --fact TEXT before its --keywords")
            words = [w.strip() for w in str(values).split(",") if w.strip()]
            if not words:
                raise argparse.ArgumentError(
                    self, "expected comma-separated words, e.g. party,cafe"
                )
            facts[-1] = {**facts[-1], "keywords": words}
        namespace.facts = facts


def add_commands(subparsers: Any) -> None:
    """Registers ``export``, ``eval`` and ``study`` on an argparse subparsers object."""
    export = subparsers.add_parser("export", help="write a run's tidy tables for pandas")
    export.add_argument("run_dir", type=Path)
    export.add_argument("--format", choices=FORMATS, default="csv", help="default csv")
    export.add_argument("--out", type=Path, default=None, help="default <run_dir>/export")
    export.set_defaults(func=cmd_export)

    ev = subparsers.add_parser("eval", help="evaluate a run: diffusion, network, behaviour...")
    ev.add_argument("run_dir", type=Path)
    ev.add_argument(
        "--fact",
        action=_FactAction,
        dest="facts",
        metavar="TEXT",
        default=[],
        help='a fact to track (repeatable), e.g. "the party at the cafe"',
    )
    ev.add_argument(
        "--keywords",
        action=_FactAction,
        dest="facts",
        metavar="a,b",
        help="keywords of the preceding --fact; '|' separates alternatives",
    )
    ev.add_argument(
        "--scenario",
        default=None,
        help="take facts, attendance and questions from a scenario (name or file)",
    )
    ev.add_argument("--judge-model", default=None, help="litellm model of the LLM judge")
    ev.add_argument(
        "--no-interviews",
        action="store_true",
        help="measure from the trajectory only (no post-run interviews)",
    )
    ev.add_argument(
        "--max-pairs",
        type=int,
        default=None,
        help="ask only this many relationship questions (seeded sample)",
    )
    ev.add_argument("--no-plots", action="store_true")
    ev.add_argument("--out", type=Path, default=None, help="default <run_dir>/eval")
    ev.set_defaults(func=cmd_eval)

    study = subparsers.add_parser("study", help="run a scenario over seeds and compare")
    study.add_argument("scenario", help="bundled scenario name (valentine, election) or file")
    study.add_argument("--agents", type=int, default=None)
    study.add_argument("--days", type=float, default=None)
    study.add_argument("--seeds", default="0", help="e.g. 1,2,3 or 1-5")
    study.add_argument("--model", default=None, help="the agents' model (litellm or local/...)")
    study.add_argument("--out", type=Path, default=None, help="default studies/<time>-<name>")
    study.add_argument(
        "--control",
        action="store_true",
        help="also run without the scenario's whispers/events; Welch t-test",
    )
    study.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="FIELD=v1,v2",
        help="sweep a run-config field (repeatable)",
    )
    study.add_argument(
        "--arms",
        default=None,
        metavar="ARMS",
        help="ablation arms side by side with the same seeds, e.g. "
        "full,no-reflection,no-planning,no-memory",
    )
    study.add_argument("--no-cache", action="store_true", help="do not use the LLM response cache")
    study.add_argument("--judge-model", default=None)
    study.add_argument("--workers", type=int, default=None, help="worker processes")
    study.add_argument(
        "--ray-address",
        default=None,
        help="run on Ray: 'local' or ray://host:port (needs ray installed)",
    )
    study.add_argument("--no-interviews", action="store_true")
    study.add_argument("--max-pairs", type=int, default=None)
    study.set_defaults(func=cmd_study)


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: one file per table."""
    from simulation.analysis.export import export_run

    written = export_run(args.run_dir, args.out, args.format)
    for name, path in written.items():
        print(f"{name:14} {path}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """``eval``: metrics.json and report.md in ``<run_dir>/eval``."""
    from agents.evaluation.evaluate import evaluate_run
    from agents.evaluation.interviews import TownInterviewer
    from simulation.analysis.facts import Fact
    from simulation.run_reader import EVAL_DIR, RunFolderError, check_run_folder

    try:
        check_run_folder(args.run_dir)
    except RunFolderError as exc:
        raise EvaluationError(str(exc)) from None
    facts: list[Fact] = []
    attendance, questions = None, []
    if args.scenario:
        from agents.evaluation.scenario import load_scenario

        scenario = load_scenario(args.scenario)
        facts += scenario.facts
        attendance, questions = scenario.attendance_window(), scenario.questions
    for spec in args.facts or []:
        try:
            facts.append(Fact.from_text(spec["text"], spec["keywords"]))
        except ValueError as exc:
            raise EvaluationError(f"--fact {spec['text']!r}: {_first_error(exc)}") from None
    judge, stack = _judge(args.judge_model)
    try:
        metrics = evaluate_run(
            args.run_dir,
            facts,
            judge=judge,
            interviewer=None if args.no_interviews else TownInterviewer(args.run_dir),
            attendance=attendance,
            questions=questions,
            max_relationship_pairs=args.max_pairs,
            plots=not args.no_plots,
            out_dir=args.out,
        )
    finally:
        if stack is not None:
            stack.close()
    _print_metrics(metrics, args.out or args.run_dir / EVAL_DIR)
    return 0


def cmd_study(args: argparse.Namespace) -> int:
    """``study``: runs per seed (and condition), each evaluated, and a summary."""
    from agents.evaluation.scenario import load_scenario
    from agents.evaluation.study import parse_seeds, run_study

    scenario = load_scenario(args.scenario)
    if args.agents is not None and args.agents < 1:
        raise EvaluationError(f"--agents {args.agents}: give at least 1")
    if args.days is not None and args.days <= 0:
        raise EvaluationError(f"--days {args.days}: give a positive number of simulated days")
    out = args.out or Path("studies") / f"{datetime.now():%Y%m%d-%H%M%S}-{scenario.name}"
    result = run_study(
        scenario,
        agents=args.agents,
        days=args.days,
        seeds=parse_seeds(args.seeds),
        model=args.model,
        out_dir=out,
        cache=not args.no_cache,
        control=args.control,
        params=parse_params(args.param),
        arms=[arm.strip() for arm in args.arms.split(",")] if args.arms else None,
        judge_model=args.judge_model,
        workers=args.workers,
        ray_address=args.ray_address,
        interviews=not args.no_interviews,
        max_relationship_pairs=args.max_pairs,
    )
    print((result.out_dir / "study.md").read_text(encoding="utf-8"))
    print(f"study written to {result.out_dir}")
    return 0


def parse_params(specs: list[str]) -> dict[str, list[Any]]:
    """``["reflection_threshold=100,150"]`` → ``{"reflection_threshold": [100, 150]}``.

    Raises:
        EvaluationError: A malformed spec or a field the run config does not have.
    """
    from agents.run_config import RunConfig

    params: dict[str, list[Any]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not values.strip():
            raise EvaluationError(f"--param {spec!r}: expected FIELD=v1,v2")
        if name not in RunConfig.model_fields:
            fields = ", ".join(sorted(RunConfig.model_fields))
            raise EvaluationError(
                f"--param {spec!r}: no run-config field {name!r}; fields: {fields}"
            )
        params[name] = [_value(v.strip()) for v in values.split(",") if v.strip()]
    return params


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)


def _judge(model: str | None) -> tuple[Any, Any]:
    if not model:
        return None, None
    from agents.assembly import LLMStack
    from agents.evaluation.judge import Judge
    from agents.llm.settings import LLMSettings

    stack = LLMStack(LLMSettings(model=model))
    return Judge(stack.gateway), stack


def _print_metrics(metrics: dict[str, Any], out: Path) -> None:
    rel = metrics["relationships"]
    lines = [f"Evaluation of {metrics['run']['run_id']} → {out}"]
    for name, d in metrics["diffusion"].items():
        lines.append(
            f"  {name}: {d['start_fraction']:.0%} → {d['end_fraction']:.0%} of "
            f"{d['agents']} agents ({d['method']})"
        )
    lines.append(f"  network density {rel['density_start']:.3f} → {rel['density_end']:.3f}")
    if "hallucination" in rel and rel["hallucination"]["rate"] is not None:
        h = rel["hallucination"]
        share = f"{h['rate']:.1%} ({h['hallucinated']}/{h['answers']})"
        lines.append(f"  hallucinated relationship answers {share}")
    if "attendance" in metrics:
        a = metrics["attendance"]
        lines.append(f"  attendance {len(a['attended'])} of {len(a['invited'])} invited")
    lines.append(f"  tokens per agent-day {metrics['cost']['tokens_per_agent_day']:,}")
    print("\n".join(lines))
