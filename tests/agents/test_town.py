import json

from agents.memory.records import MemoryKind
from simulation.events import EventKind
from simulation.trajectory import read_trajectory

PARTY = "I am throwing a party at the cafe tomorrow at 17:00"


def test_a_morning_plans_moves_and_talks(make_town):
    town = make_town(hours=3)
    town.start()
    summary = town.run()
    assert summary["ticks"] == 18
    assert summary["plans"] >= 3
    assert summary["actions"] > 0
    assert summary["conversations"] >= 1
    trajectory = read_trajectory(town.run_dir)
    assert [f.tick for f in trajectory.frames] == list(range(1, 19))
    cafe = [
        a
        for f in trajectory.frames
        for a in f.agents
        if a.place and a.place.startswith("Corner Cafe")
    ]
    assert cafe, "someone reached the cafe"
    plan_events = [e for f in trajectory.frames for e in f.events if e.kind == EventKind.PLAN]
    for event in plan_events:
        for block in event.data["blocks"]:
            assert town.world.find(block["arena"]) is not None
    assert json.loads((town.run_dir / "summary.json").read_text())["ticks"] == 18


def test_conversation_is_remembered_by_both_sides(make_town):
    town = make_town(hours=3)
    town.start()
    town.run()
    trajectory = read_trajectory(town.run_dir)
    ends = [e for f in trajectory.frames for e in f.events if e.kind == EventKind.CONVERSATION_END]
    assert ends
    talkers = set(ends[0].agents)
    for name in talkers:
        memories = town.memory.recent(name, 200)
        assert any(m.kind == MemoryKind.CONVERSATION for m in memories), name
    utterances = [e for f in trajectory.frames for e in f.events if e.kind == EventKind.UTTERANCE]
    assert len({e.tick for e in utterances}) >= 2  # said over several ticks


def test_plumbing_a_whisper_reaches_others_memories_through_conversations(make_town):
    """Plumbing only: the double repeats any remembered party line, so this shows the path
    (whisper → memory → conversation → others' memories), not that minds pass news on. That
    is measured on the bundled model by benchmarks/bench_believability.py."""
    town = make_town(hours=24, start="2026-02-13 07:00", conversation_mode="line")
    town.start()
    town.whisper("Isabel Ortiz", PARTY)
    town.run()
    knowers = {
        name
        for name in town.minds
        if name != "Isabel Ortiz"
        and any("party" in m.text.lower() for m in town.memory.recent(name, 1000))
    }
    assert len(knowers) >= 2


def test_reflection_fires_at_the_threshold_and_links_evidence(make_town):
    town = make_town(hours=4, reflection_threshold=20)
    town.start()
    town.run()
    reflections = [
        m
        for n in town.minds
        for m in town.memory.recent(n, 1000)
        if m.kind == MemoryKind.REFLECTION
    ]
    assert reflections
    for reflection in reflections:
        assert reflection.evidence
        assert len(town.memory.get(list(reflection.evidence))) == len(reflection.evidence)


def test_interview_answers_from_memories(make_town):
    town = make_town(hours=1)
    town.start()
    town.whisper("Tom Reyes", "I promised to fix the cafe's door on Friday")
    town.run()
    answer = town.interview("Tom Reyes", "What did you promise to do?")
    assert "fix the cafe's door" in answer


def test_resume_after_interrupt_equals_an_uninterrupted_run(make_town, tmp_path):
    straight = make_town(hours=2, run_dir=tmp_path / "straight", checkpoint_every=3)
    straight.start()
    straight.run()
    expected = read_trajectory(straight.run_dir).frames

    first = make_town(hours=2, run_dir=tmp_path / "split", checkpoint_every=3)
    first.start()
    first.run(ticks=7)  # checkpoints at 3 and 6, then finish() checkpoints tick 7
    first.close()
    resumed = make_town(hours=2, run_dir=tmp_path / "split", checkpoint_every=3)
    assert resumed.restore() == 7
    resumed.open_outputs()
    resumed.run()
    assert read_trajectory(resumed.run_dir).frames == expected


def test_same_seed_with_the_cache_gives_the_same_trajectory(make_town, tmp_path):
    import random

    from tests.doubles.town_llm import TownScript

    class Moody(TownScript):
        """Replies differ from call to call unless they come from the cache."""

        def _Utterance(self, prompt, schema):
            reply = super()._Utterance(prompt, schema)
            reply["text"] = f"{reply['text'][:180]} ({random.random():.6f})"
            return reply

    cache = tmp_path / "llm-cache.sqlite3"
    first = make_town(hours=3, run_dir=tmp_path / "a", script=Moody(), cache_path=cache)
    first.start()
    first.run()
    first.llm.cache.close()
    second = make_town(hours=3, run_dir=tmp_path / "b", script=Moody(), cache_path=cache)
    second.start()
    second.run()
    a, b = read_trajectory(first.run_dir).frames, read_trajectory(second.run_dir).frames
    assert any(e.kind == EventKind.UTTERANCE for f in a for e in f.events)
    accounting = {"llm_tokens", "llm_cost_usd"}  # the rerun spends no tokens: that may differ
    assert [f.model_dump(exclude=accounting) for f in a] == [
        f.model_dump(exclude=accounting) for f in b
    ]
    assert b[-1].llm_tokens == 0 < a[-1].llm_tokens
    assert second.llm.backend.requests == []
    assert second.llm.ledger.total.cache_hits > 0


def test_a_run_over_its_budget_stops_cleanly_with_a_checkpoint_and_a_reason(make_town):
    from simulation.checkpoint import read_checkpoint

    town = make_town(hours=6, llm_options={"max_run_tokens": 2000})
    town.start()
    summary = town.run()
    assert summary["stop_reason"].startswith("LLM budget spent")
    assert 0 < summary["ticks"] < 36
    frames = read_trajectory(town.run_dir).frames
    assert [f.tick for f in frames] == list(range(1, summary["ticks"] + 1))
    assert read_checkpoint(town.run_dir)["tick"] == summary["ticks"]
    saved = json.loads((town.run_dir / "summary.json").read_text())
    assert saved["stop_reason"] == summary["stop_reason"]


def test_interviewing_a_finished_run_changes_nothing(make_town, tmp_path):
    run_dir = tmp_path / "run"
    town = make_town(hours=1, run_dir=run_dir, conversation_mode="line")
    town.start()
    town.whisper("Tom Reyes", "I promised to fix the cafe's door on Friday")
    town.run()
    town.close()
    trajectory_before = (run_dir / "trajectory.jsonl").read_bytes()
    reopened = make_town(hours=1, run_dir=run_dir, conversation_mode="line")
    reopened.restore(read_only=True)
    before = {m.id: m.last_accessed for m in reopened.memory.recent("Tom Reyes", 500)}
    answer = reopened.interview("Tom Reyes", "What did you promise?")
    assert "fix the cafe's door" in answer
    after = {m.id: m.last_accessed for m in reopened.memory.recent("Tom Reyes", 500)}
    assert after == before
    assert (run_dir / "trajectory.jsonl").read_bytes() == trajectory_before


def test_fork_copies_a_run_at_a_checkpoint_into_a_new_folder(make_town, tmp_path):
    import run_town

    town = make_town(hours=2, run_dir=tmp_path / "run", checkpoint_every=3)
    town.start()
    town.run()
    town.close()
    out = tmp_path / "fork"
    assert run_town.main(["fork", str(tmp_path / "run"), "--tick", "6", "--out", str(out)]) == 0
    frames = read_trajectory(out).frames
    assert [f.tick for f in frames] == list(range(1, 7))
    assert frames == read_trajectory(tmp_path / "run").frames[:6]
    reopened = make_town(hours=2, run_dir=out, checkpoint_every=3)
    assert reopened.restore() == 6
    assert (
        run_town.main(["fork", str(tmp_path / "run"), "--tick", "5", "--out", str(tmp_path / "x")])
        == 2
    )


def test_the_narrator_places_an_event_given_only_in_words(make_town):
    town = make_town(hours=1)
    town.start()
    town.inject("Smoke drifts out of the corner cafe kitchen.")
    town.inject("Thunder rolls over the valley.")
    town.step()
    placed = {e.text: e.place for e in town.frame.events if e.kind == EventKind.USER_EVENT}
    assert placed == {
        "Smoke drifts out of the corner cafe kitchen.": "Corner Cafe",
        "Thunder rolls over the valley.": None,
    }
    calls = town.llm.ledger.summary()["by_step"]["place_event"]
    assert calls["calls"] == 2


def test_a_whisper_to_a_stopped_run_reaches_the_trajectory_after_resume(make_town, tmp_path):
    """What CLI ``whisper`` then ``resume`` do: the whisper and its memory are in the next frame."""
    run_dir = tmp_path / "stopped"
    first = make_town(hours=1, run_dir=run_dir)
    first.start()
    first.run(ticks=2)
    first.close()
    whispering = make_town(hours=1, run_dir=run_dir)  # cmd_whisper: restore, whisper, checkpoint
    whispering.restore()
    memory_id = whispering.whisper("Isabel Ortiz", PARTY)
    whispering.checkpoint()
    whispering.close()
    resumed = make_town(hours=1, run_dir=run_dir)  # cmd_resume
    resumed.restore()
    resumed.open_outputs()
    assert resumed.minds["Isabel Ortiz"].services.currently.endswith(PARTY)
    resumed.run(ticks=1)
    resumed.close()
    frames = read_trajectory(run_dir).frames
    assert [f.tick for f in frames] == [1, 2, 3]
    kinds = [(e.kind, e.text) for e in frames[2].events if e.agents[:1] == ("Isabel Ortiz",)]
    assert (EventKind.WHISPER, PARTY) in kinds
    added = [e for e in frames[2].events if e.kind == EventKind.MEMORY_ADDED]
    assert memory_id in {e.data["id"] for e in added}


def test_a_budget_stop_then_a_larger_budget_equals_one_uninterrupted_run(make_town, tmp_path):
    """What ``run --max-tokens`` then ``resume --max-tokens`` (larger) do, ids included."""
    from agents.cli.runs import with_token_budget

    run = {"hours": 3, "checkpoint_every": 4, "conversation_mode": "line"}  # a call every tick
    straight = make_town(**run, run_dir=tmp_path / "straight")
    straight.start()
    straight.run()
    expected = read_trajectory(straight.run_dir).frames
    spent = straight.llm.ledger.total.tokens
    # A budget that a tick in the middle of the run spends: the first call of that tick is
    # allowed (the total is still under it), the next one is refused.
    levels = [f.llm_tokens for f in expected]
    middle = [i for i in range(2, len(levels) - 1) if levels[i + 1] - levels[i] > 0]
    budget = levels[middle[len(middle) // 2]] + 1

    stopped = make_town(**run, run_dir=tmp_path / "split", llm_options={"max_run_tokens": budget})
    stopped.start()
    summary = stopped.run()
    stopped.close()
    assert summary["stop_reason"].startswith("LLM budget spent")
    assert 0 < summary["ticks"] < len(expected)
    larger = with_token_budget(stopped.config, spent + 1).llm.max_run_tokens
    resumed = make_town(**run, run_dir=tmp_path / "split", llm_options={"max_run_tokens": larger})
    assert resumed.restore() == summary["ticks"]
    resumed.open_outputs()
    assert resumed.run()["stop_reason"] == "completed"
    frames = read_trajectory(resumed.run_dir).frames
    assert any(e.kind == EventKind.MEMORY_ADDED for f in frames for e in f.events)
    assert frames == expected


def test_old_checkpoints_are_pruned_and_fork_names_the_ticks_still_there(
    make_town, tmp_path, capsys
):
    import run_town
    from simulation.checkpoint import checkpoint_tick, list_checkpoints

    town = make_town(
        hours=2,
        run_dir=tmp_path / "run",
        checkpoint_every=1,
        checkpoint_keep_last=3,
        checkpoint_keep_every=6,
    )
    town.start()
    town.run()
    town.close()
    kept = [checkpoint_tick(p) for p in list_checkpoints(tmp_path / "run")]
    assert kept == [0, 6, 10, 11, 12]
    reopened = make_town(hours=2, run_dir=tmp_path / "run")
    assert reopened.restore(6) == 6  # the undo log still reaches the oldest kept checkpoints
    reopened.close()
    out = tmp_path / "fork"
    assert run_town.main(["fork", str(tmp_path / "run"), "--tick", "3", "--out", str(out)]) == 2
    assert "no checkpoint at tick 3 (available: 0, 6, 10, 11, 12)" in capsys.readouterr().err
    assert not out.exists()
