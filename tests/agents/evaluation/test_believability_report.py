import json

from agents.evaluation.evaluate import evaluate_run
from agents.evaluation.interviews import FunctionInterviewer
from agents.evaluation.scenario import parse_scenario
from agents.evaluation.study_report import render_study, summarise
from simulation.analysis.facts import Fact
from simulation.events import EventKind
from tests.simulation.run_builder import PARTY, RunBuilder

PARTY_FACT = Fact(name="party", keywords=("party", "cafe"), question="Have you heard of a party?")
CAFE = "Corner Cafe"


def unbelievable_run() -> RunBuilder:
    """Ana (the cafe's owner) and Ben (a reporter); every kind of slip, with known counts.

    Lines: 8, of which 6 address the speaker by name and 1 repeats. Refusals: Ben is refused the
    coffee machine 6 ticks in a row. Plans: Ben's 3 items, 2 anomalous (he opens the cafe, and
    has lunch at 09:00).
    """
    built = RunBuilder(["Ana", "Ben", "Cy"])
    built.personas[0].update(wake_time="06:00", sleep_time="22:00", workplace=f"{CAFE}:counter")
    built.personas[1].update(wake_time="07:00", sleep_time="23:00", workplace="Gazette:newsroom")
    built.event(EventKind.MEMORY_ADDED, ("Ana",), PARTY, tick=0, id="Ana-1", memory_kind="whisper")
    built.event(EventKind.WHISPER, ("Ana",), PARTY, tick=0)
    blocks = [
        {"start": "07:00", "activity": "open the cafe", "arena": f"{CAFE}:counter"},
        {"start": "09:00", "activity": "have lunch at the newspaper", "arena": "Gazette:newsroom"},
        {"start": "13:00", "activity": "write the story", "arena": "Gazette:newsroom"},
    ]
    built.event(EventKind.PLAN, ("Ben",), "Ben's plan", blocks=blocks)
    built.event(EventKind.CONVERSATION_START, ("Ana", "Ben"), "Ana talks", conversation="c1")
    for tick in range(6):
        speaker, listener = ("Ana", "Ben") if tick % 2 else ("Ben", "Ana")
        built.say(speaker, (listener,), f"Oh, {speaker}! Line number {tick} | here.", "c1")
        built.event(
            EventKind.ACTION_REFUSED,
            ("Ben",),
            "Ben found the coffee machine in use by Ana",
            place=f"{CAFE}:counter:coffee machine",
        )
        built.step()
    built.say("Ana", ("Ben",), f"Guess what? {PARTY}!", "c1")
    built.say("Ben", ("Ana",), f"Guess what? {PARTY}!", "c1")
    built.step()
    return built


def test_metrics_json_and_report_md_hold_the_believability_section(tmp_path):
    run_dir = unbelievable_run().write(tmp_path / "run")

    def answers(agent, question):
        return {"Ana": "Yes, my party at the cafe.", "Cy": "Yes, the party at the cafe!"}.get(
            agent, "No."
        )

    metrics = evaluate_run(
        run_dir,
        [PARTY_FACT],
        interviewer=FunctionInterviewer(answers),
        relationships=False,
        plots=False,
    )
    saved = json.loads((run_dir / "eval" / "metrics.json").read_text())["believability"]
    assert saved == json.loads(json.dumps(metrics["believability"]))
    assert (saved["misaddressed"]["count"], saved["misaddressed"]["total"]) == (6, 8)
    assert saved["misaddressed"]["rate"] == 0.75
    assert (saved["repeated"]["count"], saved["repeated"]["rate"]) == (1, 0.125)
    refusals = saved["retried_refusals"]
    assert (refusals["total"], refusals["count"], refusals["runs"]) == (6, 5, 1)
    plans = saved["plan_anomalies"]
    assert (plans["total"], plans["count"], plans["rate"]) == (3, 2, 0.6667)
    # Cy says yes without any trace in the trajectory; Ben heard it and says no
    assert saved["unsupported_claims"]["by_fact"] == {"party": ["Cy"]}
    assert saved["unsupported_claims"]["rate"] == 1.0
    assert saved["spread"]["party"] == {"others": 2, "reached": [], "fraction": 0.0}

    report = (run_dir / "eval" / "report.md").read_text()
    section = report.split("## Believability", 1)[1].split("\n## ", 1)[0]
    assert "| wrongly addressed lines | 75.0% | 6 of 8 lines |" in section
    assert (
        "| plan anomalies | 66.7% | 2 of 3 plan items over 1 plan "
        "(meal_hour 1, other_workplace 1) |" in section
    )
    assert "| spread of party with trajectory support | 0.0% | 0 of 2 others |" in section
    assert "| claims of a fact without trajectory support | 100.0% |" in section
    examples = section.split("### Wrongly addressed lines", 1)[1].split("###", 1)[0]
    rows = [line for line in examples.splitlines() if line.startswith("| ") and "tick" not in line]
    assert len(rows) == 5  # six found, five shown
    assert "\\| here." in rows[0] and "2026-02-13 07:10" in rows[0]
    assert "who is the speaker" in rows[0]
    assert "### Refused attempts retried tick after tick" in section
    assert "refused 6 times in a row" in section


def test_study_tables_get_a_column_per_rate(tmp_path):
    run_dir = unbelievable_run().write(tmp_path / "run")
    metrics = evaluate_run(run_dir, [PARTY_FACT], relationships=False, plots=False)
    results = [
        {"condition": "treatment", "seed": seed, "run_dir": str(run_dir), **metrics}
        for seed in (1, 2)
    ]
    scenario = parse_scenario(
        {"name": "slips", "world": "two_rooms", "facts": [PARTY_FACT.model_dump()]}, "slips.yaml"
    )
    runs, table, _ = summarise(results, scenario)
    for column, value in {
        "misaddressed_rate": 0.75,
        "repeated_line_rate": 0.125,
        "retried_refusal_rate": 0.8333,
        "plan_anomaly_rate": 0.6667,
        "supported_spread:party": 0.5,  # without interviews: Ben heard it, Cy did not
    }.items():
        assert list(runs[column]) == [value, value], column
        assert table.set_index("metric").loc[column, "mean"] == value
    assert runs["unsupported_claim_rate"].isna().all()  # no interviews, no claims
    study = render_study(scenario, table, None, len(results))
    assert "| misaddressed_rate | – | 0.750 ± 0.000 |" in study
