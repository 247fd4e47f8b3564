from datetime import datetime

from simulation.events import Event, EventKind
from simulation.frames import Frame
from viz.history import History

T = datetime(2026, 2, 13, 8, 0)


def ev(kind, tick, agents=("Ana",), text="", **data):
    return Event(kind=kind, tick=tick, time=T, agents=agents, text=text, data=data)


def frame(tick, *events, tokens=0):
    return Frame(tick=tick, time=T, agents=(), events=events, llm_tokens=tokens)


def test_queries_only_see_what_happened_by_the_tick():
    h = History()
    h.add(frame(1, ev(EventKind.PLAN, 1, text="day plan", blocks=[])))
    h.add(
        frame(
            2, ev(EventKind.MEMORY_ADDED, 2, text="saw Bo", memory_kind="observation", importance=3)
        )
    )
    reflection = ev(
        EventKind.MEMORY_ADDED, 3, text="Bo is kind", memory_kind="reflection", importance=7
    )
    h.add(
        frame(
            3,
            ev(EventKind.REPLAN, 3, text="new plan"),
            reflection,
            ev(EventKind.UTTERANCE, 3, ("Bo", "Ana"), "hi"),
            ev(EventKind.NARRATOR, 3, (), "Rain."),
        )
    )
    assert h.plan("Ana", 2).text == "day plan" and h.plan("Ana", 3).text == "new plan"
    assert [m.text for m in h.memories("Ana", 3)] == ["saw Bo"]
    assert h.memories("Ana", 1) == []
    assert [r.text for r in h.reflections("Ana", 3)] == ["Bo is kind"]
    assert h.talked_with("Ana", 3) == {"Bo": 1} and h.talked_with("Ana", 2) == {}
    assert h.talked_with("Bo", 3) == {"Ana": 1}
    assert [e.text for e in h.ticker(3)] == ["Rain."] and h.ticker(2) == []


def test_spend_sums_llm_call_records_by_tick():
    h = History()
    h.add(frame(1), [{"prompt_tokens": 100, "completion_tokens": 20, "cost_usd": 0.01}])
    h.add(frame(2))
    h.add(frame(3), [{"prompt_tokens": 50, "completion_tokens": 5, "cost_usd": 0.002}])
    assert h.spend(0) == (0, 0.0)
    assert h.spend(2) == (120, 0.01)
    assert h.spend(3)[0] == 175


def test_spend_falls_back_to_the_frames_run_totals():
    h = History()
    h.add(frame(1, tokens=300))
    h.add(frame(2, tokens=450))
    assert h.spend(2) == (450, 0.0)
