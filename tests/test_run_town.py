"""The command line, run as a user runs it: subprocesses, exit codes, messages, run folders."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulation.trajectory import read_trajectory
from tests.servers import SERVER_KEY, chroma_server, openai_compatible_server

ROOT = Path(__file__).resolve().parents[1]


def gentown(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_town.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_world_check_summarises_a_bundled_world():
    result = gentown("world", "check", "maplewood")
    assert result.returncode == 0, result.stderr
    assert "Maplewood" in result.stdout and "sectors" in result.stdout


def test_world_check_of_a_broken_file_exits_2_without_traceback(tmp_path):
    broken = tmp_path / "world.yaml"
    broken.write_text("name: Bad\nmap: |\n  ###\n  #x#\n  ###\nsectors: {}\nwidht: 3\n")
    result = gentown("world", "check", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(broken) in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--hours", "-1"], "--hours"),
        (["--personas", "Nobody Atall"], "Nobody Atall"),
        (["--start", "yesterday"], "2026-02-13 07:00"),
        (["--event", "noon"], "--event"),
        (["--whisper", "no colon here"], "--whisper"),
        (["--world", "/nonexistent/world.yaml"], "nonexistent"),
    ],
)
def test_bad_run_arguments_exit_2_with_a_clear_message(args, expected, tmp_path):
    result = gentown("run", "--out", str(tmp_path / "run"), "--model", "local/smollm2-135m", *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert not (tmp_path / "run" / "trajectory.jsonl").exists()


def test_resume_of_a_folder_that_is_no_run_is_a_clear_error(tmp_path):
    result = gentown("resume", str(tmp_path))
    assert result.returncode == 2 and "not a run folder" in result.stderr


@pytest.mark.slow
def test_real_cli_run_on_the_small_local_model(tmp_path):
    out = tmp_path / "run"
    result = gentown(
        "run",
        "--world",
        "two_rooms",
        "--model",
        "local/smollm2-135m",
        "--hours",
        "0.5",
        "--out",
        str(out),
        "--no-cache",
        "--quiet",
        "--seed",
        "3",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ticks"] == 3 and summary["stop_reason"] == "completed"
    assert summary["llm"]["total"]["calls"] > 0
    assert summary["llm"]["total"]["prompt_tokens"] > 0
    trajectory = read_trajectory(out)
    assert [f.tick for f in trajectory.frames] == [1, 2, 3]
    assert trajectory.header.models == ["local/smollm2-135m"]
    assert (out / "checkpoints").is_dir() and "Run " in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)  # the wait for the second frame below allows 600 s
def test_kill_9_leaves_a_readable_trajectory_and_resume_continues(tmp_path):
    out = tmp_path / "run"
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run_town.py"),
            "run",
            "--world",
            "two_rooms",
            "--model",
            "local/smollm2-135m",
            "--agents",
            "2",
            "--hours",
            "3",
            "--out",
            str(out),
            "--quiet",
            "--no-cache",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 600  # the loop ends at the second frame; 600 s is for loaded machines
    trajectory_file = out / "trajectory.jsonl"
    while time.time() < deadline:
        if trajectory_file.exists() and trajectory_file.read_text().count('"type":"frame"') >= 2:
            break
        time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = read_trajectory(out).frames[-1].tick
    assert killed_at >= 2
    result = gentown("resume", str(out), "--hours", str(killed_at / 6 + 1 / 6), "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    frames = read_trajectory(out).frames
    ticks = [f.tick for f in frames]
    assert ticks == list(range(1, ticks[-1] + 1))  # no gap, no duplicate
    assert ticks[-1] >= killed_at


@pytest.mark.slow
def test_a_run_and_its_resume_over_a_chroma_server_and_an_openai_compatible_server(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("GENTOWN_LOCAL_SERVER_KEY", SERVER_KEY)
    out = tmp_path / "run"
    with (
        openai_compatible_server(tmp_path / "models") as url,
        chroma_server(tmp_path / "chroma-server") as port,
    ):
        servers = [
            *("--model", "openai/smollm2", "--api-base", f"{url}/v1"),
            *("--api-key-env", "GENTOWN_LOCAL_SERVER_KEY", "--structured-output", "json_schema"),
            *("--chroma", f"127.0.0.1:{port}"),
        ]
        run = ["run", "--world", "two_rooms", "--agents", "1", "--hours", "0.34", *servers]
        result = gentown(*run, "--out", str(out), "--no-cache", "--quiet")
        assert result.returncode == 0, result.stderr[-2000:]
        result = gentown("resume", str(out), "--hours", "0.5", "--quiet")
        assert result.returncode == 0, result.stderr[-2000:]

        import chromadb
        from chromadb.config import Settings

        client = chromadb.HttpClient(
            host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False)
        )
        agents = {c.metadata.get("gentown_agent") for c in client.list_collections()}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ticks"] == 3 and summary["memories"] > 0
    assert summary["llm"]["total"]["prompt_tokens"] > 0
    assert read_trajectory(out).header.models == ["openai/smollm2"]
    assert agents == {p["name"] for p in json.loads((out / "run.json").read_text())["personas"]}
    assert not (out / "chroma").exists()  # the index lives on the server only
    assert SERVER_KEY not in "".join(p.read_text(errors="ignore") for p in out.glob("*.json*"))


def test_persona_import_prints_yaml_and_keeps_unknown_fields(tmp_path):
    spec = tmp_path / "lisa.agent.json"
    spec.write_text(
        json.dumps(
            {
                "type": "TinyPerson",
                "persona": {
                    "name": "Lisa Carter",
                    "age": 28,
                    "occupation": {"title": "Data Scientist"},
                    "favourite_colour": "green",
                },
            }
        )
    )
    result = gentown("persona", "import", str(spec))
    assert result.returncode == 0, result.stderr
    assert "name: Lisa Carter" in result.stdout and "favourite_colour: green" in result.stdout


def test_persona_import_of_a_broken_file_exits_2(tmp_path):
    spec = tmp_path / "broken.agent.json"
    spec.write_text("{not json")
    result = gentown("persona", "import", str(spec))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(spec) in result.stderr
