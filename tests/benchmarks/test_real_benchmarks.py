"""The real-model benchmarks' report paths, driven by doubles (no model is run).

A fake checkout (``--repo``) holds a ``run_town.py`` that writes a made-up ``summary.json``
(and, for ``eval``, an ``eval/metrics.json``), so the benchmarks run end to end as they would
against another checkout, in a second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from agents.llm.local_provider import LocalReply
from benchmarks.bench_believability import figures, scenario, spread
from benchmarks.calibration import calibrate
from benchmarks.realrun import CALIBRATION_ENV, llm_use, run_town, step_table
from benchmarks.report import REPORT_ENV, read_reports

ROOT = Path(__file__).resolve().parents[2]


def usage(calls, prompt, generated, cached=None, hits=0):
    data = {"calls": calls, "prompt_tokens": prompt, "completion_tokens": generated}
    data.update({"tokens": prompt + generated, "cache_hits": hits, "failures": {}})
    if cached is not None:
        data["cached_prompt_tokens"] = cached
    return data


SUMMARY = {
    "agents": 5,
    "simulated_hours": 18.0,
    "wall_time_s": 1500.0,
    "llm": {
        "total": usage(100, 80_000, 10_000, cached=60_000),
        "by_step": {
            "decompose": usage(40, 30_000, 6_000, cached=24_000),
            "plan_day": usage(5, 10_000, 1_000, cached=5_000),
            "importance": usage(55, 40_000, 3_000, cached=31_000, hits=5),
        },
    },
}

BASELINE_SUMMARY = {  # an older checkout's summary: no cached prompt tokens
    "agents": 5,
    "simulated_hours": 18.0,
    "llm": {"total": usage(10, 1_000, 500), "by_step": {"plan_day": usage(10, 1_000, 500)}},
}

METRICS = {
    "diffusion": {
        "party": {
            "seeds": ["Rosa Delgado"],
            "per_agent": {
                "Rosa Delgado": {"knows": True, "supported": True},
                "Tom Castellano": {"knows": True, "supported": True},
                "Leo Park": {"knows": True, "supported": False},
                "Ada Lindqvist": {"knows": False, "supported": False},
            },
        }
    },
    "attendance": {"present": ["Rosa Delgado", "Tom Castellano"]},
    "believability": {
        "misaddressed": {"total": 50, "count": 1, "rate": 0.02},
        "plan_anomalies": {"total": 40, "count": 4, "rate": 0.1},
    },
}

FAKE_CLI = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    args = sys.argv[1:]
    Path("calls.log").open("a").write(json.dumps(args) + "\\n")
    if args[0] == "run":
        out = Path(args[args.index("--out") + 1])
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(SUMMARY))
    elif args[0] == "eval":
        out = Path(args[1]) / "eval"
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps(METRICS))
    """
)


def fake_repo(tmp_path: Path, summary: dict, metrics: dict | None = None) -> Path:
    repo = tmp_path / "checkout"
    repo.mkdir()
    script = f"SUMMARY = {summary!r}\nMETRICS = {metrics or {}!r}\n" + FAKE_CLI
    (repo / "run_town.py").write_text(script)
    return repo


def run_bench(script: str, *args: str, report_file: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, REPORT_ENV: str(report_file)}
    env.pop(CALIBRATION_ENV, None)
    command = [sys.executable, str(ROOT / "benchmarks" / script), *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )


def test_llm_use_reads_totals_steps_and_the_cached_share() -> None:
    use = llm_use(SUMMARY)
    assert (use.calls, use.tokens, use.cached_share) == (100, 90_000, 0.75)
    rows = step_table(use)
    assert rows[2] == "| decompose | 40 | 30,000 | 6,000 | 150 | 80% |"
    assert rows[3] == "| importance | 55 | 40,000 | 3,000 | 60 | 78% |"  # 50 model calls
    assert rows[-1] == "| total | 100 | 80,000 | 10,000 | 100 | 75% |"
    old = llm_use(BASELINE_SUMMARY)
    assert old.cached_share is None and step_table(old)[-1].endswith("| n/a |")


def test_run_town_runs_another_checkouts_cli_with_this_python(tmp_path: Path) -> None:
    repo = fake_repo(tmp_path, SUMMARY)
    result = run_town(repo, tmp_path / "run", ["--agents", "5"])
    assert result.returncode == 0 and result.wall_s > 0
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["agents"] == 5
    call = json.loads((repo / "calls.log").read_text())
    assert call[:3] == ["run", "--agents", "5"] and "--no-cache" in call and "--quiet" in call


def test_day_benchmark_reports_units_tokens_and_the_cache_share(tmp_path: Path) -> None:
    target = tmp_path / "report.jsonl"
    repo = fake_repo(tmp_path, SUMMARY)
    out = run_bench(
        "bench_day.py", "--repo", str(repo), "--calibration-s", "20", report_file=target
    )
    call = json.loads((repo / "calls.log").read_text())
    assert call[call.index("--start") + 1] == "2026-02-13 06:00"
    assert call[call.index("--hours") + 1] == "18.0" and "--no-cache" in call
    figures = {f["figure"].split(": ", 1)[1]: f for f in read_reports(target)}
    units = figures["wall time in calibration units"]
    assert units["goal"] == "≤ 120" and units["met"] in (True, False)
    assert figures["tokens per person per day"]["value"] == "18,000"
    assert figures["tokens per person per day"]["met"] is True
    assert figures["generated tokens per person per day"]["value"] == "2,000"
    assert figures["prompt tokens served from the prompt cache"]["value"] == "75%"
    assert "| decompose | 40 | 30,000 | 6,000 | 150 | 80% |" in out.stdout


def test_day_benchmark_reports_a_finished_run_of_an_older_checkout(tmp_path: Path) -> None:
    target = tmp_path / "report.jsonl"
    (tmp_path / "summary.json").write_text(json.dumps(BASELINE_SUMMARY))
    args = ["--from-run", str(tmp_path), "--wall-s", "2400", "--calibration-s", "20"]
    run_bench("bench_day.py", *args, "--label", "baseline", report_file=target)
    figures = {f["figure"]: f for f in read_reports(target)}
    units = next(f for name, f in figures.items() if "calibration units" in name)
    assert units["value"].startswith("120.0 (40 min 0 s") and units["met"] is True
    cache = next(f for name, f in figures.items() if "prompt cache" in name)
    assert cache["value"] == "n/a" and "(baseline)" in next(iter(figures))


def test_believability_benchmark_runs_evaluates_and_reports(tmp_path: Path) -> None:
    target = tmp_path / "report.jsonl"
    repo = fake_repo(tmp_path, SUMMARY, METRICS)
    args = ["--repo", str(repo), "--eval-repo", str(repo), "--calibration-s", "20"]
    out = run_bench("bench_believability.py", *args, report_file=target)
    calls = [json.loads(line) for line in (repo / "calls.log").read_text().splitlines()]
    run, evaluation = calls
    assert run[run.index("--personas") + 1] == "Rosa Delgado,Tom Castellano,Leo Park,Ada Lindqvist"
    assert run[run.index("--start") + 1] == "2026-02-13 07:00"
    assert run[run.index("--whisper") + 1].startswith("Rosa Delgado: I am throwing")
    assert run[run.index("--event") + 1].startswith("12:30 ")
    assert evaluation[0] == "eval" and evaluation[evaluation.index("--max-pairs") + 1] == "0"
    rows = {f["figure"].split(": ", 1)[1]: f for f in read_reports(target)}
    assert rows["wrongly addressed lines"]["value"] == "2.0% (1 of 50)"
    assert rows["wrongly addressed lines"]["met"] is True
    assert rows["plan anomalies (share of plan items)"]["met"] is False
    spread_row = rows["others who know of the party, with trajectory support"]
    assert spread_row["value"].startswith("33%") and spread_row["met"] is False  # Leo: no support
    assert rows["others at the party (12:30–13:30 at the cafe)"]["met"] is True
    assert "| wrongly addressed lines | 2.0% (1 of 50) | ≤ 2% | yes |" in out.stdout


def test_believability_keys_missing_from_eval_print_na(tmp_path: Path) -> None:
    old = {"diffusion": METRICS["diffusion"]}  # an eval without believability nor attendance
    f = figures(old, BASELINE_SUMMARY, 600.0, None)
    assert f["misaddressed"] is None and f["plan_anomalies"] is None and f["attendance"] is None
    assert f["spread"] == pytest.approx(1 / 3) and f["units"] is None
    reported = {"believability": {"spread": {"party": {"fraction": 0.5}}}, **old}
    assert spread(reported)[0] == 0.5  # eval's own figure wins where it exists


def test_the_scenario_names_the_fact_and_the_attendance_window() -> None:
    data = scenario()
    assert data["attendance"]["place"] == "Copper Kettle Cafe"
    assert data["attendance"]["start"] == "12:30" and data["facts"][0]["name"] == "party"
    assert data["events"][0]["at"] == "12:30"


class FakeRuntime:
    """Answers each request after a scripted delay."""

    def __init__(self, delays: list[float]) -> None:
        self.delays = delays
        self.requests: list[dict] = []

    def ensure_loaded(self, model: str) -> None:
        pass

    def chat(self, model: str, request: dict) -> LocalReply:
        self.requests.append(request)
        time.sleep(self.delays[len(self.requests) - 1])
        return LocalReply("words " * 150, "length", 250, 150)


def test_calibration_is_the_best_of_two_with_no_prompt_cache() -> None:
    runtime = FakeRuntime([0.2, 0.05])
    result = calibrate(runs=2, runtime=runtime)
    assert result.seconds == pytest.approx(0.05, abs=0.04) and len(result.runs) == 2
    assert (result.prompt_tokens, result.generated_tokens) == (250, 150)
    first, second = runtime.requests
    assert first["max_tokens"] == 150 and first["ignore_eos"] and first["cache_prompt"] is False
    assert first["messages"] != second["messages"]  # a new prompt each run
