"""Study summaries: per-run rows, mean and spread per condition, the paper beside, A/B tests.

The control-vs-treatment comparison is Welch's t-test (scipy).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from agents.evaluation.paper import PAPER
from agents.evaluation.scenario import Scenario

CONTROL = "control"
TREATMENT = "treatment"


BELIEVABILITY_COLUMNS = {
    "misaddressed": "misaddressed_rate",
    "repeated": "repeated_line_rate",
    "retried_refusals": "retried_refusal_rate",
    "plan_anomalies": "plan_anomaly_rate",
}
"""Study column of each believability check's rate."""


def believability_columns(b: dict[str, Any] | None) -> dict[str, Any]:
    """The believability rates of one run, one column each (empty for older metrics)."""
    if not b:
        return {}
    row = {column: (b.get(key) or {}).get("rate") for key, column in BELIEVABILITY_COLUMNS.items()}
    row["unsupported_claim_rate"] = (b.get("unsupported_claims") or {}).get("rate")
    for fact, spread in (b.get("spread") or {}).items():
        row[f"supported_spread:{fact}"] = spread["fraction"]
    return row


def run_row(result: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers of one evaluated run, flat."""
    row: dict[str, Any] = {"condition": result["condition"], "seed": result["seed"]}
    for name, d in result["diffusion"].items():
        row[f"diffusion_start:{name}"] = d["start_fraction"]
        row[f"diffusion_end:{name}"] = d["end_fraction"]
        row[f"diffusion_trajectory:{name}"] = d["trajectory_fraction"]
    rel = result["relationships"]
    row["density_start"] = rel["density_start"]
    row["density_end"] = rel["density_end"]
    row["density_end_interview"] = rel.get("density_end_interview")
    row["hallucination_rate"] = (rel.get("hallucination") or {}).get("rate")
    attendance = result.get("attendance")
    if attendance is not None:
        row["attendance"] = attendance["fraction"]
        row["attended"] = len(attendance["attended"])
        row["invited"] = len(attendance["invited"])
    behaviour = result["behaviour"]
    talks = list(behaviour["conversations_per_agent"].values())
    row["conversations_per_agent"] = round(sum(talks) / len(talks), 3) if talks else None
    row["plan_adherence"] = behaviour["plan_adherence"]["mean"]
    row.update(believability_columns(result.get("believability")))
    mattr = [m["mattr"] for m in result["language"].values() if m["mattr"] is not None]
    row["mattr"] = round(sum(mattr) / len(mattr), 4) if mattr else None
    fidelity = result.get("persona_fidelity")
    if fidelity is not None:
        row["persona_score"] = fidelity["persona_score_mean"]
        row["speaker_accuracy"] = fidelity["speaker_identification"]["accuracy"]
    row["tokens_per_agent_day"] = result["cost"]["tokens_per_agent_day"]
    row["run_dir"] = result["run_dir"]
    return row


def paper_value(metric: str, scenario: Scenario) -> float | None:
    """The Generative Agents figure for a metric column, if the paper reports one."""
    kind, _, fact = metric.partition(":")
    if kind == "diffusion_start":
        return PAPER["diffusion_start"]
    if kind == "diffusion_end":
        found = next((f for f in scenario.facts if f.name == fact), None)
        return found.reference if found is not None else None
    if kind == "density_end_interview":
        return PAPER["density_end"]
    return PAPER.get(kind)


def _numeric_columns(runs: Any) -> list[str]:
    skip = {"condition", "seed", "run_dir"}
    return [c for c in runs.columns if c not in skip and runs[c].notna().any()]


def summarise(results: list[dict[str, Any]], scenario: Scenario) -> tuple[Any, Any, Any]:
    """Builds the runs table, the per-condition summary and the control-vs-treatment tests.

    Returns:
        ``(runs, table, comparison)`` DataFrames; ``comparison`` is ``None`` without control
        runs.
    """
    import pandas as pd

    runs = pd.DataFrame([run_row(r) for r in results])
    metrics = _numeric_columns(runs)
    rows = []
    for condition, group in runs.groupby("condition", sort=False):
        for metric in metrics:
            values = pd.to_numeric(group[metric], errors="coerce").dropna()
            rows.append(
                {
                    "condition": condition,
                    "metric": metric,
                    "n": len(values),
                    "mean": values.mean() if len(values) else None,
                    "sd": values.std(ddof=1) if len(values) > 1 else None,
                    "min": values.min() if len(values) else None,
                    "max": values.max() if len(values) else None,
                    "paper": paper_value(metric, scenario),
                }
            )
    table = pd.DataFrame(rows)
    return runs, table, compare_conditions(runs, metrics)


def rank_conditions(results: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Ranks the conditions by the judge's interview-based persona scores (Bradley–Terry).

    As the paper ranked its ablation arms (TrueSkill over pairwise human judgements), each
    pair of conditions is compared on the same seed and agent: the higher persona score wins,
    an equal one counts half to each. Bradley–Terry strengths are fitted to the wins with
    Hunter's MM algorithm, with one pseudo-comparison of a tie against each other condition,
    so that a condition that always wins (or loses) keeps a finite strength.

    Returns:
        Rows ``condition, strength (log scale, mean 0), rank, wins, comparisons``, best
        first; ``None`` when fewer than two conditions have judge scores.
    """
    scores: dict[str, dict[tuple[int, str], float]] = {}
    for result in results:
        fidelity = result.get("persona_fidelity") or {}
        for agent, score in (fidelity.get("persona_score") or {}).items():
            if score is not None:
                key = (result["seed"], agent)
                scores.setdefault(result["condition"], {})[key] = float(score)
    names = sorted(scores)
    if len(names) < 2:
        return None
    wins = {(a, b): 0.5 for a in names for b in names if a != b}  # the pseudo-tie
    for a in names:
        for b in names:
            if a < b:
                for key in scores[a].keys() & scores[b].keys():
                    sa, sb = scores[a][key], scores[b][key]
                    wins[a, b] += 1.0 if sa > sb else 0.5 if sa == sb else 0.0
                    wins[b, a] += 1.0 if sb > sa else 0.5 if sa == sb else 0.0
    games = {(a, b): wins[a, b] + wins[b, a] for a in names for b in names if a != b}
    strength = dict.fromkeys(names, 1.0)
    for _ in range(200):
        updated = {
            a: sum(wins[a, b] for b in names if b != a)
            / sum(games[a, b] / (strength[a] + strength[b]) for b in names if b != a)
            for a in names
        }
        scale = math.exp(sum(math.log(v) for v in updated.values()) / len(names))
        updated = {a: v / scale for a, v in updated.items()}
        done = max(abs(updated[a] - strength[a]) for a in names) < 1e-9
        strength = updated
        if done:
            break
    logs = {a: round(math.log(strength[a]), 4) for a in names}
    ordered = sorted(names, key=lambda a: -logs[a])
    return [
        {
            "condition": a,
            "strength": logs[a],
            "rank": 1 + sum(logs[b] > logs[a] for b in names),  # equal strengths share a rank
            "wins": sum(wins[a, b] - 0.5 for b in names if b != a),
            "comparisons": sum(games[a, b] - 1.0 for b in names if b != a),
        }
        for a in ordered
    ]


def _arm(condition: str) -> tuple[str, str]:
    arm, _, sweep = condition.partition(",")
    return arm, sweep


def compare_conditions(runs: Any, metrics: list[str]) -> Any:
    """Welch's t-test of control vs treatment for each metric (and each swept setting).

    Returns:
        A DataFrame ``sweep, metric, n_control, n_treatment, control_mean, treatment_mean,
        difference, t, p`` (``t``/``p`` are NaN when a test is undefined, e.g. one run per
        arm or no variance), or ``None`` when there are no control runs.
    """
    import pandas as pd
    from scipy import stats

    arm = runs["condition"].map(lambda c: _arm(c)[0])
    setting = runs["condition"].map(lambda c: _arm(c)[1])
    if not (arm == CONTROL).any():
        return None
    rows = []
    for sweep in sorted(set(setting)):
        control = runs[(arm == CONTROL) & (setting == sweep)]
        treated = runs[(arm == TREATMENT) & (setting == sweep)]
        for metric in metrics:
            a = pd.to_numeric(control[metric], errors="coerce").dropna()
            b = pd.to_numeric(treated[metric], errors="coerce").dropna()
            t = p = math.nan
            if len(a) >= 2 and len(b) >= 2 and (a.var() > 0 or b.var() > 0):
                test = stats.ttest_ind(b, a, equal_var=False)
                t, p = float(test.statistic), float(test.pvalue)
            rows.append(
                {
                    "sweep": sweep,
                    "metric": metric,
                    "n_control": len(a),
                    "n_treatment": len(b),
                    "control_mean": a.mean() if len(a) else None,
                    "treatment_mean": b.mean() if len(b) else None,
                    "difference": (b.mean() - a.mean()) if len(a) and len(b) else None,
                    "t": t,
                    "p": p,
                }
            )
    return pd.DataFrame(rows)


def _cell(mean: Any, sd: Any) -> str:
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "–"
    text = f"{mean:.3f}" if abs(mean) < 1000 else f"{mean:,.0f}"
    if sd is not None and not (isinstance(sd, float) and math.isnan(sd)):
        text += f" ± {sd:.3f}" if abs(sd) < 1000 else f" ± {sd:,.0f}"
    return text


def render_study(
    scenario: Scenario,
    table: Any,
    comparison: Any,
    n_runs: int,
    ranking: list[dict[str, Any]] | None = None,
) -> str:
    """The study summary as Markdown: metric rows, one column per condition, the paper beside."""
    conditions = list(dict.fromkeys(table["condition"])) if len(table) else []
    lines = [
        f"# Study: {scenario.name}",
        "",
        f"{scenario.description.strip()}",
        "",
        f"{n_runs} runs. Cells are mean ± sd over seeds.",
        "",
        "| metric | paper | " + " | ".join(conditions) + " |",
        "|---|---|" + "---|" * len(conditions),
    ]
    for metric in dict.fromkeys(table["metric"]) if len(table) else []:
        cells = []
        paper = None
        for condition in conditions:
            row = table[(table["condition"] == condition) & (table["metric"] == metric)]
            if len(row):
                paper = row["paper"].iloc[0]
                cells.append(_cell(row["mean"].iloc[0], row["sd"].iloc[0]))
            else:
                cells.append("–")
        ref = (
            "–"
            if paper is None or (isinstance(paper, float) and math.isnan(paper))
            else (f"{paper:.3f}" if paper < 1000 else f"{paper:,.0f}")
        )
        lines.append(f"| {metric} | {ref} | " + " | ".join(cells) + " |")
    lines.append("")
    if comparison is not None and len(comparison):
        lines += [
            "## Control vs treatment (Welch's t-test)",
            "",
            "| setting | metric | control | treatment | difference | t | p |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in comparison.itertuples():
            lines.append(
                f"| {r.sweep or 'default'} | {r.metric} | {_cell(r.control_mean, None)} | "
                f"{_cell(r.treatment_mean, None)} | {_cell(r.difference, None)} | "
                f"{_cell(r.t, None)} | {_cell(r.p, None)} |"
            )
        lines.append("")
    if ranking:
        lines += [
            "## Conditions ranked by the judge's persona scores (Bradley–Terry)",
            "",
            "| rank | condition | strength (log) | wins | comparisons |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['rank']} | {r['condition']} | {r['strength']:+.3f} | {r['wins']:g} | "
            f"{r['comparisons']:g} |"
            for r in ranking
        ]
        lines.append("")
    return "\n".join(lines)


def write_study(
    out: Path,
    scenario: Scenario,
    results: list[dict[str, Any]],
    runs: Any,
    table: Any,
    comparison: Any,
) -> None:
    """Writes ``runs.csv``, ``summary.csv``, ``comparison.csv``, ``study.json`` and ``study.md``.

    With judge scores for two or more conditions, ``ranking.csv`` ranks them too.
    """
    ranking = rank_conditions(results)
    if ranking is not None:
        import pandas as pd

        pd.DataFrame(ranking).to_csv(out / "ranking.csv", index=False)
    runs.to_csv(out / "runs.csv", index=False)
    table.to_csv(out / "summary.csv", index=False)
    if comparison is not None:
        comparison.to_csv(out / "comparison.csv", index=False)
    payload = {
        "scenario": scenario.model_dump(mode="json"),
        "summary": json.loads(table.to_json(orient="records")),
        "comparison": None
        if comparison is None
        else json.loads(comparison.to_json(orient="records")),
        "ranking": ranking,
        "runs": results,
    }
    (out / "study.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), "utf-8")
    (out / "study.md").write_text(
        render_study(scenario, table, comparison, len(results), ranking), "utf-8"
    )
