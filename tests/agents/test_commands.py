from pathlib import Path
from types import SimpleNamespace

import pytest

from agents.cli.errors import UserError
from agents.cli.runs import run_and_report
from agents.memory.index import ChromaUnreachable


class LosesItsChromaServer:
    """A town whose run loses the Chroma server mid-tick."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.config = SimpleNamespace(ticks=6)
        self.closed = False

    def run(self, ticks=None, on_tick=None):
        raise ChromaUnreachable("lost the Chroma server during a query for 'Ada': refused")

    def close(self) -> None:
        self.closed = True


def test_a_lost_chroma_server_mid_run_is_a_user_error_that_says_how_to_resume(tmp_path):
    town = LosesItsChromaServer(tmp_path / "run")
    with pytest.raises(UserError) as info:
        run_and_report(town, quiet=True)
    message = str(info.value)
    assert message.startswith("lost the Chroma server during a query for 'Ada'")
    assert f"run_town.py resume {tmp_path / 'run'}" in message
    assert town.closed


def test_ablate_switches_the_named_parts_of_the_mind_off():
    import run_town
    from agents.cli.runs import config_from_args

    args = run_town.build_parser().parse_args(["run", "--ablate", "planning, memory"])
    config = config_from_args(args)
    assert config.mind.ablated == ("planning", "memory") and config.mind.reflection
    assert config_from_args(run_town.build_parser().parse_args(["run"])).mind.label == "full"
