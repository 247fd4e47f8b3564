import asyncio
import re

import pytest

from agents.cognition.conversing import (
    FALLBACK_LINE,
    MEMORY_CHARS,
    Conversationalist,
    conversation_memory,
)
from agents.cognition.conversing import Scene as Moment
from agents.cognition.places import ScheduledBlock
from agents.cognition.schemas import CONVERSATION_DEFAULT_IMPORTANCE
from agents.cognition.views import PersonViews
from agents.memory.records import MemoryKind
from simulation.actions import Line
from simulation.events import EventKind
from simulation.perception import ConversationView
from simulation.trajectory import read_trajectory
from tests.agents.cognition.conftest import CAFE, HOME, NAME, NOT_JSON, NOW, PARK, reply
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
    town = make_town(hours=3, script=script, conversation_mode="line")
    town.start()
    summary = town.run()

    frames = read_trajectory(town.run_dir).frames
    lines = [e.text for f in frames for e in f.events if e.kind == EventKind.UTTERANCE]
    assert summary["conversations"] >= 1 and len(lines) >= 2
    assert len(set(lines)) == len(lines), "a repeated line was spoken"
    assert script.corrections >= 1
    assert summary["llm"]["by_step"]["converse"]["retries"] >= script.corrections


# --- unit tests of the Conversationalist, with one agent's services ---------------------------

TOM, MAYA = "Tom Reyes", "Maya Chen"
CAST = {NAME: "30; a barista", TOM: "41; a carpenter", MAYA: "22; a student"}
MOMENT = Moment(
    place=CAFE.label,
    now=NOW,
    on_mind=["(today 07:00) I want to invite everyone to my party at the park at 19:00"],
    partner_activity={TOM: "sanding a table"},
)


def talker(make_agent, script, mode="line", **settings):
    agent = make_agent(script, **settings)
    agent.services.cast = CAST
    return agent, Conversationalist(agent.services, PersonViews({TOM: "a regular"}), mode)


def line(text, to=TOM, end=False):
    return reply(to=to, text=text, end=end)


def test_a_line_is_grounded_in_the_moment_and_says_to_whom(make_agent):
    agent, talk = talker(make_agent, [line("Party at the park tonight, want to come?")])
    agent.memory.add(NAME, MemoryKind.OBSERVATION, "Tom Reyes fixed my chair", NOW, 4)
    agent.memory.flush()
    said = asyncio.run(talk.utter([TOM], [(TOM, "Morning!")], MOMENT, 3))
    assert (said.to, said.text, said.end) == (
        TOM,
        "Party at the park tonight, want to come?",
        False,
    )
    (request,) = agent.backend.requests
    to = request.response_format["json_schema"]["schema"]["properties"]["to"]
    assert to.get("enum", [to.get("const")]) == [TOM]  # only the listener can be addressed
    prompt = agent.prompts()[0]
    assert f"You are {NAME}, at {CAFE.label}, talking with {TOM}." in prompt
    assert "About Tom Reyes" in prompt and "Tom Reyes is sanding a table." in prompt
    assert f"On your mind:\n- {MOMENT.on_mind[0]}" in prompt
    assert "- (today 08:00) Tom Reyes fixed my chair" in prompt
    assert "The conversation so far:\nTom Reyes: Morning!" in prompt
    assert f"said by you, {NAME}, to {TOM}" in prompt


@pytest.mark.parametrize(
    ("wrong", "reason"),
    [
        (line("Oh, Ada! What a morning."), f"addresses {NAME}, who is the speaker"),
        (line("Hi Maya, are you coming tonight?"), f"addresses {MAYA}, who is not in this"),
        (line("Tom Reyes is always so busy."), f"describes {TOM} in the third person"),
        (line("Lovely morning!", to=MAYA), f"to: Input should be '{TOM}'"),
        (line("Morning!"), "already said"),
    ],
    ids=["self_vocative", "outsider_vocative", "third_person", "to_outsider", "repeat"],
)
def test_a_wrong_line_is_asked_again_with_the_reason_then_falls_back(make_agent, wrong, reason):
    fixed = line("Are you coming to my party tonight?")
    agent, talk = talker(make_agent, [wrong, fixed], output_retries=1)
    said = asyncio.run(talk.utter([TOM], [(TOM, "Morning!")], MOMENT, 3))
    assert said.text == "Are you coming to my party tonight?"
    retry = agent.backend.requests[1].messages[-1]["content"]
    assert retry.startswith(INVALID) and reason in retry
    assert agent.events_of(EventKind.LLM_FALLBACK) == []

    agent, talk = talker(make_agent, [wrong], output_retries=1)  # wrong both times
    said = asyncio.run(talk.utter([TOM], [(TOM, "Morning!")], MOMENT, 3))
    assert len(agent.backend.requests) == 2
    assert (said.to, said.text, said.end) == (TOM, FALLBACK_LINE, True)
    (fallback,) = agent.events_of(EventKind.LLM_FALLBACK)
    assert fallback.data["step"] == "converse" and fallback.data["failure"] == "invalid_output"
    assert reason in fallback.data["error"]


SCENE = [
    {"by": NAME, "to": TOM, "text": "There's a party at the park tonight at 19:00."},
    {"by": TOM, "to": NAME, "text": "Really? I'll bring my guitar."},
    {"by": NAME, "to": TOM, "text": "Perfect, see you there!"},
]


def test_scene_mode_writes_the_exchange_in_one_call(make_agent):
    agent, talk = talker(make_agent, [reply(lines=SCENE)], mode="scene")
    lines = asyncio.run(talk.open_scene([TOM], MOMENT, 3, reason="tell him about the party"))
    assert lines == [
        Line(speaker=NAME, to=(TOM,), text=SCENE[0]["text"]),
        Line(speaker=TOM, to=(NAME,), text=SCENE[1]["text"]),
        Line(speaker=NAME, to=(TOM,), text=SCENE[2]["text"]),
    ]
    assert agent.schema_names() == ["Scene"]
    prompt = agent.prompts()[0]
    assert f"{NAME} starts a conversation with {TOM} (tell him about the party)" in prompt
    assert f"{TOM} (41; a carpenter)" in prompt


def test_a_scene_misaddressed_twice_is_no_scene(make_agent):
    wrong = [SCENE[0], {"by": TOM, "to": NAME, "text": "Oh, Tom! I'd love to."}]
    agent, talk = talker(make_agent, [reply(lines=wrong)], mode="scene", output_retries=1)
    assert asyncio.run(talk.open_scene([TOM], MOMENT, 3)) is None
    assert "who is the speaker" in agent.backend.requests[1].messages[-1]["content"]
    assert agent.events_of(EventKind.LLM_FALLBACK)[0].data["step"] == "converse"


# --- what is remembered, and what was agreed ----------------------------------------------------


def long_talk(turns=12):
    return tuple(
        ((NAME, TOM)[i % 2], f"line {i}: " + "and then we talked about the weather " * 5)
        for i in range(turns)
    )


def test_a_short_conversation_is_remembered_whole():
    turns = ((NAME, "Party tonight!"), (TOM, "I'll be there."))
    text = conversation_memory("Tom will come to my party", [TOM], CAFE.label, turns)
    assert text == (
        f"Tom will come to my party (talked with {TOM} at {CAFE.label}: "
        f"{NAME}: Party tonight! / {TOM}: I'll be there.)"
    )


def test_a_long_conversation_keeps_its_first_and_last_lines_whole():
    turns = long_talk()
    text = conversation_memory("We talked a lot", [TOM], CAFE.label, turns)
    assert len(text) <= MEMORY_CHARS
    assert text.startswith(f"We talked a lot (talked with {TOM} at {CAFE.label}: ")
    assert f"{NAME}: {turns[0][1]} / " in text
    assert text.endswith(f" / {TOM}: {turns[-1][1]})")
    assert "…" in text  # the middle is shortened


def outcome(**fields):
    return reply(**{"summary": "Tom will come to the party", **fields})


def finished(turns):
    return ConversationView(id="c1", participants=(NAME, TOM), turns=turns)


def test_conclude_remembers_the_whole_talk_with_its_importance(make_agent):
    turns = long_talk()
    agent, talk = talker(
        make_agent,
        [outcome(importance=7)],
    )
    assert asyncio.run(talk.conclude(finished(turns), CAFE.label, NOW, 9)) is None
    (added,) = agent.events_of(EventKind.MEMORY_ADDED)
    assert added.data["memory_kind"] == "conversation" and added.data["importance"] == 7
    assert added.text.startswith("Tom will come to the party (talked with Tom Reyes")
    assert turns[0][1] in added.text and turns[-1][1] in added.text
    prompt = agent.prompts()[0]
    assert all(f"{speaker}: {text}" in prompt for speaker, text in turns)  # all of it was read
    assert talk.views.profiles[TOM]["said"] == turns[-1][1][:120]  # the last thing Tom said
    assert f"{NAME} and {TOM} talked at" in prompt and "You," not in prompt  # no one's view


def test_an_agreed_time_becomes_a_block_at_the_agreed_place(make_agent):
    agreed = outcome(
        agreed_time="19:00", agreed_activity="going to the party", agreed_place=PARK.label
    )
    agent, talk = talker(make_agent, [agreed])
    block = asyncio.run(talk.conclude(finished(long_talk(2)), CAFE.label, NOW, 9))
    assert block == ScheduledBlock(start="19:00", activity="going to the party", arena=PARK.address)
    schema = agent.backend.requests[0].response_format["json_schema"]["schema"]
    assert PARK.label in str(schema)  # the agreed place may only be a known one


def test_an_agreed_time_without_a_place_goes_where_the_talk_said_else_home(make_agent):
    mentioned = outcome(
        summary="We will meet at the Town Park", agreed_time="19:00", agreed_activity="a walk"
    )
    _, talk = talker(make_agent, [mentioned])
    block = asyncio.run(talk.conclude(finished(long_talk(2)), CAFE.label, NOW, 9))
    assert block.arena == PARK.address
    vague = outcome(summary="We will meet later", agreed_time="19:00", agreed_activity="a chat")
    _, talk = talker(make_agent, [vague])
    block = asyncio.run(talk.conclude(finished(long_talk(2)), CAFE.label, NOW, 9))
    assert block.arena == HOME.address


def test_a_failed_outcome_still_remembers_the_talk(make_agent):
    agent, talk = talker(make_agent, [NOT_JSON])
    turns = long_talk(3)
    assert asyncio.run(talk.conclude(finished(turns), CAFE.label, NOW, 9)) is None
    (added,) = agent.events_of(EventKind.MEMORY_ADDED)
    # The summary is who said what first and last (news is told first), not "Talked with".
    summary = added.text.split(" (talked with")[0]
    assert summary.startswith(f"you ({NAME}) said: {turns[0][1][:20]}")
    assert f" … {NAME} said: {turns[-1][1][:20]}" in summary  # and the last line
    assert added.data["importance"] == CONVERSATION_DEFAULT_IMPORTANCE
    assert turns[-1][1] in added.text


def test_a_conversation_without_lines_is_not_remembered(make_agent):
    agent, talk = talker(make_agent, [outcome()])
    assert asyncio.run(talk.conclude(finished(()), CAFE.label, NOW, 9)) is None
    assert agent.backend.requests == [] and agent.events == []


def test_everyone_in_a_talk_told_at_once_shares_one_outcome_call(make_town):
    """Both sides conclude in the same tick with the same request: one reply serves both."""
    town = make_town(hours=2)
    town.start()
    town.run()
    frames = read_trajectory(town.run_dir).frames
    ended = [e for f in frames for e in f.events if e.kind == EventKind.CONVERSATION_END]
    assert ended, "the double's town holds conversations"
    by_step = town.llm.ledger.summary()["by_step"]["conversation_outcome"]
    remembered = [
        e
        for f in frames
        for e in f.events
        if e.kind == EventKind.MEMORY_ADDED and e.data["memory_kind"] == "conversation"
    ]
    assert len(remembered) >= 2 * len(ended)  # each side remembers it
    assert by_step["calls"] - by_step["cache_hits"] == len(ended)  # one real call each


def test_a_shared_summary_is_remembered_with_the_rememberer_as_you():
    from agents.cognition.conversing import as_remembered_by

    told = "Rosa Delgado told Ada Lindqvist about the party at 12:30"
    assert as_remembered_by(told, "Ada Lindqvist") == (
        "Rosa Delgado told you (Ada Lindqvist) about the party at 12:30"
    )
    assert as_remembered_by("Ada will come", "Ada Lindqvist") == "you (Ada Lindqvist) will come"
    assert as_remembered_by("They chatted", "Ada Lindqvist") == "They chatted"
