"""Figures of a run (matplotlib, optional): diffusion curves, relationship graphs, activity.

Uses matplotlib's object API (no pyplot, no display): safe in headless runs and worker
processes. Each function returns the written path, or ``None`` when matplotlib is missing.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulation.analysis.behaviour import OUTDOORS
from simulation.analysis.tables import arena_of
from simulation.run_reader import RunData

if TYPE_CHECKING:
    import networkx as nx

logger = logging.getLogger(__name__)


def matplotlib_available() -> bool:
    """Whether matplotlib is installed."""
    return importlib.util.find_spec("matplotlib") is not None


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def plot_diffusion(curves: Mapping[str, list[dict[str, Any]]], path: Path) -> Path | None:
    """The fraction of agents who know each fact, tick by tick."""
    if not matplotlib_available():
        return None
    fig = _figure(7, 3.5)
    ax = fig.add_subplot()
    for name, curve in curves.items():
        ax.step(
            [p["tick"] for p in curve], [p["fraction"] for p in curve], where="post", label=name
        )
    ax.set(xlabel="tick", ylabel="fraction of agents who know", ylim=(0, 1.05))
    ax.set_title("Information diffusion")
    if curves:
        ax.legend(loc="lower right")
    fig.savefig(path)
    return path


def _draw_graph(ax: Any, graph: nx.Graph, pos: Mapping[str, Any], title: str) -> None:
    for a, b in graph.edges():
        (x1, y1), (x2, y2) = pos[a], pos[b]
        ax.plot([x1, x2], [y1, y2], color="#999999", linewidth=1, zorder=1)
    xs = [pos[n][0] for n in graph.nodes()]
    ys = [pos[n][1] for n in graph.nodes()]
    ax.scatter(xs, ys, s=120, color="#2a9d8f", zorder=2)
    for node in graph.nodes():
        x, y = pos[node]
        ax.annotate(node.split()[0], (x, y), textcoords="offset points", xytext=(0, 8), ha="center")
    ax.set_title(title)
    ax.margins(0.15)
    ax.set_axis_off()


def plot_relationships(start: nx.Graph, end: nx.Graph, path: Path) -> Path | None:
    """The relationship graph at the start and at the end, side by side, same layout."""
    if not matplotlib_available():
        return None
    import networkx as nx

    from simulation.analysis.network import density

    pos = nx.circular_layout(sorted(end.nodes())) if end.number_of_nodes() else {}
    fig = _figure(9, 4.5)
    left, right = fig.subplots(1, 2)
    _draw_graph(left, start, pos, f"start (density {density(start):.3f})")
    _draw_graph(right, end, pos, f"end (density {density(end):.3f})")
    fig.savefig(path)
    return path


def plot_activity(run: RunData, path: Path) -> Path | None:
    """Each agent's arena over time (a colour per arena), one row per agent."""
    if not matplotlib_available() or not run.frames:
        return None
    from matplotlib import colormaps

    arenas: list[str] = []
    spans: dict[str, list[tuple[int, int, str]]] = {a: [] for a in run.agents}
    for frame in run.frames:
        for snapshot in frame.agents:
            arena = arena_of(snapshot.place) or OUTDOORS
            if arena not in arenas:
                arenas.append(arena)
            rows = spans.setdefault(snapshot.name, [])
            if rows and rows[-1][2] == arena and rows[-1][0] + rows[-1][1] == frame.tick:
                rows[-1] = (rows[-1][0], rows[-1][1] + 1, arena)
            else:
                rows.append((frame.tick, 1, arena))
    palette = colormaps["tab20"]
    colour = {a: palette(i % 20) for i, a in enumerate(arenas)}
    colour[OUTDOORS] = (0.85, 0.85, 0.85, 1.0)
    fig = _figure(10, 0.6 * len(spans) + 1.8)
    ax = fig.add_subplot()
    for row, items in enumerate(spans.values()):
        ax.broken_barh(
            [(s, w) for s, w, _ in items],
            (row - 0.4, 0.8),
            facecolors=[colour[a] for *_, a in items],
        )
    ax.set_yticks(range(len(spans)), list(spans))
    ax.set_xlabel("tick")
    ax.set_title("Where each agent spends its time")
    handles = [_patch(colour[a], a) for a in arenas[:20]]
    ax.legend(handles=handles, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.savefig(path)
    return path


def _patch(colour: Any, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, label=label)
