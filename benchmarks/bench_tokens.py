"""LLM tokens per agent per simulated day on the bundled model, extrapolated from a short run.

A short run pays the day's planning once and then a steady cost per waking hour. Extrapolating
it linearly would count the planning many times over, so the estimate separates the two:

    per day = daily steps (plan_day, schedule) per agent + hourly rest per agent × waking hours

where "hourly rest" is every other step's tokens over the simulated hours. Nights add nothing:
sleepers are not asked to decide.

Usage:
  python benchmarks/bench_tokens.py --run-dir runs/<id>       # analyse a finished run
  python benchmarks/bench_tokens.py --hours 2 --agents 3      # make one first (bundled 1.5B)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import report

DAILY_STEPS = ("plan_day", "schedule")
WAKING_HOURS = 16


def estimate(summary: dict) -> dict[str, float]:
    """Splits a run's tokens into daily and hourly parts and extrapolates to a day."""
    agents = summary["agents"]
    hours = summary["simulated_hours"]
    by_step = summary["llm"]["by_step"]
    daily = sum(by_step.get(step, {}).get("tokens", 0) for step in DAILY_STEPS) / agents
    rest = (summary["llm"]["total"]["tokens"] - daily * agents) / agents / hours
    return {
        "agents": agents,
        "simulated_hours": hours,
        "tokens": summary["llm"]["total"]["tokens"],
        "daily_per_agent": daily,
        "hourly_per_agent": rest,
        "per_agent_day": daily + rest * WAKING_HOURS,
        "naive_linear": summary["tokens_per_agent_per_day"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run-dir", type=Path, default=None)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--agents", type=int, default=3)
    parser.add_argument("--model", default="local/qwen2.5-coder-1.5b")
    args = parser.parse_args()
    run_dir = args.run_dir
    if run_dir is None:
        run_dir = Path(tempfile.mkdtemp()) / "run"
        root = Path(__file__).resolve().parents[1]
        subprocess.run(
            [
                sys.executable,
                str(root / "run_town.py"),
                "run",
                "--hours",
                str(args.hours),
                "--agents",
                str(args.agents),
                "--model",
                args.model,
                "--out",
                str(run_dir),
                "--no-cache",
                "--quiet",
            ],
            check=True,
        )
    figures = estimate(json.loads((run_dir / "summary.json").read_text()))
    for key, value in figures.items():
        print(f"{key:<18}{value:>12,.0f}")
    print(
        f"\n≈ {figures['per_agent_day']:,.0f} tokens per agent per simulated day "
        f"({figures['daily_per_agent']:,.0f} daily + {figures['hourly_per_agent']:,.0f} × "
        f"{WAKING_HOURS} waking hours); goal ≤ 50,000"
    )
    report(
        "LLM tokens per agent per simulated day, bundled model",
        f"{figures['per_agent_day']:,.0f}",
        "≤ 50,000",
        figures["per_agent_day"] <= 50_000,
    )


if __name__ == "__main__":
    main()
