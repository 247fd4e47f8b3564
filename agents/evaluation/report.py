"""The human-readable evaluation report (Markdown), next to ``metrics.json``."""

from __future__ import annotations

from typing import Any

from agents.evaluation.paper import PAPER_NOTES


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def render_report(metrics: dict[str, Any]) -> str:
    """Renders the metrics of one run as Markdown."""
    run = metrics["run"]
    out = [
        f"# Evaluation of run {run['run_id']}",
        "",
        f"{run['world']}, seed {run['seed']}, {len(run['agents'])} agents, "
        f"{run['simulated_from']} → {run['simulated_to']} ({run['simulated_hours']} h, "
        f"{run['ticks']} ticks), model {', '.join(run['models']) or '–'}.",
        "",
        "## Compared with Generative Agents",
        "",
    ]
    rows = []
    for name, d in metrics["diffusion"].items():
        rows.append([f"diffusion of {name}: start", _pct(d["start_fraction"]), "4% (1 of 25)"])
        reference = d.get("reference")
        paper = _pct(reference) if reference is not None else "52% party / 32% candidacy"
        rows.append([f"diffusion of {name}: end ({d['method']})", _pct(d["end_fraction"]), paper])
    rel = metrics["relationships"]
    rows.append(
        ["network density: start", _num(rel["density_start"]), PAPER_NOTES["density_start"]]
    )
    rows.append(
        [
            "network density: end (conversations)",
            _num(rel["density_end"]),
            PAPER_NOTES["density_end"],
        ]
    )
    if "density_end_interview" in rel:
        rows.append(
            ["network density: end (interviews)", _num(rel["density_end_interview"]), "0.74"]
        )
        h = rel["hallucination"]
        rows.append(
            [
                "hallucinated relationship answers",
                f"{_pct(h['rate'])} ({h['hallucinated']}/{h['answers']})",
                PAPER_NOTES["hallucination_rate"],
            ]
        )
    if "attendance" in metrics:
        a = metrics["attendance"]
        rows.append(
            [
                f"attendance at {a['place']}",
                f"{len(a['attended'])} of {len(a['invited'])} invited",
                PAPER_NOTES["attendance"],
            ]
        )
    cost = metrics["cost"]
    rows.append(
        [
            "tokens per agent per simulated day",
            f"{cost['tokens_per_agent_day']:,}",
            PAPER_NOTES["tokens_per_agent_day"],
        ]
    )
    out += _table(["measure", "this run", "paper"], rows)
    out += _diffusion_section(metrics)
    out += _behaviour_section(metrics)
    if "believability" in metrics:
        out += _believability_section(metrics["believability"])
    out += _language_section(metrics)
    if "persona_fidelity" in metrics:
        out += _fidelity_section(metrics["persona_fidelity"])
    if metrics.get("interviews"):
        out += ["## Interview answers", ""]
        for question, answers in metrics["interviews"].items():
            out += [f"**{question}**", ""]
            out += [f"- {agent}: {answer}" for agent, answer in answers.items()] + [""]
    figures = metrics.get("figures") or {}
    if figures:
        out += ["## Figures", ""]
        out += [f"![{name}]({path})" for name, path in figures.items()] + [""]
    return "\n".join(out)


def _diffusion_section(metrics: dict[str, Any]) -> list[str]:
    out = []
    for name, d in metrics["diffusion"].items():
        out += [f"## Diffusion: {name}", "", f"Question: {d['question']}", ""]
        rows = []
        for agent, info in d["per_agent"].items():
            exposure = info["exposure"] or {}
            via = exposure.get("via", "–")
            if exposure.get("source"):
                via += f" from {exposure['source']}"
            if exposure.get("conversation"):
                via += f" ({exposure['conversation']})"
            rows.append([agent, "yes" if info["knows"] else "no", exposure.get("time", "–"), via])
        out += _table(["agent", "knows", "first shown", "carried by"], rows)
        if d["unsupported"]:
            out += [f"Said yes without trace in the trajectory: {', '.join(d['unsupported'])}", ""]
        if d["missed"]:
            out += [f"Exposed but said no: {', '.join(d['missed'])}", ""]
    return out


def _behaviour_section(metrics: dict[str, Any]) -> list[str]:
    b = metrics["behaviour"]
    rows = []
    for agent, talks in b["conversations_per_agent"].items():
        diversity = b["location_diversity"].get(agent, {})
        adherence = b["plan_adherence"]["agents"].get(agent, {})
        places = b["time_per_place_min"].get(agent, {})
        top = next(iter(places), "–")
        rows.append(
            [
                agent,
                talks,
                b["utterances_per_agent"].get(agent, 0),
                diversity.get("distinct", 0),
                _num(diversity.get("entropy_bits"), 2),
                _pct(adherence.get("adherence")),
                top,
            ]
        )
    header = ["agent", "conversations", "lines", "arenas", "entropy (bits)", "plan adherence"]
    out = ["## Behaviour", "", *_table([*header, "most time at"], rows)]
    out += [
        f"Mean plan adherence: {_pct(b['plan_adherence']['mean'])} (arena), "
        f"{_pct(b['plan_adherence']['mean_sector'])} (sector).",
        "",
    ]
    return out


REPORT_EXAMPLES = 5
"""Examples shown per believability check."""

_CHECKS = {
    "misaddressed": ("Wrongly addressed lines", "lines", "speaker"),
    "repeated": ("Repeated lines", "lines", "speaker"),
    "retried_refusals": ("Refused attempts retried tick after tick", "refusals", "agent"),
    "plan_anomalies": ("Plan anomalies", "plan items", "planner"),
}


def _text(value: Any, limit: int = 160) -> str:
    """A table cell: one line, pipes escaped, long text cut."""
    text = " ".join(str(value).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _believability_section(b: dict[str, Any]) -> list[str]:
    rows = []
    for key, (title, unit, _) in _CHECKS.items():
        check = b.get(key)
        if check is None:
            continue
        counted = f"{check['count']} of {check['total']} {unit}"
        if key == "retried_refusals":
            runs = check["runs"]
            counted += f" ({runs} run{'' if runs == 1 else 's'}, longest {check['longest']})"
        if key == "plan_anomalies":
            kinds = ", ".join(f"{k} {n}" for k, n in check["by_kind"].items() if n)
            plans = check["plans"]
            counted += f" over {plans} plan{'' if plans == 1 else 's'}"
            counted += f" ({kinds})" if kinds else ""
        rows.append([title.lower(), _pct(check["rate"]), counted])
    claims = b.get("unsupported_claims")
    if claims is not None:
        rows.append(
            [
                "claims of a fact without trajectory support",
                _pct(claims["rate"]),
                f"{claims['unsupported']} of {claims['claims']} interview claims"
                if claims["by_fact"]
                else "no interviews",
            ]
        )
        rows.append(["relationship claims without support", _pct(claims["relationship_rate"]), "–"])
    for fact, spread in (b.get("spread") or {}).items():
        rows.append(
            [
                f"spread of {fact} with trajectory support",
                _pct(spread["fraction"]),
                f"{len(spread['reached'])} of {spread['others']} others",
            ]
        )
    out = ["## Believability", "", "Judge-free checks read from the trajectory.", ""]
    out += _table(["check", "rate", "count"], rows)
    for key, (title, _, who) in _CHECKS.items():
        examples = (b.get(key) or {}).get("examples") or []
        if not examples:
            continue
        out += [f"### {title}", ""]
        out += _table(
            ["tick", "time", who, "text", "why"],
            [
                [
                    e["tick"],
                    e["time"].replace("T", " "),
                    e["agent"],
                    _text(e["text"]),
                    _text(e["reason"]),
                ]
                for e in examples[:REPORT_EXAMPLES]
            ],
        )
    return out


def _language_section(metrics: dict[str, Any]) -> list[str]:
    rows = [
        [agent, m["tokens"], _num(m["mattr"]), _num(m["yules_k"], 1), _num(m["hdd"])]
        for agent, m in metrics["language"].items()
    ]
    return ["## Language", "", *_table(["agent", "tokens", "MATTR", "Yule's K", "HD-D"], rows)]


def _fidelity_section(f: dict[str, Any]) -> list[str]:
    rows = [
        [agent, score if score is not None else "–"] for agent, score in f["persona_score"].items()
    ]
    s = f["speaker_identification"]
    out = ["## Persona fidelity", "", f"Judge: {f['judge']}", ""]
    out += _table(["agent", "consistency (1–5)"], rows)
    out += [
        f"Mean consistency: {_num(f['persona_score_mean'], 2)}. Speaker identification: "
        f"{s['correct']}/{s['answered']} = {_pct(s['accuracy'])} (chance {_pct(s['chance'])}).",
        "",
    ]
    if f["fallbacks"]:
        out += [f"Judge fallbacks: {len(f['fallbacks'])}", ""]
    return out
