import importlib.util
import json
import sys

import pandas as pd
import pytest

from agents.evaluation.errors import EvaluationError, ScenarioError
from agents.evaluation.scenario import load_scenario, parse_scenario
from agents.evaluation.study import parse_seeds, run_study, select_cast
from agents.evaluation.study_report import compare_conditions
from agents.persona import load_personas
from tests.agents.evaluation.doubles import scripted_services
from worlds.loader import personas_dir

EPHEMERAL = {"chroma": {"ephemeral": True}}
HAS_RAY = importlib.util.find_spec("ray") is not None


def test_a_study_runs_each_seed_and_condition_in_worker_processes(tmp_path):
    out = tmp_path / "study"
    result = run_study(
        load_scenario("valentine"),
        agents=4,
        days=0.25,
        seeds=[1, 2],
        out_dir=out,
        control=True,
        workers=2,
        services=scripted_services,
        overrides=EPHEMERAL,
        plots=False,
    )
    runs = result.runs
    assert sorted(zip(runs.condition, runs.seed, strict=True)) == [
        ("control", 1),
        ("control", 2),
        ("treatment", 1),
        ("treatment", 2),
    ]
    treated = runs[runs.condition == "treatment"]
    assert (treated["diffusion_start:valentine_party"] == 0.25).all()  # Rosa, 1 of 4
    assert (runs[runs.condition == "control"]["diffusion_end:valentine_party"] == 0).all()
    assert (runs.tokens_per_agent_day > 0).all()
    rates = {"misaddressed_rate", "repeated_line_rate", "retried_refusal_rate", "plan_anomaly_rate"}
    assert rates <= set(runs.columns) and rates <= set(result.table.metric)
    for run_dir in runs.run_dir:
        metrics = json.loads((tmp_path / run_dir / "eval" / "metrics.json").read_text())
        assert metrics["run"]["agents"][0] == "Rosa Delgado"
        assert metrics["relationships"]["hallucination"]["answers"] == 12
    table = result.table.set_index(["condition", "metric"])
    row = table.loc[("treatment", "diffusion_end:valentine_party")]
    assert row["n"] == 2 and row["paper"] == 0.52
    assert table.loc[("treatment", "density_end"), "paper"] == 0.74
    assert set(result.comparison.metric) >= {"diffusion_end:valentine_party", "density_end"}
    for name in ("runs.csv", "summary.csv", "comparison.csv", "study.json", "study.md"):
        assert (out / name).exists(), name
    assert "| diffusion_end:valentine_party | 0.520 |" in (out / "study.md").read_text()
    with pytest.raises(EvaluationError, match="not empty"):
        run_study(load_scenario("valentine"), out_dir=out)


def test_a_parameter_sweep_runs_in_process(tmp_path):
    scenario = parse_scenario(
        {
            "name": "quiet",
            "world": "two_rooms",
            "days": 0.1,
            "facts": [{"name": "buns", "keywords": ["bun"]}],
        },
        "quiet.yaml",
    )
    result = run_study(
        scenario,
        seeds=[0],
        out_dir=tmp_path / "sweep",
        params={"vision_radius": [2, 6]},
        workers=1,
        services=scripted_services,
        overrides=EPHEMERAL,
        interviews=False,
        plots=False,
    )
    assert list(result.runs.condition) == ["treatment,vision_radius=2", "treatment,vision_radius=6"]
    assert (
        tmp_path / "sweep" / "treatment_vision_radius-2" / "seed-0" / "trajectory.jsonl"
    ).exists()
    assert result.comparison is None


def test_welch_t_test_of_control_vs_treatment():
    runs = pd.DataFrame(
        {
            "condition": ["control", "control", "treatment", "treatment"],
            "seed": [1, 2, 1, 2],
            "reach": [0.0, 0.1, 0.5, 0.7],
        }
    )
    (row,) = compare_conditions(runs, ["reach"]).itertuples()
    # means .05 and .6, variances .005 and .02: t = .55 / sqrt(.005/2 + .02/2) = 4.919
    assert row.t == pytest.approx(0.55 / (0.0125**0.5), rel=1e-6)
    assert row.difference == pytest.approx(0.55)
    assert 0 < row.p < 0.2


def test_cast_selection_keeps_the_required_people_first():
    everyone = load_personas(personas_dir("maplewood"))
    scenario = load_scenario("election")
    cast = select_cast(scenario, everyone, 3)
    assert [p.name for p in cast] == ["Sam Whitaker", "Rosa Delgado", "Tom Castellano"]
    with pytest.raises(EvaluationError, match="only 11 personas"):
        select_cast(scenario, everyone, 40)


def test_seed_lists_and_ranges():
    assert parse_seeds("1,2,3") == [1, 2, 3]
    assert parse_seeds("1-3,7,2") == [1, 2, 3, 7]
    for bad in ("", "a,b", "3-x"):
        with pytest.raises(EvaluationError, match="--seeds"):
            parse_seeds(bad)


def test_asking_for_ray_without_ray_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as on an install without the extra
    with pytest.raises(EvaluationError, match=r"pip install 'ray\[default\]'"):
        run_study(
            load_scenario("valentine"),
            agents=1,
            out_dir=tmp_path / "ray",
            ray_address="local",
            services=scripted_services,
        )


@pytest.mark.slow
@pytest.mark.skipif(not HAS_RAY, reason="needs the distributed extra (ray)")
def test_a_study_on_a_local_ray(tmp_path):
    result = run_study(
        load_scenario("valentine"),
        agents=2,
        days=0.05,
        seeds=[1],
        out_dir=tmp_path / "ray",
        ray_address="local",
        services=scripted_services,
        overrides=EPHEMERAL,
        interviews=False,
        plots=False,
    )
    assert len(result.runs) == 1


def test_bad_names_and_settings_fail_before_any_run(tmp_path):
    from pydantic import ValidationError

    scenario = load_scenario("valentine")
    with pytest.raises(ValidationError, match="vision_radius"):
        run_study(scenario, agents=2, out_dir=tmp_path / "a", params={"vision_radius": [0]})
    stray = scenario.model_copy(update={"cast": ["Nobody Here"]})
    with pytest.raises(ScenarioError, match="no persona named 'Nobody Here'"):
        run_study(stray, agents=2, out_dir=tmp_path / "b")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_ablation_arms_run_side_by_side_with_the_same_seeds(tmp_path):
    result = run_study(
        load_scenario("valentine"),
        agents=3,
        days=0.1,
        seeds=[4],
        out_dir=tmp_path / "study",
        arms=["full", "no-reflection", "no-planning", "no-memory"],
        workers=1,
        services=scripted_services,
        overrides=EPHEMERAL,
        interviews=False,
        plots=False,
    )
    runs = result.runs
    assert sorted(runs.condition) == [
        "treatment,mind=full",
        "treatment,mind=no-memory",
        "treatment,mind=no-planning",
        "treatment,mind=no-reflection",
    ]
    assert set(runs.seed) == {4}
    assert {"misaddressed_rate", "tokens_per_agent_day"} <= set(result.table.metric)
    no_planning = json.loads(
        (tmp_path / "study" / "treatment_mind-no-planning" / "seed-4" / "run.json").read_text()
    )
    assert no_planning["config"]["mind"] == {"reflection": True, "planning": False, "memory": True}
    with pytest.raises(EvaluationError, match="unknown arm 'no-dreams'"):
        run_study(load_scenario("valentine"), arms=["no-dreams"], out_dir=tmp_path / "x")


def _judged(condition, seed, scores):
    return {"condition": condition, "seed": seed, "persona_fidelity": {"persona_score": scores}}


def test_conditions_are_ranked_by_pairwise_judge_scores():
    from agents.evaluation.study_report import rank_conditions

    results = [
        _judged("full", 1, {"Ana": 5, "Bo": 4}),
        _judged("no-reflection", 1, {"Ana": 4, "Bo": 4}),
        _judged("no-memory", 1, {"Ana": 1, "Bo": 2}),
        _judged("full", 2, {"Ana": 5, "Bo": 5}),
        _judged("no-reflection", 2, {"Ana": 3, "Bo": 4}),
        _judged("no-memory", 2, {"Ana": 2, "Bo": None}),
    ]
    ranking = rank_conditions(results)
    assert [r["condition"] for r in ranking] == ["full", "no-reflection", "no-memory"]
    assert [r["rank"] for r in ranking] == [1, 2, 3]
    assert ranking[0]["strength"] > ranking[1]["strength"] > ranking[2]["strength"]
    # full vs no-reflection: 3 wins and 1 tie of 4; vs no-memory: 3 of 3.
    assert ranking[0]["wins"] == 6.5 and ranking[0]["comparisons"] == 7
    even = rank_conditions([_judged("a", 1, {"Ana": 3}), _judged("b", 1, {"Ana": 3})])
    assert even[0]["strength"] == pytest.approx(0) == even[1]["strength"]
    assert [r["rank"] for r in even] == [1, 1]  # a tie shares its rank
    assert rank_conditions([_judged("a", 1, {"Ana": 3})]) is None
