import os
import subprocess
import sys
from pathlib import Path

from benchmarks.report import REPORT_ENV, read_reports, report
from benchmarks.run_all import print_table

ROOT = Path(__file__).resolve().parents[2]


def test_report_writes_only_when_a_report_file_is_named(tmp_path, monkeypatch):
    target = tmp_path / "report.jsonl"
    monkeypatch.delenv(REPORT_ENV, raising=False)
    report("not recorded", "1 ms")
    assert read_reports(target) == []
    monkeypatch.setenv(REPORT_ENV, str(target))
    report("overhead", "1.00 ms", "≤ 2 ms", True)
    report("scale", "25 s")
    assert read_reports(target) == [
        {"figure": "overhead", "value": "1.00 ms", "goal": "≤ 2 ms", "met": True},
        {"figure": "scale", "value": "25 s", "goal": "", "met": None},
    ]


def test_table_marks_missed_goals(capsys):
    print_table(
        [
            {"figure": "a", "value": "1 ms", "goal": "≤ 2 ms", "met": True},
            {"figure": "b", "value": "3 ms", "goal": "≤ 2 ms", "met": False},
            {"figure": "c", "value": "9 s", "goal": "", "met": None},
        ]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[2:] == [
        "| a | 1 ms | ≤ 2 ms | yes |",
        "| b | 3 ms | ≤ 2 ms | NO |",
        "| c | 9 s |  |  |",
    ]


def test_town_benchmark_reports_its_headline_figures(tmp_path):
    target = tmp_path / "report.jsonl"
    env = {**os.environ, REPORT_ENV: str(target), "HF_HUB_OFFLINE": "1"}
    script = ROOT / "benchmarks" / "bench_town.py"
    args = ["--agents", "3", "--hours", "0.5", "--latency", "0.01"]
    subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=env, check=True, timeout=300)
    figures = read_reports(target)
    assert [f["figure"] for f in figures] == [
        "concurrency, 3-agent busy tick, concurrent vs one by one",
        "simulator overhead per agent-tick, 3 agents, 0.5 h, instant double",
    ]
    assert all(f["value"] and f["met"] is None for f in figures)  # goals are set for 25 agents
