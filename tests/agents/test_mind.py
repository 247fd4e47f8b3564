"""The generative mind as a whole, one agent at a time, with a scripted model behind it."""

import asyncio
import json
import re
from datetime import timedelta

import pytest

from agents.cognition.step_library import StepLibrary
from agents.memory.records import MemoryKind
from agents.mind import KEPT_WHISPERS, WHISPER_IMPORTANCE, GenerativeMind
from simulation.actions import Continue, DoActivity, Line, Say, Sleep
from simulation.events import EventKind
from simulation.perception import ConversationView, Observation, Perception
from tests.agents.cognition import conftest as cognition
from tests.agents.cognition.conftest import CAFE, HOME, NAME, NOW, PARK, PERSONA, TEMPLATE
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.town_llm import TownScript

memory = cognition.memory  # the cognition tests' fixtures: one agent's services
make_agent = cognition.make_agent

TOM = "Tom Reyes"
CAST = {NAME: "30; a barista", TOM: "41; a carpenter"}
PARTY = "I want to throw a party at the Town Park tonight at 19:00"
MACHINE = CAFE.objects["coffee machine"]
KETTLE = Observation(kind="object", subject="kettle", text="the kettle is off", distance=2)


def at(hhmm, day=NOW):
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


def perceive(now, tick, **fields):
    defaults = {
        "position": (1, 1),
        "arena": HOME.address,
        "sector": "Rose Cottage",
        "action": "idle",
        "action_done": False,
    }
    return Perception(agent=NAME, tick=tick, time=now, **{**defaults, **fields})


class Town(TownScript):
    """The town script, with the outcome, steps and lines a test asks for."""

    def __init__(self, outcome=None, steps=None):
        super().__init__()
        self.outcome = outcome or {}
        self.steps = steps

    def _ConversationOutcome(self, prompt, schema):
        return {**super()._ConversationOutcome(prompt, schema), **self.outcome}

    def _BlockSteps(self, prompt, schema):
        return {"steps": self.steps} if self.steps else super()._BlockSteps(prompt, schema)


def a_mind(make_agent, script=None, **options):
    agent = make_agent(script or Town())
    agent.services.cast = CAST
    agent.services.currently = agent.services.persona.currently
    return agent, GenerativeMind(agent.services, TEMPLATE, **options)


def decide(mind, perception):
    return asyncio.run(mind.decide(perception))


def schema_count(agent, name):
    return agent.schema_names().count(name)


# --- whispers ------------------------------------------------------------------------------------


def test_a_whisper_becomes_what_the_agent_is_currently_about_in_every_prompt(make_agent):
    agent, mind = a_mind(make_agent)
    persona = PERSONA.model_copy(update={"currently": "saving for a new espresso machine"})
    agent.services.persona = persona
    agent.services.currently = persona.currently
    memory_id = mind.whisper(PARTY, at("06:50"), 0)
    agent.memory.flush()
    assert agent.services.currently == f"saving for a new espresso machine {PARTY}"
    (whisper,) = agent.events_of(EventKind.WHISPER)
    assert whisper.text == PARTY
    (added,) = agent.events_of(EventKind.MEMORY_ADDED)
    assert added.data["id"] == memory_id and added.data["importance"] == WHISPER_IMPORTANCE

    decide(mind, perceive(at("07:00"), 1, action_done=True))  # wakes up: plans the day

    (request,) = [r for r in agent.backend.requests if "PlanAdditions" in str(r.response_format)]
    system = request.messages[0]["content"]
    assert f"Currently: saving for a new espresso machine {PARTY}" in system
    assert f"On your mind:\n- (today 06:50) {PARTY}" in request.messages[-1]["content"]


def test_whispers_survive_a_checkpoint_of_the_mind(make_agent):
    agent, mind = a_mind(make_agent)
    for number in range(KEPT_WHISPERS + 1):
        mind.whisper(f"intention {number}", NOW, 0)
    kept = " ".join(f"intention {n}" for n in range(1, KEPT_WHISPERS + 1))
    assert agent.services.currently == kept  # the oldest made way
    state = json.loads(json.dumps(mind.get_state()))

    other, restored = a_mind(make_agent)
    assert other.services.currently == ""
    restored.set_state(state)
    assert other.services.currently == kept
    assert restored.get_state() == state
    asyncio.run(restored.interview("What are you up to?", NOW, 1))
    assert f"Currently: {kept}" in other.backend.requests[-1].messages[0]["content"]


# --- conversations: remembered whole, and what was agreed is done ------------------------------


def long_talk(turns=12):
    return tuple(
        ((TOM, NAME)[i % 2], f"line {i}: " + "we went on about the weather " * 4)
        for i in range(turns)
    )


def test_a_finished_conversation_is_remembered_from_all_its_turns(make_agent):
    agent, mind = a_mind(make_agent)
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    turns = long_talk(12)  # more than a participant sees while it goes on
    talk = ConversationView(id="c1", participants=(TOM, NAME), turns=turns)

    decide(mind, perceive(at("10:00"), 19, finished=(talk,)))

    (outcome,) = [
        r for r in agent.backend.requests if "ConversationOutcome" in str(r.response_format)
    ]
    prompt = outcome.messages[-1]["content"]
    assert all(f"{speaker}: {text}" in prompt for speaker, text in turns)
    (added,) = [
        e
        for e in agent.events_of(EventKind.MEMORY_ADDED)
        if e.data["memory_kind"] == "conversation"
    ]
    assert f"{TOM}: {turns[0][1]}" in added.text  # the first line, where news is told
    assert f"{NAME}: {turns[-1][1]}" in added.text  # the last, where plans are agreed
    assert mind.reactor.last_talk[TOM] == 19


def test_an_agreed_time_and_place_becomes_where_the_agent_goes(make_agent):
    agreed = {
        "agreed_time": "19:00",
        "agreed_activity": "going to Tom's party",
        "agreed_place": PARK.label,
    }
    agent, mind = a_mind(make_agent, Town(outcome=agreed))
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    talk = ConversationView(id="c1", participants=(TOM, NAME), turns=long_talk(2))

    decide(mind, perceive(at("10:00"), 19, finished=(talk,)))

    (replan,) = agent.events_of(EventKind.REPLAN)
    assert replan.text == f"{NAME} will going to Tom's party at 19:00"
    assert replan.place == PARK.address
    dinner = decide(mind, perceive(at("18:50"), 70))
    assert dinner.arena == HOME.address  # not yet
    step = decide(mind, perceive(at("19:00"), 71))
    assert isinstance(step, DoActivity) and step.arena == PARK.address
    assert step.description == "going to Tom's party"  # 30 minutes: one step, without a call


# --- a quiet day costs (almost) nothing ----------------------------------------------------------


def live(mind, agent, start, end, library=None):
    """Runs the mind tick by tick (10 minutes) from ``start`` to ``end``, as the town would:
    nobody else around, a kettle in view, actions lasting as long as they say.
    """
    now, tick, done_at, asleep = start, 0, start, False
    while now < end:
        tick += 1
        if asleep and now.time() == at("07:00").time():
            asleep, done_at = False, now
        action = decide(
            mind,
            perceive(now, tick, asleep=asleep, action_done=now >= done_at, observations=(KETTLE,)),
        )
        if isinstance(action, DoActivity):
            done_at = now + timedelta(minutes=action.duration_min)
        elif isinstance(action, Sleep):
            asleep = True
        else:
            assert isinstance(action, Continue), action
        agent.memory.flush()
        if library is not None:
            library.publish()
        now += timedelta(minutes=10)


def decomposed(agent):
    """The start of each block the model was asked to break into steps."""
    return [
        re.search(r"Your plan from (\d\d:\d\d)", r.messages[-1]["content"]).group(1)
        for r in agent.backend.requests
        if "BlockSteps" in str(r.response_format)
    ]


def test_a_quiet_day_makes_no_plan_call_and_decomposes_each_block_once_at_most(make_agent):
    agent, mind = a_mind(make_agent)
    live(mind, agent, at("07:00"), at("23:50"))

    assert schema_count(agent, "PlanAdditions") == 0
    assert schema_count(agent, "ImportanceScores") == 0  # a kettle is scored by rule
    assert schema_count(agent, "ReactDecision") == 0
    starts = decomposed(agent)
    assert starts and len(starts) == len(set(starts))
    assert set(starts) <= {b.start for b in mind.planner.blocks}
    assert len(agent.backend.requests) == len(starts)
    assert [e.data["reused"] for e in agent.events_of(EventKind.PLAN)] == [True]


def test_with_a_step_library_the_same_day_again_costs_no_call(make_agent):
    library = StepLibrary(HashingEmbedder())
    agent, mind = a_mind(make_agent, steps=library)
    live(mind, agent, at("07:00"), at("23:50"), library)
    first_day = len(agent.backend.requests)
    assert 0 < first_day == len(set(decomposed(agent)))

    saturday = NOW + timedelta(days=1)  # the same usual day
    assert TEMPLATE.day(saturday.weekday()) == TEMPLATE.day(NOW.weekday())
    live(mind, agent, at("00:00", saturday), at("23:50", saturday), library)

    assert len(agent.backend.requests) == first_day
    assert len(agent.events_of(EventKind.PLAN)) == 2
    assert library.hits > 0


# --- refusals -------------------------------------------------------------------------------------

BREW = {"description": "brewing coffee", "emoji": "☕", "thing": "coffee machine", "minutes": 20}
WIPE = {"description": "wiping the counter", "emoji": "🧽", "thing": "none", "minutes": 20}


def test_an_object_found_in_use_is_not_asked_for_again_in_the_same_block(make_agent):
    agent, mind = a_mind(make_agent, Town(steps=[BREW, WIPE]))
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    first = decide(mind, perceive(at("08:00"), 7))
    assert (first.description, first.object) == ("brewing coffee", MACHINE)
    refused = f"{NAME} found the coffee machine in use by {TOM}"
    steps = [
        decide(
            mind,
            perceive(at("08:20"), 9, action_done=True, outcome=refused, refused_object=MACHINE),
        ),
        decide(mind, perceive(at("08:40"), 11, action_done=True)),
        decide(mind, perceive(at("09:00"), 13, action_done=True)),
    ]
    assert [(s.description, s.object) for s in steps] == [
        ("wiping the counter", None),
        ("brewing coffee", None),  # carries on without it
        ("wiping the counter", None),
    ]
    assert schema_count(agent, "BlockSteps") == 1


def test_a_place_that_turns_the_agent_away_sends_it_home_with_a_reason(make_agent):
    agent, mind = a_mind(make_agent)
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    decide(mind, perceive(at("08:00"), 7))
    step = decide(
        mind, perceive(at("08:10"), 8, action_done=True, outcome="Corner Cafe is closed (09-17)")
    )
    assert step.arena == HOME.address
    (replan,) = agent.events_of(EventKind.REPLAN)
    assert replan.text == f"{NAME} changes plans: Corner Cafe is closed (09-17)"


def test_a_talk_that_could_not_start_changes_no_plan(make_agent):
    agent, mind = a_mind(make_agent)
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    step = decide(mind, perceive(at("08:00"), 7))
    tom = Observation(kind="agent", subject=TOM, text=f"{TOM} is sanding a table", distance=1)
    said = decide(mind, perceive(at("08:10"), 8, observations=(tom,), nearby=(TOM,)))
    assert isinstance(said, Say)
    blocks = list(mind.planner.blocks)

    busy = f"{TOM} is not close enough to talk to, or is busy"
    decide(mind, perceive(at("08:20"), 9, action_done=True, outcome=busy))

    assert mind.planner.blocks == blocks  # still at work, not sent home
    assert agent.events_of(EventKind.REPLAN) == []
    later = decide(mind, perceive(at("09:00"), 13, action_done=True))
    assert later.arena == step.arena == CAFE.address


# --- reflection counts every new memory ----------------------------------------------------------


def test_conversation_and_plan_memories_count_toward_reflection(make_agent):
    agent, mind = a_mind(make_agent, Town(outcome={"importance": 7}), reflection_threshold=12)
    decide(mind, perceive(at("07:00"), 1, action_done=True))  # the plan: importance 5
    agent.memory.flush()
    assert mind.reflector.accumulated == 5 and not mind.reflector.due
    talk = ConversationView(id="c1", participants=(TOM, NAME), turns=long_talk(2))

    decide(mind, perceive(at("10:00"), 19, finished=(talk,)))  # 5 + 7: time to reflect

    assert schema_count(agent, "ReflectionQuestions") == 1
    assert agent.events_of(EventKind.REFLECTION)
    assert mind.reflector.accumulated == 0  # the insights themselves do not count


def test_a_whisper_counts_toward_reflection_and_reflections_do_not(make_agent):
    agent, mind = a_mind(make_agent)
    mind.whisper(PARTY, NOW, 0)
    assert mind.reflector.accumulated == WHISPER_IMPORTANCE
    agent.services.remember(MemoryKind.REFLECTION, "I like parties", 0, NOW, 9)
    assert mind.reflector.accumulated == WHISPER_IMPORTANCE


# --- scene mode -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["line", "scene"])
def test_meeting_someone_opens_a_line_or_a_whole_scene(make_agent, mode):
    agent, mind = a_mind(make_agent, conversation_mode=mode)
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    tom = Observation(kind="agent", subject=TOM, text=f"{TOM} is sanding a table", distance=1)

    said = decide(mind, perceive(at("07:10"), 2, observations=(tom,), nearby=(TOM,)))

    assert isinstance(said, Say) and said.to == (TOM,)
    if mode == "line":
        assert said.script == () and schema_count(agent, "Utterance") == 1
    else:
        assert schema_count(agent, "Scene") == 1 and schema_count(agent, "Utterance") == 0
        assert said.script == (
            Line(speaker=TOM, to=(NAME,), text="Really? Tell me more."),
            Line(speaker=NAME, to=(TOM,), text="I will, see you later."),
        )


def test_on_my_mind_lists_intentions_then_the_rest_of_today(make_agent):
    agent, mind = a_mind(make_agent)
    mind.whisper(PARTY, at("06:50"), 0)
    agent.memory.flush()
    decide(mind, perceive(at("07:00"), 1, action_done=True))
    lines = mind.on_my_mind(at("17:10"))
    assert lines[0] == f"(today 06:50) {PARTY}"
    assert "later today: 18:30 having dinner (Rose Cottage, bedroom)" in lines
    assert mind.on_my_mind(at("17:10"), with_plan=False) == [lines[0]]


def test_a_whisper_after_the_day_is_planned_adds_to_the_rest_of_today(make_agent):
    agent, mind = a_mind(make_agent)
    decide(mind, perceive(at("08:00"), 1, action_done=True))
    assert schema_count(agent, "PlanAdditions") == 0  # nothing on mind: the usual day
    mind.whisper(PARTY, at("08:05"), 1)
    agent.memory.flush()
    decide(mind, perceive(at("08:10"), 2))
    assert schema_count(agent, "PlanAdditions") == 1
    (replan,) = agent.events_of(EventKind.REPLAN)
    assert replan.data["added"] and replan.data["added"][0]["arena"] in {
        a.address for a in (HOME, CAFE, PARK)
    }
    assert any(b["activity"] == replan.data["added"][0]["activity"] for b in replan.data["blocks"])
    decide(mind, perceive(at("08:20"), 3))
    assert schema_count(agent, "PlanAdditions") == 1  # revised once, not every tick
