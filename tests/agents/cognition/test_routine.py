import pytest

from agents.cognition.places import ScheduledBlock
from agents.cognition.routine import (
    BREAKFAST_AFTER_WAKE,
    DINNER,
    LUNCH,
    DayTemplate,
    RoutineItem,
    parse_routine,
)
from agents.persona import load_personas
from agents.placement import WORKING_KINDS, day_template, known_places
from simulation.analysis.believability import PlanItem, plan_anomalies
from tests.agents.cognition.conftest import CAFE, HOME, PARK, PLACES, WORK_HOURS, clock
from worlds.loader import load_world, personas_dir

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6
KINDS = {HOME.address: "home", CAFE.address: "cafe", PARK.address: "park"}


def parse(*lines, work=CAFE.address):
    return parse_routine(lines, PLACES, work, WORK_HOURS, KINDS)


def item(*lines, **kwargs):
    (found,), _ = parse(*lines, **kwargs)
    return found


# --- reading routine lines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ("opens the cafe at 06:30", "06:30"),
        ("a walk in the park at 7pm", "19:00"),
        ("reads the paper at 9am", "09:00"),
        ("a walk in the park in the afternoon", "14:00"),
        ("reads in the evening", "19:00"),
        ("practises piano before dinner", "17:30"),
        ("sweeps the floor after closing", "17:00"),
        ("a call before 10:00", "09:30"),
    ],
)
def test_a_clause_gets_its_time_from_a_clock_time_or_a_period_word(line, start):
    assert item(line).start == clock(start)


def test_a_line_without_a_time_is_left_out():
    assert parse("likes a quiet cup of tea") == ((), frozenset(range(6)))


def test_clauses_split_at_commas_and_then_and_follow_the_one_before():
    items, _ = parse("opens the cafe at 06:30, bakes the buns, then wipes the tables")
    assert [(i.activity, i.start) for i in items] == [
        ("opens the cafe at 06:30", clock("06:30")),
        ("bakes the buns", clock("07:00")),
        ("wipes the tables", clock("07:30")),
    ]


def test_days_come_from_weekday_names_weekdays_and_weekends():
    assert item("Thursday nights cards in the park at 20:00").days == frozenset({3})
    assert item("a walk in the park on weekends at 10:00").days == frozenset({5, 6})
    assert item("volunteers on Monday, Wednesday and Friday afternoons").days == frozenset(
        {0, 2, 4}
    )
    assert item("reads at 21:00").days is None


def test_work_at_the_workplace_on_named_days_sets_the_workdays():
    items, workdays = parse("morning shift at the cafe on weekdays from 07:00 to 11:00")
    assert workdays == frozenset(range(5))
    (shift,) = items
    assert (shift.start, shift.end, shift.work, shift.arena) == (
        clock("07:00"),
        clock("11:00"),
        True,
        CAFE.address,
    )


def test_the_place_is_a_named_sector_a_kind_of_place_or_the_workplace():
    assert item("a walk in the Town Park at 16:00").arena == PARK.address
    assert item("reads the paper at 06:30").arena is None  # decided by the day
    assert item("jogs at 06:30").arena == PARK.address  # jogging is done in a park
    assert item("feeds the ducks at 16:00").arena == PARK.address  # ducks are in a park
    assert item("serves at the counter at 10:00").arena == CAFE.address  # work: the workplace


def test_until_gives_the_end():
    assert item("paints in the morning light until 13:00").end == clock("13:00")
    assert item("office hours in the afternoon").end == clock("17:00")
    assert item("reads at 21:00").end is None


# --- laying out the day -------------------------------------------------------------------------


def template(*routine, wake="07:00", sleep="22:00", work=CAFE.address, workdays=None):
    items, days = parse(*routine) if routine else ((), frozenset(range(6)))
    return DayTemplate(
        wake=clock(wake),
        sleep=clock(sleep),
        home=HOME.address,
        kitchen=HOME.address,
        work=work,
        work_hours=WORK_HOURS,
        routine=items,
        workdays=workdays if workdays is not None else days,
    )


def starts(blocks):
    return {b.start: (b.activity, b.arena) for b in blocks}


def test_a_working_day_wakes_eats_works_in_opening_hours_and_goes_home():
    day = starts(template().day(MONDAY))
    assert day["07:00"] == ("waking up and getting ready", HOME.address)
    assert day["07:30"] == ("having breakfast", HOME.address)
    assert day["08:00"] == ("working", CAFE.address)
    assert day["12:30"] == ("having lunch", CAFE.address)
    assert day["13:15"] == ("back at work", CAFE.address)
    assert day["17:00"] == ("heading home after work", HOME.address)
    assert day["18:30"] == ("having dinner", HOME.address)
    assert day["19:30"] == ("relaxing at home", HOME.address)
    assert list(day) == sorted(day)
    assert (BREAKFAST_AFTER_WAKE, LUNCH, DINNER) == (30, 12 * 60 + 30, 18 * 60 + 30)


def test_a_day_off_has_no_work():
    day = template().day(SUNDAY)
    assert all(b.arena != CAFE.address for b in day)
    assert starts(day)["12:30"] == ("having lunch", HOME.address)


def test_routine_work_without_named_days_follows_the_workdays():
    usual = template("opens the cafe at 08:00", "reads in the park at 20:00")
    assert starts(usual.day(SATURDAY))["08:00"] == ("opens the cafe at 08:00", CAFE.address)
    sunday = starts(usual.day(SUNDAY))
    assert "08:00" not in sunday  # nobody opens their cafe on their day off
    assert sunday["20:00"] == ("reads in the park at 20:00", PARK.address)  # not work: kept


def test_someone_without_a_workplace_never_works():
    day = template(work=None).day(MONDAY)
    assert all("work" not in b.activity for b in day)


def test_routine_items_keep_their_days_and_places():
    usual = template("Thursday nights cards in the Town Park at 20:00")
    assert starts(usual.day(3))["20:00"] == (
        "Thursday nights cards in the Town Park at 20:00",
        PARK.address,
    )
    assert "20:00" not in starts(usual.day(FRIDAY))


def test_a_routine_lunch_replaces_the_usual_one():
    day = starts(template("lunch at 12:00 at the counter").day(MONDAY))
    assert day["12:00"] == ("lunch at 12:00 at the counter", CAFE.address)
    assert "12:30" not in day


def test_everything_happens_within_waking_hours():
    usual = template("reads at 05:00", "a late walk in the park at 23:30", sleep="22:00")
    for block in usual.day(MONDAY):
        assert "07:00" <= block.start < "22:00"


def test_a_late_sleeper_keeps_the_day_until_midnight():
    usual = template("a late walk in the park at 23:30", wake="09:00", sleep="01:00")
    day = usual.day(MONDAY)
    assert day[0] == ScheduledBlock(
        start="09:00", activity="waking up and getting ready", arena=HOME.address
    )
    assert day[-1] == ScheduledBlock(
        start="23:30", activity="a late walk in the park at 23:30", arena=PARK.address
    )


def test_routine_item_defaults():
    assert RoutineItem(60, "x", None, None, False).end is None
    assert DayTemplate(0, 1, "h", "k", None, (0, 1), ()).workdays == frozenset(range(6))


# --- the bundled personas ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maplewood():
    world = load_world("maplewood")
    people = {p.name: p for p in load_personas(personas_dir("maplewood"))}
    return world, people


def usual_day(maplewood, name, weekday):
    world, people = maplewood
    persona = people[name]
    return day_template(world, persona, known_places(world, persona)).day(weekday)


def test_tom_the_reporter_has_no_cafe_duties_and_goes_to_the_newsroom_at_nine(maplewood):
    friday = usual_day(maplewood, "Tom Castellano", FRIDAY)
    at_nine = starts(friday)["09:00"]
    assert at_nine[1] == "Maplewood Gazette:newsroom"
    cafe = [b.activity for b in friday if b.arena.startswith("Copper Kettle Cafe")]
    assert cafe == [
        "coffee at the Copper Kettle window table at 07:30 while reading the county papers"
    ]
    assert all(b.activity != "working" or "Gazette" in b.arena for b in friday)


def test_rosa_opens_the_cafe_at_half_past_six(maplewood):
    friday = starts(usual_day(maplewood, "Rosa Delgado", FRIDAY))
    activity, arena = friday["06:30"]
    assert activity.startswith("opens the cafe at 06:30") and arena.startswith(
        "Copper Kettle Cafe:"
    )
    assert friday["05:30"] == ("waking up and getting ready", "Willow House:bedroom")


def test_on_sunday_rosa_sings_and_tom_stays_away_from_the_newsroom(maplewood):
    rosa = usual_day(maplewood, "Rosa Delgado", SUNDAY)
    assert not [b for b in rosa if "opens the cafe" in b.activity]
    assert any(b.activity.startswith("Sunday mornings sings with the choir") for b in rosa)
    tom = usual_day(maplewood, "Tom Castellano", SUNDAY)
    assert not [b for b in tom if "Gazette" in b.arena or "interviews" in b.activity]


def test_leo_works_the_cafe_on_weekdays_only(maplewood):
    friday = starts(usual_day(maplewood, "Leo Park", FRIDAY))
    assert friday["07:00"] == (
        "morning shift at the cafe on weekdays from 07:00 to 11:00",
        "Copper Kettle Cafe:counter",
    )
    saturday = usual_day(maplewood, "Leo Park", SATURDAY)
    assert not [b for b in saturday if b.arena.startswith("Copper Kettle Cafe")]
    assert not [b for b in saturday if "shift" in b.activity]


def test_every_bundled_persona_has_a_plausible_usual_day_all_week(maplewood):
    world, people = maplewood
    workplaces = {s.name: s.kind.value for s in world.sectors if s.kind in WORKING_KINDS}
    checked = 0
    for persona in people.values():
        workplace = world.sector_of(persona.workplace).name if persona.workplace else None
        usual = day_template(world, persona, known_places(world, persona))
        for weekday in range(7):
            day = usual.day(weekday)
            assert day, (persona.name, weekday)
            items = [PlanItem(b.start, b.activity, b.arena.split(":")[0]) for b in day]
            found = plan_anomalies(
                items, persona.wake_time, persona.sleep_time, workplace, workplaces
            )
            assert found == [], (persona.name, weekday, found)
            checked += 1
    assert checked == 7 * len(people) >= 7 * 11
