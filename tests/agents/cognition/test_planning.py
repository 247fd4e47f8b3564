import asyncio
from datetime import datetime, timedelta

import pytest

from agents.cognition.places import ScheduledBlock
from agents.cognition.planning import (
    MAX_ADDITIONS,
    PLAN_IMPORTANCE,
    Planner,
    Step,
    plan_additions_model,
)
from agents.cognition.step_library import StepLibrary
from agents.memory.records import MemoryKind
from agents.persona import load_personas
from agents.placement import day_template, known_places, plan_check
from simulation.actions import DoActivity
from simulation.events import EventKind
from tests.agents.cognition.conftest import CAFE, HOME, NOT_JSON, NOW, PARK, TEMPLATE, reply
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.town_llm import TownScript
from worlds.loader import load_world, personas_dir

FRIDAY = TEMPLATE.day(NOW.weekday())  # NOW is a Friday
"""Ada's usual Friday: 07:00 waking, 07:30 breakfast, 08:00 opens the cafe, 12:30 lunch at the
counter, 13:00 back at work, 17:00 heading home, 18:30 dinner, 19:30 relaxing at home."""
TOMORROW = NOW + timedelta(days=1)
PARTY = "Rosa's party at the park tonight at 19:00"


def at(hhmm, day=NOW):
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


def block_at(blocks, start):
    return next(b for b in blocks if b.start == start)


def by_schema(**replies):
    """A script answering each output type with its reply (a string, or a list used in turn)."""
    calls: dict[str, int] = {}

    def script(request):
        name = request.response_format["json_schema"]["name"]
        answer = replies[name]
        if isinstance(answer, list):
            index = calls.get(name, 0)
            calls[name] = index + 1
            return answer[min(index, len(answer) - 1)]
        return answer

    return script


def planned(make_agent, script=None, on_mind=None, check=None, steps=None, **settings):
    agent = make_agent(script or TownScript(), **settings)
    planner = Planner(agent.services, TEMPLATE, check, steps)
    asyncio.run(planner.plan_day(NOW, 0, on_mind))
    return agent, planner


def test_the_usual_day_is_laid_out_from_the_template():
    starts = [b.start for b in FRIDAY]
    assert starts == sorted(starts) and starts[0] == "07:00"
    assert block_at(FRIDAY, "08:00") == ScheduledBlock(
        start="08:00", activity="opens the cafe at 08:00", arena=CAFE.address
    )
    assert block_at(FRIDAY, "12:30").activity == "lunch at 12:30 at the counter"
    assert all(b.start < "22:00" for b in FRIDAY)


def test_a_day_with_nothing_on_mind_is_the_usual_day_without_a_call(make_agent):
    agent, planner = planned(make_agent)
    assert agent.backend.requests == []
    assert planner.blocks == FRIDAY
    assert not planner.needs_day_plan(at("23:59")) and planner.needs_day_plan(TOMORROW)
    (event,) = agent.events_of(EventKind.PLAN)
    assert event.data["reused"] is True and event.data["added"] == []
    assert event.data["blocks"] == [b.model_dump() for b in FRIDAY]


def test_the_plan_is_recorded_as_an_event_and_a_memory(make_agent):
    agent, _ = planned(make_agent)
    (event,) = agent.events_of(EventKind.PLAN)
    assert event.text.startswith(
        "Ada Park's plan for Friday February 13: 07:00 waking up and getting ready; "
        "07:30 having breakfast; 08:00 opens the cafe at 08:00;"
    )
    (added,) = agent.events_of(EventKind.MEMORY_ADDED)
    assert added.data["id"] == event.data["memory_id"]
    agent.memory.flush()
    (record,) = agent.memory.get([event.data["memory_id"]])
    assert (record.kind, record.text, record.importance) == (
        MemoryKind.PLAN,
        event.text,
        PLAN_IMPORTANCE,
    )


def test_what_is_on_mind_is_added_to_the_usual_day_in_one_call(make_agent):
    additions = [
        {"today": True, "at": "19:00", "do": "going to Rosa's party", "place": PARK.label},
        {"today": True, "at": "10:00", "do": "telling Tom about the party", "place": CAFE.label},
    ]
    script = by_schema(PlanAdditions=reply(add=additions))
    agent, planner = planned(make_agent, script, on_mind=[PARTY])

    assert agent.schema_names() == ["PlanAdditions"]
    party = ScheduledBlock(start="19:00", activity="going to Rosa's party", arena=PARK.address)
    telling = ScheduledBlock(
        start="10:00", activity="telling Tom about the party", arena=CAFE.address
    )
    assert planner.blocks == sorted([*FRIDAY, party, telling], key=lambda b: b.start)
    prompt = agent.prompts()[0]
    assert "It is Friday February 13, 08:00. Your usual day today:" in prompt
    assert "- 08:00 opens the cafe at 08:00 (Corner Cafe, counter)" in prompt
    assert f"On your mind:\n- {PARTY}" in prompt
    assert f"- {PARK.label}" in prompt
    event = agent.events_of(EventKind.PLAN)[-1]
    assert event.data["reused"] is False
    assert event.data["added"] == [party.model_dump(), telling.model_dump()]


def test_an_addition_at_the_time_of_a_usual_block_replaces_it(make_agent):
    script = by_schema(
        PlanAdditions=reply(
            add=[{"today": True, "at": "18:30", "do": "dinner with Tom", "place": PARK.label}]
        )
    )
    _, planner = planned(make_agent, script, on_mind=[PARTY])
    assert block_at(planner.blocks, "18:30") == ScheduledBlock(
        start="18:30", activity="dinner with Tom", arena=PARK.address
    )
    assert len(planner.blocks) == len(FRIDAY)


def test_additions_may_only_name_known_places_and_are_few():
    model = plan_additions_model((HOME.label, CAFE.label))
    with pytest.raises(ValueError):  # the model says something about what is on its mind
        model.model_validate({"add": []})
    later = {"today": False, "at": "10:00", "do": "a walk", "place": HOME.label}
    assert model.model_validate({"add": [later]}).today == []
    with pytest.raises(ValueError):
        model.model_validate(
            {"add": [{"today": True, "at": "10:00", "do": "a walk", "place": PARK.label}]}
        )
    with pytest.raises(ValueError):
        model.model_validate(
            {"add": [{"today": True, "at": "10am", "do": "a walk", "place": HOME.label}]}
        )
    too_many = [{"today": True, "at": "10:00", "do": "a walk", "place": HOME.label}] * (
        MAX_ADDITIONS + 1
    )
    with pytest.raises(ValueError):
        model.model_validate({"add": too_many})


def test_failed_additions_leave_the_usual_day(make_agent):
    agent, planner = planned(make_agent, [NOT_JSON], on_mind=[PARTY])
    assert planner.blocks == FRIDAY
    assert [e.data["step"] for e in agent.events_of(EventKind.LLM_FALLBACK)] == ["plan_day"]
    assert agent.events_of(EventKind.PLAN)[-1].data["reused"] is True


# --- the plan check, through Planner.plan_day ------------------------------------------------


@pytest.fixture(scope="module")
def maplewood():
    world = load_world("maplewood")
    people = {p.name: p for p in load_personas(personas_dir("maplewood"))}
    return world, people


GOOD = {
    "today": True,
    "at": "19:00",
    "do": "going to Rosa's party",
    "place": "Copper Kettle Cafe, seating",
}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            {
                "today": True,
                "at": "23:45",
                "do": "walking home from the party",
                "place": "Maplewood Park, lawn",
            },
            "'walking home from the party' is at or after bedtime (awake 07:00–23:30)",
        ),
        (
            {
                "today": True,
                "at": "06:00",
                "do": "reading the news",
                "place": "Willow House, kitchen",
            },
            "'reading the news' is before waking",
        ),
        (
            {
                "today": True,
                "at": "16:00",
                "do": "having lunch",
                "place": "Copper Kettle Cafe, seating",
            },
            "lunch at 16:00",
        ),
        (
            {
                "today": True,
                "at": "10:00",
                "do": "opening the cafe",
                "place": "Copper Kettle Cafe, counter",
            },
            "'opening the cafe' is a work duty at Copper Kettle Cafe, but their workplace is "
            "Maplewood Gazette",
        ),
    ],
    ids=["after_bedtime", "before_waking", "meal_hour", "other_workplace"],
)
def test_the_plan_check_rejects_each_anomaly_then_the_usual_day_is_the_fallback(
    make_agent, maplewood, bad, reason
):
    """Tom Castellano (a reporter, awake 07:00–23:30) adds an implausible item to his Friday."""
    world, people = maplewood
    tom = people["Tom Castellano"]
    places = known_places(world, tom)
    template = day_template(world, tom, places)

    def plan(replies):
        agent = make_agent(
            by_schema(PlanAdditions=[reply(add=[r]) for r in replies]),
            places=places,
            output_retries=1,
        )
        agent.services.persona = tom
        planner = Planner(agent.services, template, plan_check(world, tom))
        asyncio.run(planner.plan_day(NOW, 0, [PARTY]))
        return agent, planner

    # re-asked with the reason, and the corrected addition is taken
    agent, planner = plan([bad, GOOD])
    assert agent.schema_names() == ["PlanAdditions", "PlanAdditions"]
    retry = agent.prompts()[1]
    assert retry.startswith("That reply was invalid") and reason in retry
    assert "Change these items or leave them out" in retry
    party = ScheduledBlock(start="19:00", activity=GOOD["do"], arena="Copper Kettle Cafe:seating")
    assert planner.blocks == sorted([*template.day(NOW.weekday()), party], key=lambda b: b.start)
    assert agent.events_of(EventKind.PLAN)[-1].data["added"] == [party.model_dump()]

    # still wrong: the usual day, and a recorded fallback
    agent, planner = plan([bad, bad])
    assert len(agent.backend.requests) == 2
    assert planner.blocks == template.day(NOW.weekday())
    (fallback,) = agent.events_of(EventKind.LLM_FALLBACK)
    assert fallback.data["step"] == "plan_day" and fallback.data["failure"] == "invalid_output"


def test_the_plan_check_takes_good_additions_in_any_order(make_agent, maplewood):
    world, people = maplewood
    tom = people["Tom Castellano"]
    check = plan_check(world, tom)
    later_first = [
        GOOD,
        {"today": True, "at": "10:00", "do": "interviewing Rosa", "place": GOOD["place"]},
    ]
    assert check([(a["at"], a["do"], a["place"]) for a in later_first]) is None


# --- commitments ------------------------------------------------------------------------------


def test_a_later_commitment_today_is_merged_at_once(make_agent):
    agent, planner = planned(make_agent)
    party = ScheduledBlock(start="19:30", activity="going to the party", arena=PARK.address)
    planner.commit(party, at("10:00"), 5)
    assert block_at(planner.blocks, "19:30") == party  # replaces the block starting then
    assert planner.commitments == []
    (event,) = agent.events_of(EventKind.REPLAN)
    assert event.text == "Ada Park will going to the party at 19:30"
    assert event.place == PARK.address


def test_a_commitment_already_past_waits_for_the_next_plan(make_agent):
    agent, planner = planned(make_agent)
    walk = ScheduledBlock(start="09:00", activity="a walk with Tom", arena=PARK.address)
    planner.commit(walk, at("10:00"), 5)
    assert planner.blocks == FRIDAY and planner.commitments == [walk]
    assert agent.events_of(EventKind.REPLAN) == []
    assert agent.events_of(EventKind.PLAN)[-1].text == "Ada Park will a walk with Tom at 09:00"
    asyncio.run(planner.plan_day(TOMORROW, 100))
    assert agent.backend.requests == []  # a promise costs no call
    assert walk in planner.blocks and planner.commitments == []


def test_a_commitment_before_the_day_is_planned_is_kept_for_it(make_agent):
    agent = make_agent(TownScript())
    planner = Planner(agent.services, TEMPLATE)
    party = ScheduledBlock(start="19:30", activity="going to the party", arena=PARK.address)
    planner.commit(party, at("06:00"), 1)
    assert planner.commitments == [party] and planner.blocks == []
    asyncio.run(planner.plan_day(NOW, 2))
    assert block_at(planner.blocks, "19:30") == party


def test_the_next_day_drops_the_previous_days_one_off_changes(make_agent):
    agent, planner = planned(make_agent)
    party = ScheduledBlock(start="19:30", activity="going to the party", arena=PARK.address)
    planner.commit(party, at("10:00"), 5)
    planner.refused(at("10:05"), 6, "the cafe is closed", None)
    assert planner.blocks != FRIDAY
    asyncio.run(planner.plan_day(TOMORROW, 100))
    assert agent.backend.requests == []
    assert planner.blocks == TEMPLATE.day(TOMORROW.weekday())


def test_upcoming_lists_the_rest_of_today(make_agent):
    _, planner = planned(make_agent)
    assert planner.upcoming(at("17:10")) == [
        "18:30 having dinner (Rose Cottage, bedroom)",
        "19:30 relaxing at home (Rose Cottage, bedroom)",
    ]
    lunch = "12:30 lunch at 12:30 at the counter (Corner Cafe, counter)"
    assert planner.upcoming(at("09:00"), limit=1) == [lunch]


# --- steps ------------------------------------------------------------------------------------

TEA = {"description": "making tea", "emoji": "🍵", "thing": "none", "minutes": 10}
LETTERS = {"description": "writing letters", "emoji": "✍", "thing": "desk", "minutes": 45}
BREW = {"description": "brewing coffee", "emoji": "☕", "thing": "coffee machine", "minutes": 20}


def test_next_step_decomposes_the_current_block(make_agent):
    agent, planner = planned(make_agent, by_schema(BlockSteps=reply(steps=[BREW])))
    assert planner.block_changed(at("08:30"))
    step = asyncio.run(planner.next_step(at("08:30"), 3))
    assert step == DoActivity(
        description="brewing coffee",
        emoji="☕",
        arena=CAFE.address,
        object=CAFE.objects["coffee machine"],
        duration_min=20,
    )
    assert not planner.block_changed(at("12:29")) and planner.block_changed(at("12:30"))
    prompt = agent.prompts()[-1]
    assert (
        "It is 08:30. Your plan from 08:00 to 12:30, at Corner Cafe, counter: "
        "opens the cafe at 08:00." in prompt
    )
    assert "Things there: coffee machine." in prompt
    asyncio.run(planner.next_step(at("21:00"), 4))
    assert "Your plan from 19:30 to 22:00" in agent.prompts()[-1]  # the last block ends at bedtime


def test_a_block_is_decomposed_once_and_its_steps_start_over_without_a_call(make_agent):
    agent, planner = planned(make_agent, by_schema(BlockSteps=reply(steps=[TEA, LETTERS])))
    steps = [asyncio.run(planner.next_step(at(t), i)) for i, t in enumerate(["19:30", "19:40"])]
    again = asyncio.run(planner.next_step(at("20:30"), 3))  # the steps ran out: start over
    assert [(s.description, s.object, s.duration_min) for s in steps] == [
        ("making tea", None, 10),
        ("writing letters", HOME.objects["desk"], 45),
    ]
    assert (again.description, again.arena) == ("making tea", HOME.address)
    assert agent.schema_names() == ["BlockSteps"]
    asyncio.run(planner.next_step(at("17:00"), 4))  # another block
    assert agent.schema_names() == ["BlockSteps", "BlockSteps"]


def test_a_short_block_is_one_step_without_a_call(make_agent):
    agent, planner = planned(make_agent)
    step = asyncio.run(planner.next_step(at("12:30"), 1))  # lunch, 12:30 to 13:00
    assert step == DoActivity(
        description="lunch at 12:30 at the counter",
        emoji="",
        arena=CAFE.address,
        object=None,
        duration_min=30,
    )
    assert agent.backend.requests == []


def test_a_failed_decomposition_gives_one_half_hour_step_of_the_block(make_agent):
    agent, planner = planned(make_agent, by_schema(BlockSteps=NOT_JSON))
    step = asyncio.run(planner.next_step(at("08:15"), 1))
    assert step == DoActivity(
        description="opens the cafe at 08:00",
        emoji="",
        arena=CAFE.address,
        object=None,
        duration_min=30,
    )
    assert agent.events_of(EventKind.LLM_FALLBACK)[-1].data["step"] == "decompose"


def test_a_block_at_an_unknown_place_is_spent_at_home(make_agent):
    agent = make_agent(TownScript())
    planner = Planner(agent.services, TEMPLATE)
    state = planner.get_state()
    state["plan_date"] = NOW.date().isoformat()
    state["blocks"] = [{"start": "07:00", "activity": "wandering", "arena": "Gone:place"}]
    planner.set_state(state)
    step = asyncio.run(planner.next_step(at("08:00"), 1))
    assert step.arena == HOME.address and step.object == HOME.objects["bed"]
    assert "at Rose Cottage, bedroom" in agent.prompts()[-1]


def test_no_schedule_no_step(make_agent):
    planner = Planner(make_agent(TownScript()).services, TEMPLATE)
    assert asyncio.run(planner.next_step(NOW, 1)) is None
    assert planner.steps == [] and planner.block_index == -1


def test_a_shared_step_library_reuses_a_decomposition_without_a_call(make_agent):
    library = StepLibrary(HashingEmbedder())
    script = by_schema(BlockSteps=reply(steps=[BREW]))
    first, ada = planned(make_agent, script, steps=library)
    asyncio.run(ada.next_step(at("08:00"), 1))
    assert first.schema_names() == ["BlockSteps"]
    library.publish()
    second, other = planned(make_agent, script, steps=library)  # someone else, same block
    step = asyncio.run(other.next_step(at("08:00"), 1))
    assert second.backend.requests == []
    assert (step.description, step.object) == ("brewing coffee", CAFE.objects["coffee machine"])
    assert library.hits == 1


# --- refusals ---------------------------------------------------------------------------------


def test_an_object_in_use_is_not_asked_for_again_in_the_same_block(make_agent):
    agent, planner = planned(make_agent, by_schema(BlockSteps=reply(steps=[BREW, TEA])))
    machine = CAFE.objects["coffee machine"]
    assert asyncio.run(planner.next_step(at("08:00"), 1)).object == machine
    planner.refused(at("08:10"), 2, "Ada Park found the coffee machine in use by Tom", machine)
    later = [asyncio.run(planner.next_step(at(t), i)) for i, t in enumerate(["08:20", "08:30"])]
    assert [(s.description, s.object) for s in later] == [
        ("making tea", None),
        ("brewing coffee", None),  # its steps start over, still without the machine
    ]
    assert agent.events_of(EventKind.REPLAN) == []  # the person carries on without it
    asyncio.run(planner.next_step(at("13:00"), 5))  # a new block: the machine may be free
    assert planner.unavailable == set()


def test_a_place_that_turns_the_person_away_sends_the_rest_of_the_block_home(make_agent):
    agent, planner = planned(make_agent)
    asyncio.run(planner.next_step(at("09:00"), 1))
    planner.refused(at("09:05"), 2, "the cafe is closed", None)
    assert block_at(planner.blocks, "08:00") == ScheduledBlock(
        start="08:00", activity="opens the cafe at 08:00 (at home instead)", arena=HOME.address
    )
    assert planner.steps == [] and planner.block_changed(at("09:05"))
    (event,) = agent.events_of(EventKind.REPLAN)
    assert event.text == "Ada Park changes plans: the cafe is closed"
    step = asyncio.run(planner.next_step(at("09:05"), 3))
    assert step.arena == HOME.address


def test_a_refusal_during_a_home_block_just_stays(make_agent):
    agent, planner = planned(make_agent)
    planner.refused(at("07:10"), 2, "locked out of nowhere", None)
    assert planner.blocks == FRIDAY
    assert planner.steps == [Step("waking up and getting ready", "", HOME.address, None, 60)]
    assert agent.events_of(EventKind.REPLAN) == []


def test_state_round_trip(make_agent):
    agent, planner = planned(make_agent, by_schema(BlockSteps=reply(steps=[BREW, TEA])))
    asyncio.run(planner.next_step(at("08:30"), 1))
    planner.refused(at("08:35"), 2, "in use", CAFE.objects["coffee machine"])
    planner.commit(
        ScheduledBlock(start="07:30", activity="a walk", arena=PARK.address), at("09:00"), 2
    )
    state = planner.get_state()
    restored = Planner(agent.services, TEMPLATE)
    restored.set_state(state)
    assert restored.get_state() == state
    assert restored.blocks == planner.blocks and restored.steps == planner.steps
    assert restored.block_steps == planner.block_steps
    assert restored.unavailable == {CAFE.objects["coffee machine"]}
    assert restored.commitments == planner.commitments
    assert not restored.needs_day_plan(NOW)
    assert datetime.fromisoformat(state["plan_date"]).date() == NOW.date()
    step = asyncio.run(restored.next_step(at("08:40"), 3))  # same block: steps go on
    assert (step.description, step.object) == ("making tea", None)
    assert agent.schema_names() == ["BlockSteps"]
