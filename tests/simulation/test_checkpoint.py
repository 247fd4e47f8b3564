import pytest

from simulation.checkpoint import (
    CheckpointError,
    list_checkpoints,
    read_checkpoint,
    write_checkpoint,
)


def test_latest_checkpoint_is_read_and_torn_files_are_skipped(tmp_path):
    write_checkpoint(tmp_path, 6, {"clock": {"tick": 6}})
    write_checkpoint(tmp_path, 12, {"clock": {"tick": 12}})
    assert read_checkpoint(tmp_path)["tick"] == 12
    assert read_checkpoint(tmp_path, 6)["clock"] == {"tick": 6}
    # A torn newest file (written outside the atomic path) is skipped for the previous one.
    (tmp_path / "checkpoints" / "tick-000018.json").write_text('{"tick": 18, "clo')
    assert read_checkpoint(tmp_path)["tick"] == 12
    assert not list(tmp_path.glob("checkpoints/.*.tmp"))
    assert len(list_checkpoints(tmp_path)) == 3


def test_missing_checkpoints_are_clear_errors(tmp_path):
    with pytest.raises(CheckpointError, match="no readable checkpoint"):
        read_checkpoint(tmp_path)
    write_checkpoint(tmp_path, 3, {})
    with pytest.raises(CheckpointError, match="available: 3"):
        read_checkpoint(tmp_path, 4)
