import pytest

from simulation.analysis.believability import (
    PlanAnomaly,
    PlanItem,
    believability,
    is_duty,
    misaddressed,
    misaddressed_lines,
    normalise_line,
    plan_anomalies,
    plan_anomaly_metrics,
    repeated_lines,
    retried_refusals,
    supported_claims,
    town_workplaces,
)
from simulation.events import EventKind
from tests.simulation.run_builder import RunBuilder, party_run

ROSA, TOM, LEO, HANK = "Rosa Delgado", "Tom Castellano", "Leo Park", "Hank Brennan"
ADA, WALTER, PRIYA, JONAH = "Ada Lindqvist", "Walter Lindqvist", "Priya Nair", "Jonah Reyes"
JUNE, ELI = "June Marsh", "Eli Marsh"
CAST = [ROSA, TOM, LEO, HANK, ADA, WALTER, PRIYA, JONAH, JUNE, ELI]

# (speaker, listeners, line, expected: None, "speaker", "outsider" or "third_person")
LINES = [
    # the lines
    (TOM, [ROSA], "Oh, Tom! You're just the man to talk to about Rosa.", "speaker"),
    (ROSA, [LEO], "Oh, Tom! I see you're still chatting with Rosa.", "outsider"),
    (
        TOM,
        [LEO],
        "Leo Park is not known well yet, but he's been in the city for a while.",
        "third_person",
    ),
    # vocatives naming the speaker
    (TOM, [ROSA], "Hi Tom, how was the council meeting?", "speaker"),
    (TOM, [ROSA], "Did you save me a bun, Tom?", "speaker"),
    (TOM, [ROSA], "Tom, you always know what I need.", "speaker"),
    (ROSA, [TOM], "Good morning, Rosa Delgado! The usual?", "speaker"),
    (PRIYA, [ADA], "Thank you, Dr. Nair, that helps a lot.", "speaker"),
    (LEO, [ROSA], "You know, Leo, I think the oat milk is off.", "speaker"),
    # vocatives naming someone not in the conversation
    (ROSA, [LEO], "Hey Hank, can you bring more eggs tomorrow?", "outsider"),
    (TOM, [ROSA], "I'll be late tonight, Jonah.", "outsider"),
    (LEO, [ROSA], "Ada! Your tea is getting cold.", "outsider"),
    (ROSA, [TOM], "I was thinking, Hank, we could start a music night.", "outsider"),
    (ROSA, [LEO], "Hi Tom how are you this morning", "outsider"),
    # the listener described to their face
    (ROSA, [LEO], "Leo's been late three times this week.", "third_person"),
    (TOM, [ROSA], "Rosa seems tired today.", "third_person"),
    (HANK, [ROSA], "Everyone likes Rosa because she remembers their orders.", "third_person"),
    # fine: the listener addressed, names in passing, lists, appositives
    (ROSA, [TOM], "Morning, Tom! The usual black coffee?", None),
    (TOM, [ROSA], "I saw Hank at the shop this morning.", None),
    (ROSA, [LEO], "Leo, could you wipe the tables before Ada comes in?", None),
    (TOM, [ROSA], "Rosa, Leo and I should go fishing on Sunday.", None),
    (ROSA, [TOM], "That painting was done by my friend, Jonah.", None),
    (LEO, [ROSA], "Thanks, Rosa. I'll tell Hank the milk was short again.", None),
    (TOM, [ROSA], "Hank said the delivery truck broke down.", None),
    (ROSA, [TOM], "Did you hear what happened to Walter at the library?", None),
    (ROSA, [TOM], "Tom's coffee is on the counter, hon.", None),
    (ELI, [JUNE], "June is my favourite month for painting outside.", None),
    (LEO, [ROSA], "Ada, Walter, and Priya are coming to the music night.", None),
    (ROSA, [TOM], "The regulars today were Ada, Hank, Walter.", None),
    (ROSA, [TOM], "Oh, Hank's truck is outside again.", None),
    (HANK, [ROSA], "Walter is retired now; he spends all day at the river.", None),
    (ROSA, [LEO], "Leo, she said she'd be here at noon.", None),
    (ADA, [WALTER], "Well, Walter, I think we should ask Dr. Nair about it.", None),
    (JONAH, [ROSA], "Good to see you, Rosa!", None),
    # two listeners: speaking of one to the other is normal
    (TOM, [ROSA, LEO], "Leo is going to run the morning shift now.", None),
    (TOM, [ROSA, LEO], "Thanks, Leo. Rosa, you were right about him.", None),
]


@pytest.mark.parametrize(("speaker", "listeners", "line", "expected"), LINES)
def test_misaddressed_lines(speaker, listeners, line, expected):
    reason = misaddressed(line, speaker, listeners, CAST)
    if expected is None:
        assert reason is None, reason
        return
    assert reason is not None
    marker = {
        "speaker": "who is the speaker",
        "outsider": "who is not in this conversation",
        "third_person": "in the third person",
    }[expected]
    assert marker in reason, reason


def test_the_reason_names_whom_to_address():
    reason = misaddressed("Oh, Tom! You're just the man.", TOM, [ROSA], CAST)
    assert reason == "the line addresses Tom Castellano, who is the speaker; address Rosa Delgado"
    reason = misaddressed("Leo Park is new here.", TOM, [LEO], CAST)
    assert reason is not None and 'speak to Leo as "you"' in reason
    outsider = misaddressed("Hey Hank, more eggs?", ROSA, [LEO, TOM], CAST)
    assert outsider is not None and outsider.endswith("address Leo Park and Tom Castellano")


def test_names_outside_the_cast_and_shared_first_names_pass():
    assert misaddressed("Oh, Mary! You're back.", ROSA, [TOM], CAST) is None
    cast = [*CAST, "Tom Brennan"]
    assert misaddressed("Hi Tom, the usual?", ROSA, ["Tom Brennan"], cast) is None
    assert misaddressed("Hi Tom, the usual?", ROSA, [LEO], cast) is not None


# --- plans --------------------------------------------------------------------------------------

CAFE, GAZETTE, GROCERY, LANTERN = (
    "Copper Kettle Cafe",
    "Maplewood Gazette",
    "Brennan's Grocery",
    "The Lantern",
)
WORKPLACES = {CAFE: "cafe", GAZETTE: "office", GROCERY: "shop", LANTERN: "bar"}


def plan(*rows: tuple[str, str, str]) -> list[PlanItem]:
    return [PlanItem(start, activity, sector) for start, activity, sector in rows]


def kinds(anomalies: list[PlanAnomaly]) -> list[tuple[str, int]]:
    return [(a.kind, a.index) for a in anomalies]


def test_a_cafe_owners_real_day_has_no_anomaly():
    day = plan(
        ("05:30", "wake up and get dressed", "Willow House"),
        ("06:30", "open the cafe and bake the first batch of buns", CAFE),
        ("07:00", "serve the breakfast crowd", CAFE),
        ("10:30", "ten-minute break on the bench with a cortado", CAFE),
        ("12:00", "have lunch at the counter", CAFE),
        ("12:30", "work the counter through the lunch rush", CAFE),
        ("15:00", "close up the cafe", CAFE),
        ("15:30", "buy eggs and milk", GROCERY),
        ("18:00", "cook dinner with Tom", "Willow House"),
        ("19:00", "have dinner", "Willow House"),
        ("20:00", "do the accounts at the kitchen table", "Willow House"),
        ("21:30", "go to bed", "Willow House"),
    )
    assert plan_anomalies(day, "05:30", "21:30", CAFE, WORKPLACES) == []


def test_a_night_owls_day_after_midnight_is_in_order():
    day = plan(
        ("10:30", "wake up slowly", "Maple Court"),
        ("11:00", "run along the river", "Maplewood Park"),
        ("12:00", "breakfast at home", "Maple Court"),  # late, but soon after a late waking
        ("16:00", "open the bar", LANTERN),
        ("23:00", "pour pints behind the bar", LANTERN),
        ("01:30", "close up and cash up", LANTERN),
        ("02:00", "sleep", "Maple Court"),
    )
    assert plan_anomalies(day, "10:30", "02:00", LANTERN, WORKPLACES) == []
    late = plan(("07:00", "get up", "Home"), ("23:00", "read", "Home"), ("00:10", "tea", "Home"))
    assert plan_anomalies(late, "07:00", "00:30", None, WORKPLACES) == []


def test_time_going_back_is_caught():
    day = plan(
        ("07:00", "get up", "Home"),
        ("11:00", "write the council story", GAZETTE),
        ("09:00", "call the mayor", GAZETTE),
        ("09:00", "more calls", GAZETTE),  # the same time again is not a step back
        ("12:00", "lunch", "Home"),
    )
    found = plan_anomalies(day, "07:00", "23:30", GAZETTE, WORKPLACES)
    assert kinds(found) == [("time_back", 2)]
    assert "09:00" in found[0].detail and "11:00" in found[0].detail
    # wake 07:00, sleep 00:30: 00:10 after 23:00 is forward; 06:30 after 23:00 goes back
    owl = plan(("23:00", "read", "Home"), ("00:10", "brush teeth", "Home"))
    assert plan_anomalies(owl, "07:00", "00:30", None, WORKPLACES) == []
    back = plan(("08:00", "read", "Home"), ("07:30", "shower", "Home"))
    assert kinds(plan_anomalies(back, "07:00", "00:30", None, WORKPLACES)) == [("time_back", 1)]


def test_items_outside_waking_hours_are_caught_but_bed_is_not():
    day = plan(
        ("05:30", "arrive at Willow House", "Willow House"),
        ("07:00", "get dressed", "Willow House"),
        ("22:00", "watch a film", "Willow House"),
        ("23:30", "go to bed", "Willow House"),
        ("00:45", "read in bed", "Willow House"),
    )
    found = plan_anomalies(day, "06:00", "22:00", None, WORKPLACES)
    assert kinds(found) == [("outside_waking", 0), ("outside_waking", 2)]
    assert "before waking" in found[0].detail and "after bedtime" in found[1].detail


def test_meals_at_odd_hours_are_caught():
    day = plan(
        ("07:00", "open the cafe", GAZETTE),
        ("09:00", "have lunch at the newspaper", GAZETTE),
        ("11:00", "have dinner at the newspaper", GAZETTE),
        ("15:30", "supper with Rosa", "Willow House"),
        ("16:00", "bake buns for the lunch rush tomorrow", "Willow House"),
        ("17:00", "after lunch nap", "Willow House"),
        ("20:00", "breakfast for dinner, a family joke", "Willow House"),
    )
    found = plan_anomalies(day, "07:00", "23:30", GAZETTE, WORKPLACES)
    meals = [a for a in found if a.kind == "meal_hour"]
    assert [(a.index, a.detail.split()[0]) for a in meals] == [
        (1, "lunch"),
        (2, "dinner"),
        (3, "dinner"),
    ]
    assert "11:00 and 14:59" in meals[0].detail


def test_another_workplaces_duties_are_caught_unless_there_is_a_reason():
    day = plan(
        ("07:00", "open the cafe", GAZETTE),  # a reporter opening the cafe, by kind
        ("08:00", "serve coffee", CAFE),  # a duty at someone else's workplace
        ("09:00", "work on the council story", CAFE),  # portable work: fine
        ("10:00", "have coffee at the counter", CAFE),  # a customer: fine
        ("11:00", "help Rosa serve the lunch crowd", CAFE),  # a reason
        ("12:00", "cover for Frankie behind the bar because she is ill", LANTERN),
        ("13:00", "write up the interview", GAZETTE),
        ("14:00", "restock the shelves at the Grocery", GAZETTE),  # names another by name word
        ("15:00", "interview Hank at the shop", GROCERY),  # not a duty
    )
    found = plan_anomalies(day, "07:00", "23:30", GAZETTE, WORKPLACES)
    assert kinds(found) == [("other_workplace", 0), ("other_workplace", 1), ("other_workplace", 7)]
    assert CAFE in found[0].detail and GAZETTE in found[0].detail
    assert "Brennan's Grocery" in found[2].detail


def test_duties_by_name_without_kinds_and_for_people_without_work():
    places = [CAFE, GAZETTE]  # a plain collection: kinds come from the names only
    day = plan(("07:00", "open the cafe", "Home"), ("08:00", "open the Gazette", "Home"))
    assert kinds(plan_anomalies(day, "06:00", "22:00", GAZETTE, places)) == [("other_workplace", 0)]
    retired = plan(
        ("09:00", "serve coffee to the regulars", CAFE),
        ("10:00", "read the paper", CAFE),
        ("11:00", "work in the garden", "Home"),
        ("12:00", "run the bar tonight", "Home"),
    )
    found = plan_anomalies(retired, "06:00", "22:00", None, WORKPLACES)
    assert kinds(found) == [("other_workplace", 0), ("other_workplace", 3)]
    assert "they have no workplace" in found[0].detail


@pytest.mark.parametrize(
    ("activity", "duty"),
    [
        ("open the cafe", True),
        ("opens up", True),
        ("close the Copper Kettle", True),
        ("working the morning shift", True),
        ("teach the seminar", True),
        ("give a lecture on river history", True),
        ("bake conchas for the customers", True),
        ("run the shop", True),
        ("behind the counter", True),
        ("see patients", True),
        ("work out at the park", False),
        ("attend a lecture", False),
        ("open a letter from her mother", False),
        ("order a latte at the counter", False),
        ("close the window", False),
        ("bake a cake at home", False),
    ],
)
def test_what_counts_as_a_work_duty(activity, duty):
    assert is_duty(activity) is duty


def test_bad_wake_times_are_refused():
    with pytest.raises(ValueError, match="HH:MM"):
        plan_anomalies([], "seven", "23:00", None, [])


# --- trajectory metrics -------------------------------------------------------------------------


def talk() -> RunBuilder:
    """Rosa, Tom and Leo; 6 lines, 2 wrongly addressed (one only by its ``to``)."""
    built = RunBuilder([ROSA, TOM, LEO])
    built.event(EventKind.CONVERSATION_START, (TOM, ROSA), "Tom talks with Rosa", conversation="c1")
    built.say(TOM, (ROSA,), "Oh, Tom! You're just the man to talk to about Rosa.", "c1")
    built.say(ROSA, (TOM,), "Morning, Tom! The usual?", "c1")
    built.step()
    built.event(EventKind.CONVERSATION_START, (ROSA, LEO), "Rosa talks with Leo", conversation="c2")
    built.say(ROSA, (LEO,), "Oh, Tom! I see you're still chatting with Rosa.", "c2")
    built.say(LEO, (ROSA,), "Hi Rosa, the oat milk is off again.", "c2")
    built.step()
    built.event(EventKind.CONVERSATION_JOIN, (ROSA, LEO, TOM), "Tom joins", conversation="c2")
    # said to Rosa with Leo present: Leo is no outsider, and speaking of him is fine
    built.event(
        EventKind.UTTERANCE,
        (TOM, ROSA, LEO),
        "Leo is going to run the morning shift, Rosa.",
        conversation="c2",
        to=[ROSA],
    )
    # said to Leo alone, of Leo: described to his face
    built.event(
        EventKind.UTTERANCE,
        (TOM, ROSA, LEO),
        "Leo Park is not known well yet, but he's been in the city.",
        conversation="c2",
        to=[LEO],
    )
    built.step()
    return built


def test_misaddressed_lines_in_a_trajectory():
    result = misaddressed_lines(talk().data())
    assert (result["total"], result["count"], result["rate"]) == (6, 3, 0.5)
    assert result["by_reason"] == {"speaker": 1, "outsider": 1, "third_person": 1}
    first = result["examples"][0]
    assert (first["tick"], first["agent"], first["time"]) == (1, TOM, "2026-02-13T07:10")
    assert "who is the speaker" in first["reason"]
    assert [e["tick"] for e in result["examples"]] == [1, 2, 3]


def test_repeated_lines_in_the_same_and_recent_conversations():
    built = RunBuilder(["Ana", "Ben", "Cy", "Dee"])
    news = "The bakery on Elm Street is closing next week"
    built.say("Ana", ("Ben",), news, "c1")
    built.say("Ben", ("Ana",), "the bakery on elm street, is CLOSING next week!", "c1")  # same
    built.say("Ana", ("Ben",), "Thanks, Ben!", "c1")
    built.say("Ana", ("Ben",), "Thanks, Ben!", "c1")  # too short to count
    built.step()
    built.say("Ana", ("Cy",), "Did you hear? " + news, "c2")  # not equal
    built.step()
    built.say("Ana", ("Dee",), news + ".", "c3")  # Ana said it two conversations ago
    built.step()
    built.say("Ana", ("Cy",), "What a lovely morning for a walk", "c4")
    built.say("Ana", ("Dee",), "What a lovely morning for a walk", "c5")
    built.say("Ana", ("Cy",), "The council meets on Thursday at seven", "c6")
    built.say("Ana", ("Dee",), "I love the smell of fresh bread", "c7")
    built.say("Ana", ("Cy",), "I love the smell of fresh bread in here", "c8")
    built.step()
    built.say("Ana", ("Ben",), news, "c9")  # c1 is more than two conversations back
    built.step()
    result = repeated_lines(built.data())
    assert result["total"] == 12
    assert (result["same_conversation"], result["earlier_conversation"]) == (1, 2)
    assert result["count"] == 3 and result["rate"] == 0.25
    assert [(e["tick"], e["agent"]) for e in result["examples"]] == [
        (1, "Ben"),
        (3, "Ana"),
        (4, "Ana"),
    ]
    assert "earlier in this conversation" in result["examples"][0]["reason"]
    assert "conversation c1" in result["examples"][1]["reason"]
    assert normalise_line("  Hello,   WORLD…! ") == "hello world"


def refuse(built: RunBuilder, agent: str, text: str, place: str | None = None) -> None:
    built.event(EventKind.ACTION_REFUSED, (agent,), text, place=place)


def test_refusals_retried_tick_after_tick():
    built = RunBuilder(["Leo", "Tom"])
    machine = "Cafe:counter:coffee machine"
    for holder in (
        "Tom",
        "Tom",
        "Tom",
        "Tom, Ana",
    ):  # four in a row; the text changes, not the place
        refuse(built, "Leo", f"Leo found the coffee machine in use by {holder}", machine)
        built.event(EventKind.ACTION_START, ("Leo",), "make coffee", place="Cafe:counter")
        built.step()
    built.step(2)  # Leo does nothing: the next attempt is still consecutive
    built.event(EventKind.ACTION_START, ("Leo",), "wipe tables", place="Cafe:seating").step()
    # Tom: two refusals, an action in between, then two more: no run of three
    for _ in range(2):
        refuse(built, "Tom", "Cafe is closed (07:00-15:00)", "Cafe:counter")
        built.step()
    built.event(EventKind.ACTION_START, ("Tom",), "read", place="Home:kitchen").step()
    for _ in range(2):
        refuse(built, "Tom", "Cafe is closed (07:00-15:00)", "Cafe:counter")
        built.step()
    refuse(built, "Leo", "Park cannot be reached", "Park:lawn")
    built.step()
    result = retried_refusals(built.data())
    assert result["total"] == 9 and result["runs"] == 1 and result["longest"] == 4
    assert result["count"] == 3 and result["rate"] == pytest.approx(3 / 9, abs=1e-4)
    (example,) = result["examples"]
    assert example["agent"] == "Leo" and example["tick"] == 1
    assert example["reason"] == "refused 4 times in a row (ticks 1–4)"


def test_three_refusals_of_different_things_are_no_run():
    built = RunBuilder(["Leo"])
    for place in ("Cafe:counter", "Shop:till", "Bar:stools"):
        refuse(built, "Leo", f"{place} is closed", place)
        built.step()
    assert retried_refusals(built.data())["runs"] == 0


def planned(built: RunBuilder, agent: str, blocks: list[tuple[str, str, str]]) -> None:
    data = [{"start": s, "activity": a, "arena": arena} for s, a, arena in blocks]
    built.event(EventKind.PLAN, (agent,), f"{agent}'s plan", blocks=data)


def plan_run() -> RunBuilder:
    built = RunBuilder([TOM, LEO])
    built.personas[0].update(wake_time="07:00", sleep_time="23:30", workplace=GAZETTE)
    built.personas[1].update(wake_time="06:00", sleep_time="00:30", workplace=f"{CAFE}:counter")
    tom = [
        ("07:00", "open the cafe", f"{CAFE}:counter"),
        ("07:00", "go to the Gazette newsroom", f"{GAZETTE}:newsroom"),
        ("09:00", "have lunch at the newspaper", f"{GAZETTE}:newsroom"),
        ("11:00", "have dinner at the newspaper", f"{GAZETTE}:newsroom"),
    ]
    planned(built, TOM, tom)
    # Leo's plan, stored in clock order by the planner: 00:10 belongs at the end of his day
    leo = [
        ("00:10", "brush teeth", "Maple Court:flat 1"),
        ("06:00", "wake up", "Maple Court:flat 1"),
        ("07:00", "serve coffee", f"{CAFE}:counter"),
        ("23:00", "play games", "Maple Court:flat 1"),
    ]
    planned(built, LEO, leo)
    built.step()
    planned(built, LEO, leo)  # the same plan again: counted once
    # Tom adds a commitment: only the new item counts, the anomalies are not counted twice
    planned(built, TOM, [*tom, ("18:00", "meet Rosa at the cafe", f"{CAFE}:seating")])
    built.event(EventKind.REPLAN, (LEO,), "Leo will meet Tom at 13:00")  # no blocks: skipped
    built.step()
    return built


def test_plan_anomalies_in_a_trajectory():
    result = plan_anomaly_metrics(plan_run().data())
    assert (result["plans"], result["total"], result["count"]) == (3, 9, 3)
    assert result["rate"] == pytest.approx(3 / 9, abs=1e-4)
    assert result["by_kind"] == {
        "time_back": 0,
        "outside_waking": 0,
        "meal_hour": 2,
        "other_workplace": 1,
    }
    texts = sorted(e["text"] for e in result["examples"])
    assert texts[0] == f"07:00 open the cafe @ {CAFE}"
    assert all(e["agent"] == TOM for e in result["examples"])


def test_town_workplaces_come_from_the_world_and_the_cast():
    built = plan_run()
    run = built.data()
    assert town_workplaces(run) == {GAZETTE: None, CAFE: None}
    world = {
        "sectors": [
            {"name": CAFE, "kind": "cafe"},
            {"name": "Maplewood Park", "kind": "park"},
            {"name": "The Lantern", "kind": "bar"},
            {"name": "Cedar House", "kind": "home"},
        ],
        "workplaces": ["Cedar House:studio"],
    }
    with_world = type(run)(**{**run.__dict__, "world": world})
    assert town_workplaces(with_world) == {
        "Cedar House": "home",
        GAZETTE: None,
        CAFE: "cafe",
        "The Lantern": "bar",
    }


def test_supported_claims_and_spread_from_diffusion_results():
    per_agent = {
        "Ana": {"knows": True, "supported": True},
        "Ben": {"knows": True, "supported": True},
        "Cy": {"knows": True, "supported": False},
        "Dee": {"knows": False, "supported": True},
    }
    diffusion = {
        "party": {
            "method": "interview",
            "seeds": ["Ana"],
            "per_agent": per_agent,
            "unsupported": ["Cy"],
        }
    }
    result = supported_claims(diffusion, {"hallucination": {"rate": 0.25}})
    claims = result["unsupported_claims"]
    assert (claims["claims"], claims["unsupported"], claims["rate"]) == (2, 1, 0.5)
    assert claims["by_fact"] == {"party": ["Cy"]} and claims["relationship_rate"] == 0.25
    assert result["spread"]["party"] == {"others": 3, "reached": ["Ben"], "fraction": 0.3333}
    trajectory_only = supported_claims(
        {"party": {**diffusion["party"], "method": "trajectory", "unsupported": []}}, {}
    )
    assert trajectory_only["unsupported_claims"]["rate"] is None


def test_believability_gathers_every_check_and_a_quiet_run_has_no_rates():
    result = believability(party_run().data())
    assert set(result) == {"misaddressed", "repeated", "retried_refusals", "plan_anomalies"}
    assert result["misaddressed"]["total"] == 5 and result["misaddressed"]["count"] == 0
    quiet = believability(RunBuilder(["Ana"]).step().data())
    assert all(section["rate"] is None for section in quiet.values())
