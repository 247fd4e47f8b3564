"""Reference figures from Generative Agents (Park et al., UIST 2023), for comparison tables.

25 agents over two simulated days (see ``/work/shared/REFERENCES.md``).
"""

from __future__ import annotations

PAPER: dict[str, float] = {
    "diffusion_start": 1 / 25,  # one agent (4%) seeded with each fact
    "diffusion_end_party": 13 / 25,  # Isabella's Valentine's party: 52%
    "diffusion_end_candidacy": 8 / 25,  # Sam's candidacy: 32%
    "density_start": 0.167,
    "density_end": 0.74,
    "attendance": 5 / 12,  # 5 of the 12 invited agents came to the party
    "hallucination_rate": 6 / 453,  # 1.3% of relationship answers
    "tokens_per_agent_day": 25.41e6 / 25 / 2,  # ≈ 0.5M tokens per agent per simulated day
}
"""The paper's numbers, keyed like the study's metrics."""

PAPER_NOTES: dict[str, str] = {
    "diffusion_start": "1 of 25 agents (4%)",
    "diffusion_end_party": "13 of 25 (52%), Valentine's party",
    "diffusion_end_candidacy": "8 of 25 (32%), Sam's candidacy",
    "density_start": "0.167",
    "density_end": "0.74",
    "attendance": "5 of 12 invited",
    "hallucination_rate": "1.3% (6/453)",
    "tokens_per_agent_day": "≈ 0.5M (25.41M for 25 agents, 2 days)",
}
