"""Runs every benchmark in this folder and prints their headline figures as one table.

Each benchmark prints its own detailed table as it goes; at the end the headline figures of all
of them (recorded through ``report.py``) are printed side by side with their goals. The README's
main job (``python run_town.py``: 3 agents, 4 simulated hours, bundled 1.5B model) is timed
without the response cache, and its run gives the tokens-per-agent-day estimate.

Usage: python benchmarks/run_all.py [--without-main-job]   (or: make bench)
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

from benchmarks.report import REPORT_ENV, read_reports, report  # noqa: E402
from run_town import MAIN_JOB  # noqa: E402

BENCHMARKS = [
    ("LLM gateway overhead", ["bench_gateway.py"]),
    ("retrieval latency", ["bench_retrieval.py"]),
    ("town concurrency and overhead", ["bench_town.py", "--agents", "25", "200"]),
    ("viewer frames per second", ["bench_viewer.py"]),
    ("scale: 50, 100, 200 agents over a simulated day", ["bench_scale.py"]),
]


def run_benchmark(title: str, script: str, args: list[str], env: dict[str, str]) -> bool:
    """Runs one benchmark script, streaming its output; returns whether it succeeded."""
    print(f"\n## {title} ({script})", flush=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(HERE / script), *args], cwd=ROOT, env=env)
    print(f"({time.perf_counter() - start:.1f} s)", flush=True)
    return result.returncode == 0


def main_job(run_dir: Path, report_file: Path) -> bool:
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
        report(figure, f"{minutes} min {seconds} s", to=report_file)
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
        if not args.without_main_job:
            run_dir = Path(tmp) / "main-job"
            if main_job(run_dir, report_file):
                tokens = ["bench_tokens.py", "--run-dir", str(run_dir)]
                if not run_benchmark("tokens per agent-day", tokens[0], tokens[1:], env):
                    failed.append(tokens[0])
            else:
                failed.append("run_town.py")
        print_table(read_reports(report_file))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
