"""Believability on the bundled model: does whispered news spread, and do people talk right?

The spread scenario of issue 11: four people of the bundled town (Rosa Delgado, Tom Castellano,
Leo Park, Ada Lindqvist) from 07:00 for six simulated hours, on the bundled 1.5B model with an
empty response cache. At the start Rosa is told she is throwing a Valentine's party at the
Copper Kettle Cafe at 12:30 and wants to invite everyone she sees; at 12:30 the cafe is
decorated for it. Then ``eval`` (post-run interviews, each "yes" checked against the
trajectory) measures:

- wrongly addressed lines (goal ≤ 2%) and plan anomalies (goal ≤ 5% of plan items), from the
  judge-free believability section of ``eval/metrics.json``;
- the share of the others who know of the party at the end with trajectory support (≥ 50%);
- attendance: who of the others is at the cafe during the party (≥ 1);
- tokens, wall time and the wall time in calibration units.

``--repo PATH`` runs another checkout's ``run_town.py`` with this Python (before/after on one
machine). The run is evaluated with this checkout's ``eval`` by default (``--eval-repo``), so
both are measured by the same code; keys a checkout's metrics lack print as ``n/a``.

Usage:
  python benchmarks/bench_believability.py [--repo PATH] [--out DIR]
  python benchmarks/bench_believability.py --from-run DIR     # a finished, evaluated run
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.realrun import (
    NA,
    ROOT,
    calibrated_run,
    calibration_seconds,
    dig,
    fmt,
    llm_use,
    minutes,
    read_summary,
    run_cli,
    step_table,
    units,
)
from benchmarks.report import report

CAST = ("Rosa Delgado", "Tom Castellano", "Leo Park", "Ada Lindqvist")
HOST = "Rosa Delgado"
START = "2026-02-13 07:00"
HOURS = 6.0
PARTY_AT, PARTY_END = "12:30", "13:30"
PLACE = "Copper Kettle Cafe"
WHISPER = (
    "I am throwing a Valentine's party at the Copper Kettle Cafe today at 12:30 and want to "
    "invite everyone I see"
)
EVENT = "Paper hearts, balloons and candles decorate the Copper Kettle Cafe for Rosa's party."
FACT = "party"
KEYWORDS = ["party", "valentine|cafe|kettle|rosa|12:30"]
GOALS = {"misaddressed": 0.02, "plan_anomalies": 0.05, "spread": 0.5, "attendance": 1}


def scenario(cast: tuple[str, ...] = CAST) -> dict[str, Any]:
    """The scenario file ``eval --scenario`` reads: the fact, the attendance window, the cast."""
    return {
        "name": "spread",
        "description": "Rosa's Valentine's party at the Copper Kettle Cafe today at 12:30.",
        "world": "maplewood",
        "start": START,
        "days": 1,
        "cast": list(cast),
        "whispers": [{"agent": HOST, "text": WHISPER}],
        "events": [{"day": 0, "at": PARTY_AT, "place": PLACE, "text": EVENT}],
        "facts": [
            {
                "name": FACT,
                "description": "Rosa's Valentine's party at the Copper Kettle Cafe today at 12:30",
                "keywords": KEYWORDS,
                "question": "Do you know of a party happening today?",
            }
        ],
        "attendance": {
            "fact": FACT,
            "place": PLACE,
            "day": 0,
            "start": PARTY_AT,
            "end": PARTY_END,
        },
        "questions": [],
    }


def rate(metrics: dict, key: str) -> float | None:
    """A believability rate from ``eval/metrics.json`` (None where the key is missing)."""
    value = dig(metrics, "believability", key, "rate")
    return float(value) if isinstance(value, int | float) else None


def spread(metrics: dict) -> tuple[float | None, list[str], list[str]]:
    """Share of the others who know the fact at the end with trajectory support.

    Read from ``believability.spread`` where eval reports it, else from the diffusion's
    per-agent verdicts (knows, and supported by the trajectory).
    """
    result = dig(metrics, "diffusion", FACT, default={}) or {}
    seeds = set(result.get("seeds") or [])
    per_agent = result.get("per_agent") or {}
    others = sorted(a for a in per_agent if a not in seeds)
    knowers = sorted(
        a for a in others if per_agent[a].get("knows") and per_agent[a].get("supported")
    )
    reported = dig(metrics, "believability", "spread", FACT, "fraction")
    if isinstance(reported, int | float):
        return float(reported), others, knowers
    return (len(knowers) / len(others) if others else None), others, knowers


def attendance(metrics: dict) -> tuple[int | None, list[str]]:
    """How many besides the host were at the party's place during it, and who."""
    present = dig(metrics, "attendance", "present")
    if not isinstance(present, list):
        return None, []
    guests = sorted(p for p in present if p != HOST)
    return len(guests), guests


def figures(metrics: dict, summary: dict, wall_s: float, calibration_s: float | None) -> dict:
    """The benchmark's headline figures."""
    share, others, knowers = spread(metrics)
    attended, guests = attendance(metrics)
    use = llm_use(summary)
    return {
        "misaddressed": rate(metrics, "misaddressed"),
        "misaddressed_count": dig(metrics, "believability", "misaddressed", "count"),
        "lines": dig(metrics, "believability", "misaddressed", "total"),
        "plan_anomalies": rate(metrics, "plan_anomalies"),
        "plan_items": dig(metrics, "believability", "plan_anomalies", "total"),
        "spread": share,
        "others": others,
        "knowers": knowers,
        "attendance": attended,
        "guests": guests,
        "tokens": use.tokens,
        "generated": use.completion_tokens,
        "calls": use.calls,
        "wall_s": wall_s,
        "calibration_s": calibration_s,
        "units": units(wall_s, calibration_s),
        "failures": dig(summary, "llm", "total", "failures", default={}),
        "use": use,
    }


def _met(value: float | None, goal: float, at_most: bool) -> bool | None:
    if value is None:
        return None
    return value <= goal if at_most else value >= goal


def print_and_report(f: dict, label: str = "") -> None:
    """Prints the benchmark's table and records its headline figures for ``run_all.py``."""
    tag = f" ({label})" if label else ""
    print(f"\nbelievability, spread scenario{tag}: {', '.join(CAST)}; {HOURS:g} h from 07:00")
    print("\n".join(step_table(f["use"])))
    rows = [
        (
            "wrongly addressed lines",
            fmt(f["misaddressed"], "{:.1%}")
            + (f" ({f['misaddressed_count']} of {f['lines']})" if f["lines"] is not None else ""),
            "≤ 2%",
            _met(f["misaddressed"], GOALS["misaddressed"], True),
        ),
        (
            "plan anomalies (share of plan items)",
            fmt(f["plan_anomalies"], "{:.1%}")
            + (f" of {f['plan_items']} items" if f["plan_items"] is not None else ""),
            "≤ 5%",
            _met(f["plan_anomalies"], GOALS["plan_anomalies"], True),
        ),
        (
            "others who know of the party, with trajectory support",
            fmt(f["spread"], "{:.0%}")
            + (f" ({len(f['knowers'])} of {len(f['others'])}: {', '.join(f['knowers'])})"),
            "≥ 50%",
            _met(f["spread"], GOALS["spread"], False),
        ),
        (
            "others at the party (12:30–13:30 at the cafe)",
            NA if f["attendance"] is None else f"{f['attendance']} {f['guests']}",
            "≥ 1",
            _met(f["attendance"], GOALS["attendance"], False),
        ),
        (
            "tokens (generated)",
            f"{f['tokens']:,} ({f['generated']:,}) in {f['calls']} calls",
            "",
            None,
        ),
        (
            "wall time",
            f"{minutes(f['wall_s'])} = {fmt(f['units'])} calibration units "
            f"(unit {fmt(f['calibration_s'], '{:.2f}')} s)",
            "",
            None,
        ),
    ]
    print("\n| figure | value | goal | met |\n|---|---|---|---|")
    for name, value, goal, met in rows:
        print(f"| {name} | {value} | {goal} | {({True: 'yes', False: 'NO', None: ''})[met]} |")
    print(f"LLM failures: {f['failures']}")
    for name, value, goal, met in rows:
        report(f"believability{tag}: {name}", value, goal, met)


def evaluate(eval_repo: Path, run_dir: Path, scenario_file: Path, max_pairs: int) -> dict:
    """Runs ``eval`` of ``eval_repo`` on the run; returns its metrics (empty if it failed)."""
    args = ["eval", str(run_dir), "--scenario", str(scenario_file), "--no-plots"]
    args += ["--max-pairs", str(max_pairs)]
    _, code = run_cli(eval_repo, args)
    path = run_dir / "eval" / "metrics.json"
    if code != 0 or not path.exists():
        print(f"eval failed (exit {code})", file=sys.stderr)
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--eval-repo", type=Path, default=ROOT, help="the checkout that evals")
    parser.add_argument("--hours", type=float, default=HOURS)
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-pairs", type=int, default=0, help="relationship interviews")
    parser.add_argument("--out", type=Path, default=None, help="keep the run folder here")
    parser.add_argument("--from-run", type=Path, default=None, help="report an evaluated run")
    parser.add_argument("--wall-s", type=float, default=None, help="its wall time (--from-run)")
    parser.add_argument("--calibration-s", type=float, default=None, help="skip measuring it")
    parser.add_argument("--label", default="", help="a label for the figures, e.g. 'baseline'")
    parser.add_argument(
        "--conversation-mode", choices=("line", "scene"), default=None, help="default: the run's"
    )
    args = parser.parse_args()

    if args.from_run is not None:
        path = args.from_run / "eval" / "metrics.json"
        metrics = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        summary = read_summary(args.from_run)
        wall = args.wall_s if args.wall_s is not None else float(summary.get("wall_time_s", 0))
        calibration = calibration_seconds(measure=False, given=args.calibration_s)
        print_and_report(figures(metrics, summary, wall, calibration), args.label)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.out or Path(tmp) / "spread"
        scenario_file = Path(tmp) / "spread.yaml"  # JSON is YAML
        scenario_file.write_text(json.dumps(scenario()), encoding="utf-8")
        run_args = ["--personas", ",".join(CAST), "--start", START, "--hours", str(args.hours)]
        run_args += ["--model", args.model, "--seed", str(args.seed)]
        run_args += ["--whisper", f"{HOST}: {WHISPER}", "--event", f"{PARTY_AT} {EVENT}"]
        if args.conversation_mode:
            run_args += ["--conversation-mode", args.conversation_mode]
        result, calibration = calibrated_run(args.repo, run_dir, run_args, args.calibration_s)
        if result.returncode != 0:
            print(f"the run failed (exit {result.returncode})", file=sys.stderr)
            return 1
        metrics = evaluate(args.eval_repo, run_dir, scenario_file, args.max_pairs)
        if not metrics and args.eval_repo != args.repo:
            print("evaluating with the run's own checkout instead", file=sys.stderr)
            metrics = evaluate(args.repo, run_dir, scenario_file, args.max_pairs)
        summary = read_summary(run_dir)
        print_and_report(figures(metrics, summary, result.wall_s, calibration), args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
