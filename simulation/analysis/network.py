"""Who knows whom: relationship graphs, their density, and the evidence behind a claimed tie.

Graphs are undirected (networkx): the paper's density ``2|E| / (|V|(|V|-1))`` over the cast.
The start graph joins two agents when either persona names the other among its relationships;
the end graph adds every pair that shared a conversation. An interview-based graph (the paper's
method) joins two agents when either credibly says it knows the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from simulation.events import EventKind
from simulation.run_reader import RunData

if TYPE_CHECKING:
    import networkx as nx


def _graph(agents: Iterable[str]) -> nx.Graph:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(agents)
    return graph


def start_graph(run: RunData) -> nx.Graph:
    """Ties at the start: persona relationships between members of the cast."""
    cast = set(run.agents)
    graph = _graph(run.agents)
    for agent in run.agents:
        for other in run.persona(agent).get("relationships") or {}:
            if other in cast and other != agent:
                graph.add_edge(agent, other, source="persona")
    return graph


def conversation_pairs(run: RunData) -> set[tuple[str, str]]:
    """Every unordered pair (sorted) of agents who were in a conversation together."""
    members: dict[str, set[str]] = {}
    kinds = (EventKind.CONVERSATION_START, EventKind.CONVERSATION_JOIN, EventKind.UTTERANCE)
    for event in run.events_of(*kinds):
        conversation = event.data.get("conversation")
        if conversation is not None:
            members.setdefault(conversation, set()).update(event.agents)
    pairs = set()
    for names in members.values():
        ordered = sorted(names)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return pairs


def end_graph(run: RunData) -> nx.Graph:
    """Ties at the end: the start graph plus every pair that talked."""
    graph = start_graph(run)
    cast = set(run.agents)
    for a, b in conversation_pairs(run):
        if a in cast and b in cast and not graph.has_edge(a, b):
            graph.add_edge(a, b, source="conversation")
    return graph


def claims_graph(agents: Iterable[str], claims: Iterable[tuple[str, str]]) -> nx.Graph:
    """Ties from interviews: an edge for each ``(speaker, subject)`` credible claim to know."""
    graph = _graph(agents)
    for speaker, subject in claims:
        if speaker != subject:
            graph.add_edge(speaker, subject, source="interview")
    return graph


def density(graph: nx.Graph) -> float:
    """``2|E| / (|V|(|V|-1))``; 0 for fewer than two nodes."""
    import networkx as nx

    return 0.0 if graph.number_of_nodes() < 2 else float(nx.density(graph))


def edges(graph: nx.Graph) -> list[list[str]]:
    """Edges as sorted name pairs, sorted (JSON-ready)."""
    return sorted(sorted(e) for e in graph.edges())


def mentions(text: str, name: str) -> bool:
    """Whether a text names a person (full name, or first name as a whole word)."""
    lowered = text.lower()
    if name.lower() in lowered:
        return True
    first = name.split()[0].lower()
    return len(first) > 2 and re.search(rf"\b{re.escape(first)}\b", lowered) is not None


def relationship_evidence(run: RunData, speaker: str, subject: str, limit: int = 20) -> list[str]:
    """What ``speaker`` has to go on about ``subject``: its persona's view, memories naming them.

    Returns:
        Up to ``limit`` lines: the persona relationship (if any), then memory texts of the
        speaker that name the subject, oldest first.
    """
    lines = []
    view = (run.persona(speaker).get("relationships") or {}).get(subject)
    if view:
        lines.append(f"(known from the start) {subject}: {view}")
    for event in run.events_of(EventKind.MEMORY_ADDED):
        if event.agents and event.agents[0] == speaker and mentions(event.text or "", subject):
            lines.append(event.text or "")
            if len(lines) >= limit:
                break
    return lines
