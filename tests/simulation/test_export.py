import pandas as pd
import pytest

from simulation.analysis import export as export_module
from simulation.analysis.errors import AnalysisError
from simulation.analysis.export import export_run, read_table
from simulation.analysis.tables import characterbox_records, events_table
from simulation.events import EventKind
from simulation.run_reader import load_run
from tests.simulation.run_builder import PARTY, party_run

CALLS = [
    {
        "agent": "Ana",
        "step": "converse",
        "model": "m",
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "cost_usd": 0.0,
        "latency_s": 0.1,
        "cache_hit": True,
        "retries": 1,
        "failure": None,
    }
]


@pytest.fixture
def run_dir(tmp_path):
    built = party_run()
    built.move("Ana", "Corner Cafe:counter:coffee machine").move("Ben", None)
    built.step(calls=CALLS)
    return built.write(tmp_path / "run")


def check_tables(tables):
    events, utterances = tables["events"], tables["utterances"]
    assert len(events) == 12
    whisper = events[events.kind == "whisper"].iloc[0]
    assert (whisper.frame, whisper.tick, whisper.agent, whisper.text) == (1, 0, "Ana", PARTY)
    memory = events[events.memory_id == "Ben-4"].iloc[0]
    assert memory.memory_kind == "conversation"
    assert list(utterances.speaker) == ["Ana", "Ben", "Ben", "Dee", "Cy"]
    assert list(utterances.turn) == [1, 2, 1, 1, 2]
    assert utterances.listeners.iloc[0] == "Ben"
    conversations = tables["conversations"].set_index("conversation")
    assert conversations.loc["c1", "turns"] == 2
    assert conversations.loc["c1", "ended"] == "ended"
    assert conversations.loc["c3", "participants"] == "Dee|Cy"
    positions = tables["positions"]
    assert len(positions) == 10 * 4
    last = positions[positions.tick == 10].set_index("agent")
    assert last.loc["Ana", "arena"] == "Corner Cafe:counter"
    assert last.loc["Ana", "sector"] == "Corner Cafe"
    assert pd.isna(last.loc["Ben", "place"])
    assert list(tables["memories"].memory_id) == ["Ana-1", "Ben-4"]
    calls = tables["llm_calls"]
    assert calls.tokens.tolist() == [15] and bool(calls.cache_hit.iloc[0])
    assert set(tables["characterbox"].columns) == {"tick", "character", "type", "detail"}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exports_are_readable_by_pandas(run_dir, tmp_path, fmt):
    written = export_run(run_dir, tmp_path / "out", fmt)
    assert set(written) == {
        "events",
        "utterances",
        "conversations",
        "positions",
        "memories",
        "llm_calls",
        "characterbox",
    }
    assert all(p.suffix == f".{fmt}" and p.parent == tmp_path / "out" for p in written.values())
    check_tables({name: read_table(path) for name, path in written.items()})


def test_parquet_export_round_trips_when_pyarrow_is_installed(run_dir):
    pytest.importorskip("pyarrow")
    written = export_run(run_dir, fmt="parquet")
    assert written["events"] == run_dir / "export" / "events.parquet"
    check_tables({name: pd.read_parquet(path) for name, path in written.items()})


def test_parquet_without_pyarrow_names_the_extra(run_dir, monkeypatch):
    monkeypatch.setattr(export_module, "parquet_available", lambda: False)
    with pytest.raises(AnalysisError, match=r"pip install 'gentown\[eval\]'"):
        export_run(run_dir, fmt="parquet")


def test_unknown_format_and_table_are_refused(run_dir):
    with pytest.raises(AnalysisError, match="unknown export format 'xlsx'"):
        export_run(run_dir, fmt="xlsx")
    with pytest.raises(AnalysisError, match="unknown table 'moods'"):
        export_run(run_dir, tables=["moods"])


def test_characterbox_records_fall_out_of_the_events(run_dir):
    run = load_run(run_dir)
    records = characterbox_records(run)
    assert records[0] == {"tick": 0, "character": "Ana", "type": "thought", "detail": PARTY}
    dialogue = [r for r in records if r["type"] == "dialogue"]
    assert dialogue[0] == {
        "tick": 3,
        "character": "Ana",
        "type": "dialogue",
        "detail": f"(to Ben) Guess what? {PARTY}!",
    }
    assert [r["character"] for r in records if r["type"] == "reaction"] == ["Ana", "Ben", "Dee"]
    events = events_table(run)
    kept = events[~events.kind.isin(["memory_added", "conversation_end"])]
    assert len(records) == len(kept)  # every non-bookkeeping event becomes one record
    assert EventKind.MEMORY_ADDED.value not in {r["type"] for r in records}
