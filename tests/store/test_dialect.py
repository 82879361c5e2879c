"""The standard dialect: the SPARQL 1.1 Protocol's own parameters and nothing hidden in headers."""

from __future__ import annotations

from service.store.dialect import DIALECTS, OXIGRAPH, STANDARD


def test_the_standard_dialect_names_each_default_graph_and_sends_no_timeout_of_its_own() -> None:
    graphs = ["https://w3id.org/nhs-commissioning/graph/a", "https://w3id.org/nhs-commissioning/graph/b"]
    assert STANDARD.query_params(graphs, timeout=5.0) == [("default-graph-uri", g) for g in graphs]
    assert STANDARD.query_params([], timeout=None) == []


def test_the_standard_dialect_takes_a_whole_answer_from_the_status_code_alone() -> None:
    assert STANDARD.answer_error(200, {"X-SQL-State": "S1TAT"}) is None


def test_dialects_are_found_by_the_name_they_give() -> None:
    assert all(dialect.name == name for name, dialect in DIALECTS.items())
    assert DIALECTS["standard"] is STANDARD


def test_the_oxigraph_dialect_is_the_standard_one_with_the_servers_union_of_its_graphs() -> None:
    graphs = ["https://w3id.org/nhs-commissioning/graph/a"]
    assert OXIGRAPH.query_params(graphs, timeout=5.0) == STANDARD.query_params(graphs, timeout=5.0)
    assert OXIGRAPH.union_params() == [("union-default-graph", "true")]
    assert STANDARD.union_params() is None  # no union of its own in the protocol: each graph is named
    assert DIALECTS["oxigraph"] is OXIGRAPH
