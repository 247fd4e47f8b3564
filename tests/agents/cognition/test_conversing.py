import re

from simulation.events import EventKind
from simulation.trajectory import read_trajectory
from tests.doubles.town_llm import TownScript

INVALID = "That reply was invalid"


class Parrot(TownScript):
    """Repeats the conversation's last line, as small models do, until told it is invalid."""

    def __init__(self) -> None:
        super().__init__()
        self.corrections = 0

    def _Utterance(self, prompt, schema):
        reply = super()._Utterance(prompt, schema)
        if prompt.startswith(INVALID):
            self.corrections += 1
            return {**reply, "text": f"Something new, for the {self.corrections}th time."}
        section = prompt.split("The conversation so far:")[-1]
        said = re.findall(r"^[A-Z][\w .'-]+: (.+)$", section, flags=re.M)
        if "The conversation so far:" in prompt and said:
            reply["text"] = said[-1]
        return reply


def test_a_line_already_said_in_the_conversation_is_asked_again(make_town):
    script = Parrot()
    town = make_town(hours=3, script=script)
    town.start()
    summary = town.run()

    frames = read_trajectory(town.run_dir).frames
    lines = [e.text for f in frames for e in f.events if e.kind == EventKind.UTTERANCE]
    assert summary["conversations"] >= 1 and len(lines) >= 2
    assert len(set(lines)) == len(lines), "a repeated line was spoken"
    assert script.corrections >= 1
    assert summary["llm"]["by_step"]["converse"]["retries"] >= script.corrections
