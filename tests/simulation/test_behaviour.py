from datetime import datetime

import pytest

from simulation.analysis.behaviour import (
    OUTDOORS,
    attendance,
    conversations_per_agent,
    location_diversity,
    plan_adherence,
    time_per_place,
    utterances_per_agent,
)
from simulation.events import EventKind
from tests.simulation.run_builder import RunBuilder, party_run

HOME, CAFE = "Rose Cottage:bedroom", "Corner Cafe:counter"


def planned_day() -> RunBuilder:
    """Ana plans home from 07:00, the cafe from 07:30; Ben never plans and stays home.

    Ticks (10 min from 07:00): 1 07:10 home, 2 07:20 home, 3 07:30 walking, 4 07:40 cafe,
    5 07:50 home kitchen (strayed), 6 08:00 cafe (at one of its objects).
    """
    built = RunBuilder(["Ana", "Ben"])
    blocks = [
        {"start": "07:00", "activity": "breakfast", "arena": HOME},
        {"start": "07:30", "activity": "work", "arena": CAFE},
    ]
    built.event(EventKind.PLAN, ("Ana",), "Ana's plan", blocks=blocks)
    built.step(2)
    built.move("Ana", None).step()
    built.move("Ana", CAFE).step()
    built.move("Ana", "Rose Cottage:kitchen").step()
    built.move("Ana", CAFE + ":coffee machine").step()
    return built


def test_plan_adherence_by_hand():
    result = plan_adherence(planned_day().data())
    ana = result["agents"]["Ana"]
    # covered ticks: 1, 2 (home, planned home), 4, 5, 6 (planned cafe); tick 3 walking
    assert (ana["covered"], ana["in_transit"]) == (5, 1)
    assert ana["matched"] == 4  # tick 5 in the kitchen is off-plan
    assert ana["adherence"] == pytest.approx(0.8)
    assert ana["matched_sector"] == 4  # the kitchen is the home sector, but home was not planned
    assert result["agents"]["Ben"]["adherence"] is None
    assert result["mean"] == pytest.approx(0.8)
    by_block = [(b["agent"], b["start"], b["covered"], b["matched"]) for b in result["blocks"]]
    assert by_block == [("Ana", "07:00", 2, 2), ("Ana", "07:30", 3, 2)]
    assert result["blocks"][1]["in_transit"] == 1 and result["blocks"][1]["activity"] == "work"


def test_a_later_plan_for_the_same_day_replaces_the_earlier():
    built = RunBuilder(["Ana"])
    built.event(
        EventKind.PLAN,
        ("Ana",),
        "plan",
        blocks=[{"start": "07:00", "activity": "x", "arena": CAFE}],
    )
    built.step()
    built.event(
        EventKind.PLAN,
        ("Ana",),
        "plan",
        blocks=[{"start": "07:00", "activity": "y", "arena": HOME}],
    )
    built.step(2)
    ana = plan_adherence(built.data())["agents"]["Ana"]
    assert (ana["covered"], ana["matched"]) == (3, 2)  # tick 1 still under the cafe plan


def test_time_per_place_and_diversity():
    data = planned_day().data()
    kitchen = "Rose Cottage:kitchen"
    assert time_per_place(data)["Ana"] == {HOME: 20, CAFE: 20, OUTDOORS: 10, kitchen: 10}
    diversity = location_diversity(data)
    assert diversity["Ben"] == {"distinct": 1, "entropy_bits": 0.0}
    # Ana: 20/20/10 minutes in three arenas (walking left out) -> p = .4, .4, .2
    # H = -(2 * .4 * log2 .4 + .2 * log2 .2) = 1.5219 bits
    assert diversity["Ana"]["distinct"] == 3
    assert diversity["Ana"]["entropy_bits"] == pytest.approx(1.5219, abs=1e-4)


def test_conversations_and_lines_per_agent():
    data = party_run().data()
    assert conversations_per_agent(data) == {"Ana": 1, "Ben": 2, "Cy": 2, "Dee": 1}
    assert utterances_per_agent(data) == {"Ana": 1, "Ben": 2, "Cy": 1, "Dee": 1}


def test_attendance_counts_invited_agents_present_in_the_window():
    data = planned_day().data()
    start, end = datetime(2026, 2, 13, 7, 40), datetime(2026, 2, 13, 8, 0)
    result = attendance(data, "Corner Cafe", start, end, invited=["Ana", "Ben"])
    assert result["window_ticks"] == 3
    assert result["present"] == ["Ana"] and result["attended"] == ["Ana"]
    assert result["fraction"] == 0.5
    late = attendance(
        data, "Corner Cafe", datetime(2026, 2, 14, 16, 0), datetime(2026, 2, 14, 18, 0), ["Ana"]
    )
    assert late["window_ticks"] == 0 and late["fraction"] is None
    assert attendance(data, "Corner", start, end, ["Ana"])["present"] == []  # whole parts only
