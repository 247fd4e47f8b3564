from simulation.analysis.diffusion import Verdict, diffusion
from simulation.analysis.facts import Fact, answer_knows, exposures, is_negative
from simulation.events import EventKind
from tests.simulation.run_builder import RunBuilder, party_run

PARTY = Fact(name="party", keywords=("party", "cafe"))


def test_a_fact_matches_when_every_keyword_group_does():
    fact = Fact(name="mayor", keywords=("Sam|Whitaker", "mayor|election"))
    assert fact.mentioned_in("Did you hear Whitaker is in the ELECTION?")
    assert not fact.mentioned_in("Sam is running a marathon")
    assert not fact.mentioned_in(None)


def test_answers_that_deny_do_not_count():
    assert is_negative("No, I haven't heard about a party at the cafe.")
    assert is_negative("  I don't know anything about a party.")
    assert answer_knows("Yes! Ana's party at the cafe on Saturday.", PARTY)
    assert not answer_knows("No, is there a party at the cafe?", PARTY)
    assert not answer_knows("Yes, I love the cafe.", PARTY)


def test_exposure_names_the_carrier():
    first = exposures(party_run().data(), PARTY)
    assert set(first) == {"Ana", "Ben", "Cy"}
    assert (first["Ana"].via, first["Ana"].tick) == ("whisper", 0)
    assert (first["Ben"].via, first["Ben"].source, first["Ben"].conversation) == (
        "heard",
        "Ana",
        "c1",
    )
    assert (first["Cy"].via, first["Cy"].source, first["Cy"].tick) == ("heard", "Ben", 6)


def test_the_fact_reaches_exactly_two_agents_beyond_its_seed():
    run = party_run().data()
    verdicts = {
        "Ana": Verdict("Yes, my party at the cafe!", True),
        "Ben": Verdict("Ana's party at the cafe, Saturday.", True),
        "Cy": Verdict("Ben said Ana has a party at the cafe.", True),
        "Dee": Verdict("No idea.", False),
    }
    result = diffusion(run, PARTY, verdicts)
    assert result["method"] == "interview"
    assert result["seeds"] == ["Ana"] and result["start_knowers"] == ["Ana"]
    assert result["start_fraction"] == 0.25
    assert result["knowers"] == ["Ana", "Ben", "Cy"]
    assert result["end_fraction"] == 0.75
    assert sorted(set(result["knowers"]) - set(result["seeds"])) == ["Ben", "Cy"]
    assert result["unsupported"] == [] and result["missed"] == []
    assert result["per_agent"]["Cy"]["exposure"]["source"] == "Ben"
    assert [(p["tick"], p["knowers"]) for p in result["curve"]] == [(1, 1), (3, 2), (6, 3), (9, 3)]


def test_a_yes_without_a_trace_is_unsupported_and_a_no_after_hearing_is_missed():
    run = party_run().data()
    verdicts = {
        "Ana": Verdict("yes", True),
        "Ben": Verdict("no", False),
        "Cy": Verdict("yes", True),
        "Dee": Verdict("Yes, the party at the cafe", True),
    }
    result = diffusion(run, PARTY, verdicts)
    assert result["unsupported"] == ["Dee"]
    assert result["missed"] == ["Ben"]
    assert result["per_agent"]["Dee"]["supported"] is False


def test_without_interviews_the_trajectory_decides():
    result = diffusion(party_run().data(), PARTY)
    assert result["method"] == "trajectory"
    assert result["knowers"] == ["Ana", "Ben", "Cy"]
    assert result["end_fraction"] == result["trajectory_fraction"] == 0.75


def test_an_environment_event_exposes_its_hearers_only():
    built = RunBuilder(["Ana", "Ben"])
    built.step()
    built.event(EventKind.NARRATOR, ("Ben",), "A poster for the cafe party goes up.", place="Cafe")
    built.step()
    first = exposures(built.data(), PARTY)
    assert list(first) == ["Ben"] and first["Ben"].via == "event"
    assert not first["Ben"].seeded
