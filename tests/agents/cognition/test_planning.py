import asyncio
from datetime import datetime, timedelta

from agents.cognition.places import ScheduledBlock
from agents.cognition.planning import PLAN_IMPORTANCE, Planner, Step
from agents.memory.records import MemoryKind
from simulation.actions import DoActivity
from simulation.events import EventKind
from tests.agents.cognition.conftest import CAFE, HOME, NOT_JSON, NOW, PARK, reply
from tests.doubles.town_llm import TownScript

FALLBACK = [
    ScheduledBlock(start="07:00", activity="getting ready", arena=HOME.address),
    ScheduledBlock(start="09:00", activity="working", arena=CAFE.address),
    ScheduledBlock(start="18:00", activity="relaxing at home", arena=HOME.address),
]
TOWN_DAY = [  # what TownScript schedules with these places
    ScheduledBlock(start="07:00", activity="getting ready", arena=HOME.address),
    ScheduledBlock(start="08:00", activity="spending the day", arena=CAFE.address),
    ScheduledBlock(start="20:00", activity="relaxing at home", arena=HOME.address),
]
TOMORROW = NOW + timedelta(days=1)


def at(hhmm, day=NOW):
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


def planned(make_agent, script=None):
    agent = make_agent(script or TownScript())
    planner = Planner(agent.services, list(FALLBACK))
    asyncio.run(planner.plan_day(NOW, 0))
    return agent, planner


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


def test_plan_day_writes_a_schedule_bound_to_known_places(make_agent):
    agent, planner = planned(make_agent)
    assert agent.schema_names() == ["DayPlan", "DaySchedule"]
    assert planner.strokes == [
        "07:30 get ready",
        "09:00 go about the day",
        "12:00 lunch",
        "18:00 home",
    ]
    assert planner.blocks == TOWN_DAY
    assert not planner.needs_day_plan(at("23:59")) and planner.needs_day_plan(TOMORROW)
    schedule_prompt = agent.prompts()[1]
    assert "- 09:00 go about the day" in schedule_prompt
    assert "- Town Park, lawn" in schedule_prompt
    assert "lives at Rose Cottage and works at Corner Cafe" in schedule_prompt


def test_plan_day_records_the_plan_as_an_event_and_a_memory(make_agent):
    agent, _ = planned(make_agent)
    (event,) = agent.events_of(EventKind.PLAN)
    expected = (
        "Ada Park's plan for Friday February 13: "
        "07:00 getting ready; 08:00 spending the day; 20:00 relaxing at home"
    )
    assert event.text == expected
    assert event.data["reused"] is False
    assert event.data["blocks"] == [b.model_dump() for b in TOWN_DAY]
    (added,) = agent.events_of(EventKind.MEMORY_ADDED)
    assert added.data["id"] == event.data["memory_id"]
    agent.memory.flush()
    (record,) = agent.memory.get([event.data["memory_id"]])
    assert (record.kind, record.text, record.importance) == (
        MemoryKind.PLAN,
        expected,
        PLAN_IMPORTANCE,
    )


def test_schedule_blocks_are_sorted_by_start(make_agent):
    blocks = [
        {"start": "19:00", "activity": "walking", "place": PARK.label},
        {"start": "06:30", "activity": "waking up", "place": HOME.label},
        {"start": "10:00", "activity": "brewing", "place": CAFE.label},
    ]
    script = by_schema(
        DayPlan=reply(strokes=["a day", "of work", "and rest"]), DaySchedule=reply(blocks=blocks)
    )
    _, planner = planned(make_agent, script)
    assert [(b.start, b.arena) for b in planner.blocks] == [
        ("06:30", HOME.address),
        ("10:00", CAFE.address),
        ("19:00", PARK.address),
    ]


def test_a_failed_day_plan_uses_the_fallback_without_scheduling(make_agent):
    agent, planner = planned(make_agent, [NOT_JSON])
    assert planner.blocks == FALLBACK and planner.strokes == []
    assert len(agent.backend.requests) == 1
    assert [e.data["step"] for e in agent.events_of(EventKind.LLM_FALLBACK)] == ["plan_day"]
    assert agent.events_of(EventKind.PLAN)[0].data["reused"] is False


def test_a_failed_schedule_uses_the_fallback_but_keeps_the_strokes(make_agent):
    script = by_schema(
        DayPlan=reply(strokes=["a day", "of work", "and rest"]), DaySchedule=NOT_JSON
    )
    agent, planner = planned(make_agent, script)
    assert planner.blocks == FALLBACK and planner.strokes == ["a day", "of work", "and rest"]
    assert [e.data["step"] for e in agent.events_of(EventKind.LLM_FALLBACK)] == ["schedule"]


def test_a_day_with_nothing_new_reuses_the_schedule(make_agent):
    agent, planner = planned(make_agent)
    asyncio.run(planner.plan_day(TOMORROW, 100))
    assert len(agent.backend.requests) == 2  # no new calls
    assert planner.blocks == TOWN_DAY
    assert [e.data["reused"] for e in agent.events_of(EventKind.PLAN)] == [False, True]
    assert not planner.needs_day_plan(TOMORROW)


def test_something_new_means_a_new_plan(make_agent):
    agent, planner = planned(make_agent)
    planner.new_since_plan = True
    asyncio.run(planner.plan_day(TOMORROW, 100))
    assert agent.schema_names() == ["DayPlan", "DaySchedule"] * 2
    assert planner.new_since_plan is False
    assert agent.events_of(EventKind.PLAN)[-1].data["reused"] is False


def test_a_later_commitment_today_is_merged_at_once(make_agent):
    agent, planner = planned(make_agent)
    party = ScheduledBlock(start="20:00", activity="going to the party", arena=PARK.address)
    planner.commit(party, at("10:00"), 5)
    assert planner.blocks == [*TOWN_DAY[:2], party]  # replaces the block starting then
    assert planner.commitments == []
    (event,) = agent.events_of(EventKind.REPLAN)
    assert event.text == "Ada Park will going to the party at 20:00"
    assert event.place == PARK.address


def test_a_commitment_already_past_waits_for_the_next_plan(make_agent):
    agent, planner = planned(make_agent)
    lunch = ScheduledBlock(start="09:00", activity="lunch with Tom", arena=PARK.address)
    planner.commit(lunch, at("10:00"), 5)
    assert planner.blocks == TOWN_DAY and planner.commitments == [lunch]
    assert agent.events_of(EventKind.REPLAN) == []
    assert [e.text for e in agent.events_of(EventKind.PLAN)][-1] == (
        "Ada Park will lunch with Tom at 09:00"
    )
    asyncio.run(planner.plan_day(TOMORROW, 100))
    assert len(agent.backend.requests) == 4  # a commitment means the day is planned anew
    assert lunch in planner.blocks and planner.commitments == []
    assert [b.start for b in planner.blocks] == ["07:00", "08:00", "09:00", "20:00"]


def test_a_commitment_before_the_day_is_planned_is_kept_for_it(make_agent):
    agent = make_agent(TownScript())
    planner = Planner(agent.services, list(FALLBACK))
    party = ScheduledBlock(start="20:00", activity="going to the party", arena=PARK.address)
    planner.commit(party, at("06:00"), 1)
    assert planner.commitments == [party] and planner.blocks == []
    asyncio.run(planner.plan_day(NOW, 2))
    assert planner.blocks == [*TOWN_DAY[:2], party]


def test_next_step_decomposes_the_current_block(make_agent):
    agent, planner = planned(make_agent)
    assert planner.block_changed(at("08:30"))
    step = asyncio.run(planner.next_step(at("08:30"), 3))
    assert step == DoActivity(
        description="spending the day",
        emoji="🙂",
        arena=CAFE.address,
        object=CAFE.objects["coffee machine"],
        duration_min=60,
    )
    assert not planner.block_changed(at("19:59")) and planner.block_changed(at("20:00"))
    prompt = agent.prompts()[-1]
    assert (
        "It is 08:30. From 08:00 to 20:00 Ada Park is spending the day at Corner Cafe, counter."
        in prompt
    )
    assert "Things there: coffee machine." in prompt
    asyncio.run(planner.next_step(at("21:00"), 4))
    assert "From 20:00 to the evening" in agent.prompts()[-1]


def test_steps_are_handed_out_in_order_then_decomposed_again(make_agent):
    steps = [
        {"description": "making tea", "emoji": "🍵", "thing": "none", "minutes": 10},
        {"description": "writing letters", "emoji": "✍", "thing": "desk", "minutes": 45},
    ]
    script = by_schema(
        DayPlan=reply(strokes=["a day", "of work", "and rest"]),
        DaySchedule=reply(
            blocks=[
                {"start": "07:00", "activity": "staying in", "place": HOME.label},
                {"start": "21:00", "activity": "sleeping", "place": HOME.label},
            ]
        ),
        BlockSteps=reply(steps=steps),
    )
    agent, planner = planned(make_agent, script)
    first = asyncio.run(planner.next_step(at("08:00"), 1))
    second = asyncio.run(planner.next_step(at("08:10"), 2))
    assert (first.description, first.object, first.duration_min) == ("making tea", None, 10)
    assert (second.description, second.object, second.duration_min) == (
        "writing letters",
        HOME.objects["desk"],
        45,
    )
    assert agent.schema_names().count("BlockSteps") == 1
    asyncio.run(planner.next_step(at("09:00"), 3))
    assert agent.schema_names().count("BlockSteps") == 2


def test_a_failed_decomposition_gives_one_half_hour_step_of_the_block(make_agent):
    script = by_schema(
        DayPlan=reply(strokes=["a day", "of work", "and rest"]),
        DaySchedule=reply(
            blocks=[
                {"start": "07:00", "activity": "getting ready", "place": HOME.label},
                {"start": "08:00", "activity": "brewing coffee", "place": CAFE.label},
            ]
        ),
        BlockSteps=NOT_JSON,
    )
    agent, planner = planned(make_agent, script)
    step = asyncio.run(planner.next_step(at("08:15"), 1))
    assert step == DoActivity(
        description="brewing coffee", emoji="", arena=CAFE.address, object=None, duration_min=30
    )
    assert agent.events_of(EventKind.LLM_FALLBACK)[-1].data["step"] == "decompose"


def test_a_block_at_an_unknown_place_is_spent_at_home(make_agent):
    agent = make_agent(TownScript())
    planner = Planner(agent.services, [])
    state = planner.get_state()
    state["plan_date"] = NOW.date().isoformat()
    state["blocks"] = [{"start": "07:00", "activity": "wandering", "arena": "Gone:place"}]
    planner.set_state(state)
    step = asyncio.run(planner.next_step(at("08:00"), 1))
    assert step.arena == HOME.address and step.object == HOME.objects["bed"]
    assert "at Rose Cottage, bedroom" in agent.prompts()[-1]


def test_no_schedule_no_step(make_agent):
    planner = Planner(make_agent(TownScript()).services, [])
    assert asyncio.run(planner.next_step(NOW, 1)) is None
    assert planner.steps == [] and planner.block_index == -1


def test_reroute_sends_the_rest_of_the_block_home(make_agent):
    agent, planner = planned(make_agent)
    asyncio.run(planner.next_step(at("09:00"), 1))
    planner.reroute(at("09:05"), 2, "the cafe is closed")
    assert planner.blocks[1] == ScheduledBlock(
        start="08:00", activity="spending the day (at home instead)", arena=HOME.address
    )
    assert planner.steps == [] and planner.block_changed(at("09:05"))
    (event,) = agent.events_of(EventKind.REPLAN)
    assert event.text == "Ada Park changes plans: the cafe is closed"
    step = asyncio.run(planner.next_step(at("09:05"), 3))
    assert step.arena == HOME.address


def test_reroute_during_a_home_block_just_stays(make_agent):
    agent, planner = planned(make_agent)
    planner.reroute(at("07:30"), 2, "locked out of nowhere")
    assert planner.blocks == TOWN_DAY
    assert planner.steps == [Step("getting ready", "", HOME.address, None, 60)]
    assert agent.events_of(EventKind.REPLAN) == []


def test_a_reused_day_drops_the_previous_days_one_off_changes(make_agent):
    agent, planner = planned(make_agent)
    party = ScheduledBlock(start="20:00", activity="going to the party", arena=PARK.address)
    planner.commit(party, at("10:00"), 5)
    planner.reroute(at("10:05"), 6, "the cafe is closed")
    assert planner.blocks != TOWN_DAY

    asyncio.run(planner.plan_day(TOMORROW, 100))

    assert len(agent.backend.requests) == 2  # reused: no new calls
    assert planner.blocks == TOWN_DAY


def test_state_round_trip(make_agent):
    agent, planner = planned(make_agent)
    asyncio.run(planner.next_step(at("08:30"), 1))
    planner.commit(
        ScheduledBlock(start="07:30", activity="a walk", arena=PARK.address), at("09:00"), 2
    )
    planner.steps = [Step("sipping coffee", "☕", CAFE.address, None, 15)]
    state = planner.get_state()
    restored = Planner(agent.services, [])
    restored.set_state(state)
    assert restored.get_state() == state
    assert restored.blocks == planner.blocks and restored.steps == planner.steps
    assert restored.planned == TOWN_DAY
    assert restored.commitments == planner.commitments
    assert not restored.needs_day_plan(NOW)
    assert datetime.fromisoformat(state["plan_date"]).date() == NOW.date()
