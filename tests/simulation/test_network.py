import networkx as nx
import pytest

from simulation.analysis.network import (
    claims_graph,
    conversation_pairs,
    density,
    end_graph,
    mentions,
    relationship_evidence,
    start_graph,
)
from tests.simulation.run_builder import party_run


def test_density_of_a_hand_built_graph():
    graph = nx.Graph()
    graph.add_nodes_from("ABCD")
    graph.add_edges_from([("A", "B"), ("B", "C")])
    assert density(graph) == pytest.approx(2 * 2 / (4 * 3))  # 1/3
    graph.add_edges_from([("A", "C"), ("A", "D"), ("B", "D"), ("C", "D")])
    assert density(graph) == pytest.approx(1.0)
    assert density(nx.Graph()) == 0.0


def test_start_graph_from_personas_and_end_graph_from_conversations():
    run = party_run().data()
    start, end = start_graph(run), end_graph(run)
    assert sorted(map(sorted, start.edges())) == [["Ana", "Ben"]]
    assert density(start) == pytest.approx(1 / 6)
    assert conversation_pairs(run) == {("Ana", "Ben"), ("Ben", "Cy"), ("Cy", "Dee")}
    assert density(end) == pytest.approx(3 / 6)


def test_claims_graph_joins_either_direction():
    graph = claims_graph(["A", "B", "C"], [("A", "B"), ("B", "A"), ("C", "C")])
    assert graph.number_of_edges() == 1 and density(graph) == pytest.approx(1 / 3)


def test_relationship_evidence_is_the_persona_view_and_memories_naming_the_person():
    run = party_run().data()
    assert relationship_evidence(run, "Ana", "Ben") == ["(known from the start) Ben: her brother"]
    assert relationship_evidence(run, "Ben", "Ana") == [
        "Ana told me: I am throwing a party at the cafe on Saturday"
    ]
    assert relationship_evidence(run, "Dee", "Ana") == []
    assert mentions("I saw ana at the cafe", "Ana Ruiz")
    assert not mentions("Banana bread", "Ana Ruiz")
