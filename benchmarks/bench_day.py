"""A real simulated day: 5 people of the bundled town, 06:00–24:00, the bundled 1.5B model.

The run starts with an empty response cache (``--no-cache``), so every call reaches the model.
It reports the wall time, the tokens and generated tokens by step, calls by step, the share of
prompt tokens served from llama.cpp's prompt cache, and the wall time in calibration units
(``benchmarks/calibration.py``: the bare runtime generating 150 tokens after a 250-token
prompt, best of two, measured before and after the run; their mean is the unit). Goals
(issue 12): the day in ≤ 120 units, and ≤ 25,000 tokens and ≤ 4,000 generated tokens per
person over the real day (counted, not extrapolated).

Usage:
  python benchmarks/bench_day.py                      # this checkout
  python benchmarks/bench_day.py --repo ../baseline   # another checkout, with this Python
  python benchmarks/bench_day.py --from-run DIR --calibration-s 19.5   # report a finished run
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.realrun import (
    ROOT,
    calibrated_run,
    calibration_seconds,
    fmt,
    llm_use,
    minutes,
    read_summary,
    step_table,
    units,
)
from benchmarks.report import report

GOAL_UNITS = 120
GOAL_TOKENS = 25_000
GOAL_GENERATED = 4_000
DAY_START = "2026-02-13 06:00"
DAY_HOURS = 18.0


def day_figures(summary: dict, wall_s: float, calibration_s: float | None) -> dict:
    """The headline figures of a day run."""
    use = llm_use(summary)
    people = max(1, int(summary.get("agents", 0) or 0))
    return {
        "people": people,
        "simulated_hours": summary.get("simulated_hours"),
        "wall_s": wall_s,
        "calibration_s": calibration_s,
        "units": units(wall_s, calibration_s),
        "calls": use.calls,
        "tokens": use.tokens,
        "generated": use.completion_tokens,
        "tokens_per_person": use.tokens / people,
        "generated_per_person": use.completion_tokens / people,
        "cached_share": use.cached_share,
        "failures": summary.get("llm", {}).get("total", {}).get("failures", {}),
        "use": use,
    }


def print_and_report(figures: dict, label: str = "") -> None:
    """Prints the day's table and records its headline figures for ``run_all.py``."""
    use = figures["use"]
    people, hours = figures["people"], figures["simulated_hours"]
    tag = f" ({label})" if label else ""
    print(f"\nfull day{tag}: {people} people, {hours} simulated hours")
    print("\n".join(step_table(use)))
    u = figures["units"]
    cached = figures["cached_share"]
    print(
        f"\nwall time {minutes(figures['wall_s'])} = {fmt(u)} calibration units "
        f"(unit {fmt(figures['calibration_s'], '{:.2f}')} s); {figures['calls']} calls, "
        f"{figures['tokens']:,} tokens, {figures['generated']:,} generated; per person per day "
        f"{figures['tokens_per_person']:,.0f} tokens, {figures['generated_per_person']:,.0f} "
        f"generated; prompt-cache share {fmt(cached, '{:.0%}')}; failures {figures['failures']}"
    )
    what = f"full day, {people} people, 06:00–24:00, 1.5B, empty cache{tag}"
    report(
        f"{what}: wall time in calibration units",
        f"{fmt(u)} ({minutes(figures['wall_s'])}; unit "
        f"{fmt(figures['calibration_s'], '{:.1f}')} s)",
        f"≤ {GOAL_UNITS}",
        None if u is None else u <= GOAL_UNITS,
    )
    report(
        f"{what}: tokens per person per day",
        f"{figures['tokens_per_person']:,.0f}",
        f"≤ {GOAL_TOKENS:,}",
        figures["tokens_per_person"] <= GOAL_TOKENS,
    )
    report(
        f"{what}: generated tokens per person per day",
        f"{figures['generated_per_person']:,.0f}",
        f"≤ {GOAL_GENERATED:,}",
        figures["generated_per_person"] <= GOAL_GENERATED,
    )
    report(f"{what}: prompt tokens served from the prompt cache", fmt(cached, "{:.0%}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--start", default=DAY_START)
    parser.add_argument("--hours", type=float, default=DAY_HOURS)
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="keep the run folder here")
    parser.add_argument("--from-run", type=Path, default=None, help="report a finished run")
    parser.add_argument("--wall-s", type=float, default=None, help="its wall time (--from-run)")
    parser.add_argument("--calibration-s", type=float, default=None, help="skip measuring it")
    parser.add_argument("--label", default="", help="a label for the figures, e.g. 'baseline'")
    args = parser.parse_args()

    if args.from_run is not None:
        summary = read_summary(args.from_run)
        if not summary:
            print(f"{args.from_run}: no summary.json", file=sys.stderr)
            return 1
        wall = args.wall_s if args.wall_s is not None else float(summary.get("wall_time_s", 0))
        calibration = calibration_seconds(measure=False, given=args.calibration_s)
        print_and_report(day_figures(summary, wall, calibration), args.label)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.out or Path(tmp) / "day"
        run_args = ["--agents", str(args.agents), "--start", args.start, "--hours"]
        run_args += [str(args.hours), "--model", args.model, "--seed", str(args.seed)]
        result, calibration = calibrated_run(args.repo, run_dir, run_args, args.calibration_s)
        if result.returncode != 0:
            print(f"the day run failed (exit {result.returncode})", file=sys.stderr)
            return 1
        summary = read_summary(run_dir)
        print_and_report(day_figures(summary, result.wall_s, calibration), args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
