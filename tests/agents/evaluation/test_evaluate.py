import hashlib
import json

import pytest

from agents.assembly import LLMStack
from agents.evaluation.errors import EvaluationError
from agents.evaluation.evaluate import AttendanceWindow, evaluate_run
from agents.evaluation.interviews import FunctionInterviewer, TownInterviewer
from agents.evaluation.judge import Judge
from agents.llm.settings import LLMSettings
from simulation.analysis.facts import Fact
from simulation.analysis.plots import matplotlib_available
from tests.agents.evaluation.doubles import JudgeScript, judge_backend, scripted_services
from tests.simulation.run_builder import RunBuilder, party_run

PARTY = Fact(name="party", keywords=("party", "cafe"), question="Have you heard of a party?")


def digest(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_recorded_run_is_evaluated_with_interviews_without_changing_it(recorded_run, tmp_path):
    before = digest(recorded_run)
    metrics = evaluate_run(
        recorded_run,
        [PARTY],
        interviewer=TownInterviewer(recorded_run, scripted_services),
        questions=["What are you doing on Saturday?"],
        out_dir=tmp_path / "eval",
    )
    assert digest(recorded_run) == before  # interviews ran on a throw-away copy
    party = metrics["diffusion"]["party"]
    assert party["method"] == "interview"
    assert party["seeds"] == ["June Marsh"] and party["start_fraction"] == pytest.approx(
        1 / 3, abs=1e-4
    )
    assert "June Marsh" in party["knowers"]
    for agent in party["knowers"]:  # every yes is backed by the trajectory
        assert party["per_agent"][agent]["supported"]
    heard = [d["exposure"] for d in party["per_agent"].values() if d["exposure"]]
    assert any(e["via"] == "heard" and e["source"] for e in heard), "carried by a conversation"
    assert metrics["relationships"]["hallucination"]["answers"] == 6
    assert set(metrics["interviews"]["What are you doing on Saturday?"]) == {
        "June Marsh",
        "Eli Marsh",
        "Mabel Marsh",
    }
    assert metrics["run"]["ticks"] == 36
    assert metrics["cost"]["tokens"] > 0
    saved = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert saved["diffusion"]["party"]["knowers"] == party["knowers"]
    report = (tmp_path / "eval" / "report.md").read_text()
    assert "## Diffusion: party" in report and "June Marsh" in report
    if matplotlib_available():
        assert set(metrics["figures"]) == {"diffusion", "relationships", "activity"}
        assert all(
            (tmp_path / "eval" / f).stat().st_size > 1000 for f in metrics["figures"].values()
        )


def scripted_answers(agent, question):
    if "party" in question:
        return {
            "Ana": "Yes, it is my party at the cafe!",
            "Ben": "Ana's party at the cafe on Saturday.",
            "Cy": "Ben told me about Ana's party at the cafe.",
        }.get(agent, "No, I haven't heard of any party.")
    if agent == "Dee" and "Ana" in question:
        return "Of course, Ana is my oldest friend from school."  # nothing supports it
    if agent == "Dee":
        return "I don't know them."
    return "Yes, we have talked."


def test_the_interview_step_is_pluggable_and_answers_are_checked(tmp_path):
    run_dir = party_run().write(tmp_path / "run")
    interviewer = FunctionInterviewer(scripted_answers)
    metrics = evaluate_run(run_dir, [PARTY], interviewer=interviewer, plots=False)
    assert len(interviewer.asked) == 4 + 4 * 3
    party = metrics["diffusion"]["party"]
    assert party["knowers"] == ["Ana", "Ben", "Cy"] and party["end_fraction"] == 0.75
    assert party["per_agent"]["Cy"]["exposure"]["source"] == "Ben"
    assert party["per_agent"]["Dee"]["answer"].startswith("No")
    rel = metrics["relationships"]
    hallucination = rel["hallucination"]
    # Claims with no persona tie, no memory naming the subject and no conversation together:
    # Dee about Ana, and "we have talked" from Ana about Cy/Dee, Ben about Dee, Cy about Ana.
    # Dee denies knowing Ben and Cy. Ben knows Ana from a memory; talkers know each other.
    flagged = {(e["speaker"], e["subject"]) for e in hallucination["examples"]}
    assert flagged == {("Dee", "Ana"), ("Ana", "Cy"), ("Ana", "Dee"), ("Ben", "Dee"), ("Cy", "Ana")}
    assert hallucination["answers"] == 12 and hallucination["claims"] == 10
    assert hallucination["hallucinated"] == 5
    assert hallucination["rate"] == pytest.approx(5 / 12, abs=1e-4)
    assert rel["density_end_interview"] == pytest.approx(3 / 6)  # Ana-Ben, Ben-Cy, Cy-Dee
    assert rel["density_start"] == pytest.approx(1 / 6, abs=1e-4)
    assert rel["density_end"] == pytest.approx(3 / 6)
    assert (run_dir / "eval" / "metrics.json").exists()


def test_without_an_interviewer_the_trajectory_alone_is_measured(tmp_path):
    run_dir = party_run().write(tmp_path / "run")
    metrics = evaluate_run(run_dir, ["the party at the cafe"], plots=False)
    (fact,) = metrics["diffusion"].values()
    assert fact["method"] == "trajectory" and fact["knowers"] == ["Ana", "Ben", "Cy"]
    assert "hallucination" not in metrics["relationships"]
    assert "persona_fidelity" not in metrics


def test_attendance_counts_those_who_knew_before_the_party(tmp_path):
    built = party_run()
    built.move("Ben", "Corner Cafe:counter").move("Cy", "Corner Cafe:seating").step(2)
    window = AttendanceWindow("party", "Corner Cafe", built.time_of(9), built.time_of(11))
    metrics = evaluate_run(built.write(tmp_path / "run"), [PARTY], attendance=window, plots=False)
    attendance = metrics["attendance"]
    assert attendance["invited"] == ["Ben", "Cy"]  # Ana hosts (whispered); Dee never heard
    assert attendance["attended"] == ["Ben", "Cy"] and attendance["fraction"] == 1.0


def test_a_judge_reads_the_answers_and_its_failures_fall_back(tmp_path):
    run_dir = party_run().write(tmp_path / "run")
    settings = LLMSettings(model="scripted/judge", cache=False, output_retries=0)
    script = JudgeScript(malformed=("PersonaConsistency",))
    stack = LLMStack(settings, backend=judge_backend(script))

    def answers(agent, question):
        return "yes, Ana's party at the cafe" if agent in ("Ana", "Ben") else "nope, nothing"

    metrics = evaluate_run(
        run_dir, [PARTY], judge=stack.gateway, interviewer=FunctionInterviewer(answers), plots=False
    )
    assert metrics["diffusion"]["party"]["knowers"] == ["Ana", "Ben"]
    assert "KnowsFact" in script.seen and "ClaimCheck" in script.seen
    fidelity = metrics["persona_fidelity"]
    assert all(score is None for score in fidelity["persona_score"].values())
    assert {f["step"] for f in fidelity["fallbacks"]} == {"judge_persona"}
    assert all(f["failure"] == "invalid_output" for f in metrics["judge_fallbacks"])
    assert (
        fidelity["speaker_identification"]["answered"]
        == fidelity["speaker_identification"]["items"]
    )


def test_an_empty_run_and_duplicate_facts_are_refused(tmp_path):
    empty = RunBuilder(["Ana"]).write(tmp_path / "empty")
    with pytest.raises(EvaluationError, match="no complete tick"):
        evaluate_run(empty)
    run_dir = party_run().write(tmp_path / "run")
    with pytest.raises(EvaluationError, match="unique"):
        evaluate_run(run_dir, [PARTY, PARTY])


def test_relationship_questions_can_be_sampled(tmp_path):
    run_dir = party_run().write(tmp_path / "run")
    interviewer = FunctionInterviewer(lambda agent, question: "I don't know.")
    metrics = evaluate_run(run_dir, interviewer=interviewer, max_relationship_pairs=5, plots=False)
    assert len(interviewer.asked) == 5
    assert metrics["relationships"]["hallucination"]["rate"] == 0.0


def test_judge_wrapper_is_accepted_as_is(tmp_path):
    run_dir = party_run().write(tmp_path / "run")
    stack = LLMStack(
        LLMSettings(model="scripted/judge", cache=False), backend=judge_backend(JudgeScript())
    )
    judge = Judge(stack.gateway, seed=3)
    metrics = evaluate_run(run_dir, judge=judge, plots=False)
    assert metrics["persona_fidelity"]["persona_score_mean"] == 4
    assert metrics["judge_fallbacks"] == []
