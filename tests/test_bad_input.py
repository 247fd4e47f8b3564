"""The bad-input corpus: every broken file or argument exits 2 with a clear message, no traceback.

Each case runs the real CLI in a subprocess, as a user would.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
BROKEN_WORLDS = ROOT / "tests" / "worlds" / "broken"
EXPECTED = yaml.safe_load((BROKEN_WORLDS / "EXPECTED.yaml").read_text())
TWO_ROOMS = ROOT / "worlds" / "towns" / "two_rooms"


def gentown(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_town.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def assert_user_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-1500:])
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("gentown: error:") or "usage:" in result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_world_files(name):
    case = EXPECTED[name]
    result = gentown("world", "check", str(BROKEN_WORLDS / name))
    assert_user_error(result, name, case["field"].split(".")[-1])


def town_with_persona(tmp_path: Path, persona_yaml: str) -> Path:
    town = tmp_path / "town"
    shutil.copytree(TWO_ROOMS, town)
    (town / "personas" / "99_broken.yaml").write_text(persona_yaml)
    return town


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("age: 30\nhome: Rose Cottage\n", "name"),
        ("name: Old Ann\nage: 240\nhome: Rose Cottage\n", "age"),
        ("name: Lost Lou\nage: 40\nhome: Atlantis\n", "Atlantis"),
        ("name: Typo Ty\nage: 40\nhome: Rose Cottage\nfavourite: tea\n", "favourite"),
        ("name: Clock Cy\nage: 40\nhome: Rose Cottage\nwake_time: '7am'\n", "wake_time"),
        ("- just\n- a list\n", "99_broken.yaml"),
    ],
)
def test_broken_persona_files(tmp_path, persona, expected):
    town = town_with_persona(tmp_path, persona)
    result = gentown(
        "run", "--world", str(town), "--out", str(tmp_path / "run"), "--model", "local/smollm2-135m"
    )
    assert_user_error(result, "99_broken.yaml", expected)
    assert not (tmp_path / "run" / "trajectory.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--hours", "-2"], "--hours"),
        (["--hours", "0"], "--hours"),
        (["--agents", "0"], "--agents 0: "),
        (["--agents", "99"], "only"),
        (["--minutes-per-tick", "0"], "--minutes-per-tick 0: "),
        (["--start", "2026-13-45 07:00"], "--start '2026-13-45 07:00': "),
        (["--start", "25:99"], "--start '25:99': '25:99' is not a date-time like"),
        (["--max-tokens", "-5"], "--max-tokens -5: "),
        (["--world", "atlantis"], "atlantis"),
        (["--model", "local/no-such-model"], "no-such-model"),
        (["--model", "/tmp/missing-model.gguf"], "missing-model.gguf"),
        (["--event", "25:99 a party"], "--event '25:99': '25:99' is not a time of day"),
        (["--whisper", "Nobody Here: hello"], "Nobody Here"),
        (["--concurrency", "0"], "--concurrency 0: "),
        (["--seed", "abc"], "--seed"),
        (["--chroma", "localhost"], "HOST:PORT"),
        (["--chroma", "localhost:99999"], "HOST:PORT"),
        (["--chroma", f"127.0.0.1:{free_port()}"], "cannot reach the Chroma server"),
    ],
)
def test_bad_run_arguments(tmp_path, args, expected):
    result = gentown(
        "run",
        "--world",
        "two_rooms",
        "--out",
        str(tmp_path / "run"),
        "--model",
        "local/smollm2-135m",
        *[a for a in args],
    )
    assert_user_error(result, expected)
    assert "pydantic" not in result.stderr  # one line of ours, not a validation dump
    assert not (tmp_path / "run").exists()


def test_a_model_no_provider_knows_stops_the_run_at_once_and_writes_nothing(tmp_path):
    out = tmp_path / "run"
    result = gentown(
        "run",
        "--world",
        "two_rooms",
        "--model",
        "no-such-provider/nothing",
        "--hours",
        "1",
        "--out",
        str(out),
        "--quiet",
    )
    assert_user_error(result, "'no-such-provider/nothing' cannot be used", "fix: check --model")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_unknown_command_and_missing_arguments():
    assert gentown("fly").returncode == 2
    assert gentown("interview").returncode == 2
    assert gentown("fork", "runs/x").returncode == 2


def test_truncated_or_foreign_run_folders(tmp_path):
    (tmp_path / "run.json").write_text("{not json")
    assert_user_error(gentown("resume", str(tmp_path)), "run.json")
    assert_user_error(gentown("interview", str(tmp_path / "nope"), "A", "q"), "not a run folder")


def test_replay_export_and_eval_of_a_damaged_trajectory(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "trajectory.jsonl").write_text('{"type": "frame", "tick": 1}\n')  # no header
    assert_user_error(
        gentown("replay", str(run), "--headless", "--frames-out", str(tmp_path / "f")), "header"
    )
    assert_user_error(
        gentown("export", str(run), "--format", "csv", "--out", str(tmp_path / "x")), "header"
    )
    assert_user_error(
        gentown("eval", str(run), "--fact", "the party", "--keywords", "party", "--no-interviews"),
        "header",
    )
    assert_user_error(gentown("replay", str(run), "--every", "0"), "--every")


def test_an_unknown_part_to_ablate_is_named_with_the_parts_there_are(tmp_path):
    result = gentown("run", "--world", "two_rooms", "--ablate", "dreams", "--out", str(tmp_path))
    assert_user_error(result, "--ablate 'dreams'", "reflection, planning, memory")
