import argparse
import json

import pytest

from agents.cli.evaluation import add_commands, parse_params
from agents.evaluation.errors import EvaluationError, ScenarioError
from simulation.analysis.errors import AnalysisError
from tests.simulation.run_builder import party_run


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="gentown")
    add_commands(root.add_subparsers(dest="command"))
    return root


def test_every_command_registers_its_function():
    args = parser().parse_args(["export", "runs/x", "--format", "jsonl"])
    assert args.func.__name__ == "cmd_export" and args.format == "jsonl"
    args = parser().parse_args(
        [
            "study",
            "valentine",
            "--agents",
            "4",
            "--days",
            "0.5",
            "--seeds",
            "1,2",
            "--model",
            "openai/gpt-4o-mini",
        ]
    )
    assert args.func.__name__ == "cmd_study"
    assert (args.agents, args.days, args.seeds) == (4, 0.5, "1,2")


def test_keywords_belong_to_the_preceding_fact():
    args = parser().parse_args(
        [
            "eval",
            "runs/x",
            "--fact",
            "the party",
            "--keywords",
            "party,cafe",
            "--fact",
            "the election",
            "--judge-model",
            "m",
        ]
    )
    assert args.facts == [
        {"text": "the party", "keywords": ["party", "cafe"]},
        {"text": "the election", "keywords": None},
    ]
    assert args.func.__name__ == "cmd_eval" and args.judge_model == "m"
    with pytest.raises(SystemExit):
        parser().parse_args(["eval", "runs/x", "--keywords", "party"])


def test_export_writes_one_file_per_table(tmp_path, capsys):
    run_dir = party_run().write(tmp_path / "run")
    args = parser().parse_args(["export", str(run_dir), "--out", str(tmp_path / "out")])
    assert args.func(args) == 0
    assert (tmp_path / "out" / "events.csv").exists()
    assert "utterances" in capsys.readouterr().out


def test_export_of_an_unknown_format_fails_with_a_user_error(tmp_path, monkeypatch):
    from simulation.analysis import export

    monkeypatch.setattr(export, "parquet_available", lambda: False)
    run_dir = party_run().write(tmp_path / "run")
    args = parser().parse_args(["export", str(run_dir), "--format", "parquet"])
    with pytest.raises(AnalysisError, match="gentown\\[eval\\]"):
        args.func(args)


def test_eval_from_the_trajectory_only(tmp_path, capsys):
    run_dir = party_run().write(tmp_path / "run")
    args = parser().parse_args(
        [
            "eval",
            str(run_dir),
            "--fact",
            "the party",
            "--keywords",
            "party,cafe",
            "--no-interviews",
            "--no-plots",
        ]
    )
    assert args.func(args) == 0
    metrics = json.loads((run_dir / "eval" / "metrics.json").read_text())
    assert metrics["diffusion"]["the_party"]["knowers"] == ["Ana", "Ben", "Cy"]
    out = capsys.readouterr().out
    assert "the_party: 25% → 75% of 4 agents (trajectory)" in out


def test_eval_and_study_user_errors(tmp_path):
    args = parser().parse_args(["eval", str(tmp_path)])
    with pytest.raises(EvaluationError, match="not a run folder"):
        args.func(args)
    args = parser().parse_args(["study", "no_such_scenario"])
    with pytest.raises(ScenarioError, match="no such scenario"):
        args.func(args)
    args = parser().parse_args(["study", "valentine", "--days", "0"])
    with pytest.raises(EvaluationError, match="--days 0"):
        args.func(args)


def test_parameter_sweeps_are_parsed_and_checked():
    assert parse_params(["reflection_threshold=100,150", "ambient-per-hour=0"]) == {
        "reflection_threshold": [100, 150],
        "ambient_per_hour": [0],
    }
    with pytest.raises(EvaluationError, match="no run-config field 'moods'"):
        parse_params(["moods=1"])
    with pytest.raises(EvaluationError, match="expected FIELD=v1,v2"):
        parse_params(["reflection_threshold"])
