"""The store interface on its embedded implementation, with small fixture graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import iris
from service.store import QuerySyntaxError, RdfSyntaxError, StoreUnavailableError
from service.store.oxigraph import OxigraphStore, bind_values
from service.terms import IRI, Literal, Triple

MINI = Path(__file__).parents[1] / "data" / "mini"
PCT = iris.org("pct", "5NT")
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture
def store() -> OxigraphStore:
    s = OxigraphStore.in_memory()
    s.load_file(MINI / "ontology" / "mini.ttl", iris.graph("ontology"))
    s.load_file(MINI / "data" / "ttl" / "pcts.ttl", iris.graph("pcts"))
    return s


def test_default_graph_is_the_union_of_named_graphs(store: OxigraphStore) -> None:
    rows = store.select(f"SELECT ?label WHERE {{ ?c <{LABEL}> ?label }}")
    labels = {r["label"].value for r in rows}
    assert "Manchester Primary Care Trust" in labels  # from graph/pcts
    assert "Primary Care Trust" in labels  # from graph/ontology


def test_select_returns_plain_terms(store: OxigraphStore) -> None:
    rows = store.select(f"SELECT ?label WHERE {{ <{PCT}> <{LABEL}> ?label }}")
    assert rows == [{"label": Literal("Manchester Primary Care Trust", language="en")}]


def test_bindings_are_substituted_not_spliced(store: OxigraphStore) -> None:
    query = f"SELECT ?thing ?label WHERE {{ ?thing <{LABEL}> ?label }}"
    rows = store.select(query, bindings={"thing": IRI(iris.org("pct", "5HG"))})
    assert [r["label"].value for r in rows] == ["Ashton, Leigh and Wigan Primary Care Trust"]
    hostile = IRI(iris.org("pct", "5NT") + "> } UNION { ?x ?y ?z")
    with pytest.raises(ValueError, match="Invalid IRI"):
        store.select(query, bindings={"thing": hostile})
    text = Literal("x' } UNION { ?a ?b ?c")
    assert store.select(f"SELECT ?l WHERE {{ ?s <{LABEL}> ?l }}", bindings={"l": text}) == []
    with pytest.raises(ValueError, match="variable"):
        store.select(query, bindings={"x } UNION { ?s ?p ?o": IRI(PCT)})


def test_bound_variables_need_not_be_projected_and_are_bound(store: OxigraphStore) -> None:
    query = f"SELECT ?label WHERE {{ ?thing <{LABEL}> ?label FILTER(BOUND(?thing)) }}"
    rows = store.select(query, bindings={"thing": IRI(PCT)})
    assert rows == [{"label": Literal("Manchester Primary Care Trust", language="en")}]
    assert store.ask("ASK { ?thing ?p ?o }", bindings={"thing": IRI(PCT)})
    assert not store.ask("ASK { ?thing ?p ?o }", bindings={"thing": IRI(PCT + "-none")})


def test_bindings_go_into_the_outermost_where_not_a_comment() -> None:
    query = "# nothing WHERE { here\nSELECT ?a WHERE { ?a ?b ?c }"
    bound = bind_values(query, {"c": Literal("v")})
    assert bound.index("VALUES ?c") > bound.index("SELECT")


def test_dataset_restricted_to_named_default_graphs(store: OxigraphStore) -> None:
    query = f"ASK {{ <{PCT}> <{LABEL}> ?l }}"
    assert store.query(query, default_graphs=[iris.graph("pcts")]).boolean
    assert not store.query(query, default_graphs=[iris.graph("ontology")]).boolean
    assert not store.query(query, default_graphs=[iris.graph("no-such-graph")]).boolean


def test_construct_and_describe(store: OxigraphStore) -> None:
    triples = store.construct(f"CONSTRUCT {{ ?s <{LABEL}> ?l }} WHERE {{ ?s <{LABEL}> ?l }}")
    assert any(t.subject == IRI(PCT) for t in triples)
    described = store.describe(PCT)
    predicates = {t.predicate.value for t in described}
    assert LABEL in predicates
    assert "https://schema.org/foundingDate" in predicates


def test_graphs_and_counts(store: OxigraphStore) -> None:
    assert store.graphs() == [iris.graph("ontology"), iris.graph("pcts")]
    counts = store.triple_counts()
    assert counts[iris.graph("pcts")] == 10
    assert store.ping()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_serialises_in_every_results_format(store: OxigraphStore, fmt: str) -> None:
    body = store.query(f"SELECT ?l WHERE {{ <{PCT}> <{LABEL}> ?l }}").serialize(fmt)
    assert b"Manchester Primary Care Trust" in body


def test_query_syntax_error_carries_position(store: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match=r"1:\d+"):
        store.query("SELECT * WHERE { ?s ?p }")


def test_broken_file_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n', encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as caught:
        OxigraphStore.in_memory().load_file(bad, iris.graph("bad"))
    assert caught.value.location == f"{bad}:3:11"


def test_read_only_store_opens_what_a_writer_left(tmp_path: Path) -> None:
    writer = OxigraphStore.create(tmp_path / "db")
    writer.load_file(MINI / "data" / "ttl" / "pcts.ttl", iris.graph("pcts"))
    writer.flush()
    del writer
    reader = OxigraphStore.open_read_only(tmp_path / "db")
    assert reader.ask(f"ASK {{ <{PCT}> ?p ?o }}")
    with pytest.raises(StoreUnavailableError):
        OxigraphStore.open_read_only(tmp_path / "missing")


def test_a_graph_saved_as_turtle_is_the_same_file_whatever_order_it_was_loaded_in(tmp_path: Path) -> None:
    graph = "http://example.org/g"
    triples = [
        Triple(IRI(f"http://example.org/s{i % 7}"), IRI(f"http://example.org/p{i % 3}"), Literal(str(i)))
        for i in range(40)
    ]
    files = []
    for n, order in enumerate((triples, triples[::-1])):
        store = OxigraphStore.in_memory()
        store.add_triples(order, graph)
        store.add_triples(order[:5], "http://example.org/other")  # another graph's triples stay out
        store.save_graph(graph, tmp_path / f"{n}.ttl", {"ex": "http://example.org/"})
        files.append((tmp_path / f"{n}.ttl").read_bytes())
    assert files[0] == files[1] and b"@prefix ex: <http://example.org/>" in files[0]
    loaded = OxigraphStore.in_memory()
    loaded.load_file(tmp_path / "0.ttl", graph)
    assert loaded.triple_counts() == {graph: 40}
