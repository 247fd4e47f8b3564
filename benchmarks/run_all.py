"""Runs every benchmark in this folder and prints their headline figures as one table.

Each benchmark prints its own detailed table as it goes; at the end the headline figures of all
of them (recorded through ``report.py``) are printed side by side with their goals. The real
model runs, all without the response cache on the bundled 1.5B model, come last:

- generated tokens of the same requests under llama.cpp's JSON grammar and the compact one
  (``bench_grammar.py``);
- the README's main job (``python run_town.py``: 3 agents, 4 simulated hours), which also
  gives the tokens-per-agent-day estimate;
- a full simulated day of 5 people, 06:00–24:00 (``bench_day.py``);
- the believability spread scenario of 4 people over 6 hours (``bench_believability.py``).

Their wall times are also given in calibration units (``calibration.py``: the bare runtime
generating 150 tokens after a 250-token prompt, best of two), measured in the same run, once
before the real runs (the unit) and once after (to show how the machine's load moved).

Usage: python benchmarks/run_all.py [--without-main-job] [--without-day]
       [--without-believability]   (or: make bench)
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.realrun import CALIBRATION_ENV, fmt  # noqa: E402
from benchmarks.report import REPORT_ENV, read_reports, report  # noqa: E402
from run_town import MAIN_JOB  # noqa: E402

BENCHMARKS = [
    ("LLM gateway overhead", ["bench_gateway.py"]),
    ("retrieval latency", ["bench_retrieval.py"]),
    ("town concurrency and overhead", ["bench_town.py", "--agents", "25", "200"]),
    ("viewer frames per second", ["bench_viewer.py"]),
    ("scale: 50, 100, 200 agents over a simulated day", ["bench_scale.py"]),
]


REAL_SPREAD = "bench_believability.py"


def run_benchmark(title: str, script: str, args: list[str], env: dict[str, str]) -> bool:
    """Runs one benchmark script, streaming its output; returns whether it succeeded."""
    print(f"\n## {title} ({script})", flush=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(HERE / script), *args], cwd=ROOT, env=env)
    print(f"({time.perf_counter() - start:.1f} s)", flush=True)
    return result.returncode == 0


def calibration(report_file: Path, when: str) -> float:
    """Measures one calibration unit in this process and records it."""
    from benchmarks.calibration import calibrate

    print(f"\n## calibration ({when})", flush=True)
    result = calibrate()
    print(f"{result.seconds:.2f} s (runs {result.runs})", flush=True)
    figure = f"calibration unit ({when}): 150 tokens after a 250-token prompt, best of two"
    report(figure, f"{result.seconds:.1f} s", to=report_file)
    return result.seconds


def main_job(run_dir: Path, report_file: Path, unit_s: float | None = None) -> bool:
    """Times the README's main job (no response cache, so every call reaches the model)."""
    print("\n## the README's main job (run_town.py, --no-cache)", flush=True)
    start = time.perf_counter()
    command = [sys.executable, "run_town.py", *MAIN_JOB]
    result = subprocess.run([*command, "--no-cache", "--quiet", "--out", str(run_dir)], cwd=ROOT)
    elapsed = time.perf_counter() - start
    print(f"({elapsed:.1f} s)", flush=True)
    if result.returncode == 0:
        minutes, seconds = divmod(round(elapsed), 60)
        figure = "main job wall time (3 agents, 4 simulated hours, 1.5B)"
        units = f" = {fmt(elapsed / unit_s)} calibration units" if unit_s else ""
        report(figure, f"{minutes} min {seconds} s{units}", to=report_file)
    return result.returncode == 0


def print_table(rows: list[dict]) -> None:
    """Prints the headline figures as a Markdown table."""
    print("\n| figure | value | goal | met |\n|---|---|---|---|")
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row["met"]]
        print(f"| {row['figure']} | {row['value']} | {row['goal']} | {met} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--without-main-job",
        action="store_true",
        help="skip the main job and the token estimate (both need the bundled 1.5B model)",
    )
    parser.add_argument(
        "--without-day", action="store_true", help="skip the full simulated day (bench_day.py)"
    )
    parser.add_argument(
        "--without-believability",
        action="store_true",
        help="skip the believability spread scenario (bench_believability.py)",
    )
    args = parser.parse_args()
    print(
        f"gentown benchmarks, {date.today()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "report.jsonl"
        env = {**os.environ, REPORT_ENV: str(report_file)}
        failed = [
            script
            for title, (script, *script_args) in BENCHMARKS
            if not run_benchmark(title, script, script_args, env)
        ]
        real = not (args.without_main_job and args.without_day and args.without_believability)
        unit_s = calibration(report_file, "before the real runs") if real else None
        if unit_s is not None:
            env[CALIBRATION_ENV] = str(unit_s)
        grammar = ("compact grammar vs llama.cpp's", "bench_grammar.py", [], env)
        if real and not run_benchmark(*grammar):
            failed.append("bench_grammar.py")
        if not args.without_main_job:
            run_dir = Path(tmp) / "main-job"
            if main_job(run_dir, report_file, unit_s):
                tokens = ["bench_tokens.py", "--run-dir", str(run_dir)]
                if not run_benchmark("tokens per agent-day", tokens[0], tokens[1:], env):
                    failed.append(tokens[0])
            else:
                failed.append("run_town.py")
        for skip, title, script in (
            (args.without_day, "a real simulated day: 5 people, 06:00–24:00", "bench_day.py"),
            (args.without_believability, "believability: the spread scenario", REAL_SPREAD),
        ):
            if not skip and not run_benchmark(title, script, [], env):
                failed.append(script)
        if real:
            calibration(report_file, "after the real runs")
        print_table(read_reports(report_file))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
