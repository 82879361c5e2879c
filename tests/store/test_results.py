"""Query results in our terms (service/store/results.py): kinds, rows and triples, terms converted both
ways, each format written whole or a batch at a time, parsed back with rdflib."""

from __future__ import annotations

import io

import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from service.store import OxigraphStore
from service.store.results import BATCHED_GRAPH_FORMATS, GRAPH_FORMATS, to_node, to_term
from service.terms import IRI, RDF_LANG_STRING, BNode, Literal, Term
from tests.sparql_fixtures import parse_rdf

EX = "http://example.org/"
RDFLIB = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "trig": "trig",
    "nquads": "nquads",
}
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"


def store_of(n: int) -> OxigraphStore:
    """n triples, a label each, in one named graph."""
    store = OxigraphStore.in_memory()
    triples = " ".join(f'<{EX}s{i}> <{EX}label> "thing {i}"@en .' for i in range(n))
    store.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ {triples} }} }}")
    return store


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return store_of(5)


def test_each_kind_of_result_answers_for_itself(store: OxigraphStore) -> None:
    select = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1")
    assert (select.kind, select.variables) == ("select", ["s", "o"])
    assert list(select.rows()) == [{"s": IRI(EX + "s0"), "o": Literal("thing 0", language="en")}]
    ask = store.query("ASK { ?s ?p ?o }")
    assert (ask.kind, ask.boolean, ask.variables) == ("ask", True, [])
    graph = store.query(CONSTRUCT)
    assert graph.kind == "graph" and len(list(graph.triples())) == 5
    with pytest.raises(TypeError, match="a ask result has no rows"):
        list(ask.rows())
    with pytest.raises(TypeError, match="a select result has no triples"):
        list(store.query("SELECT * { ?s ?p ?o }").triples())
    with pytest.raises(TypeError, match="has no triples"):
        ask.written_triples("turtle", 10, {})


def test_an_unbound_variable_is_left_out_of_its_row(store: OxigraphStore) -> None:
    rows = list(store.query(f"SELECT ?s ?none WHERE {{ <{EX}s1> ?p ?o BIND(<{EX}s1> AS ?s) }}").rows())
    assert rows == [{"s": IRI(EX + "s1")}]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_select_written_whole_holds_every_row(store: OxigraphStore, fmt: str) -> None:
    body = store.query("SELECT ?s WHERE { ?s ?p ?o }").serialize(fmt)
    values = [str(row[0]) for row in rdflib.query.Result.parse(io.BytesIO(body), format=fmt)]  # type: ignore[index]
    assert sorted(values) == [f"{EX}s{i}" for i in range(5)]


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_a_graph_written_whole_parses_back(store: OxigraphStore, fmt: str) -> None:
    body = store.query(CONSTRUCT).serialize(fmt)
    graph = parse_rdf(body, RDFLIB[fmt])
    assert sorted(str(o) for o in graph.objects()) == [f"thing {i}" for i in range(5)]


def test_only_the_formats_that_can_be_cut_are_written_in_batches(store: OxigraphStore) -> None:
    assert store.query(CONSTRUCT).written_triples("jsonld", 10, {}) is None
    assert store.query(CONSTRUCT).written_triples("rdfxml", 10, {}) is None


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=9000),
    limit=st.integers(min_value=1, max_value=9000),
    fmt=st.sampled_from(BATCHED_GRAPH_FORMATS),
)
def test_batches_stop_at_the_limit_and_say_whether_they_cut(n: int, limit: int, fmt: str) -> None:
    written = store_of(n).query(CONSTRUCT).written_triples(fmt, limit, {"ex": EX})
    assert written is not None
    body = b"".join(written)
    assert written.count == min(n, limit) and written.truncated == (n > limit)
    assert len(parse_rdf(body, RDFLIB[fmt])) == written.count


IRIS = st.builds(
    IRI, st.from_regex(r"http://example\.org/[a-z0-9/-]{0,12}(#[a-z0-9-]{0,6})?", fullmatch=True)
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
TERMS = st.one_of(
    IRIS,
    st.builds(BNode, st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)),
    st.builds(Literal, TEXT),
    # pyoxigraph writes language tags in lower case ("en-GB" comes back "en-gb"), as RDF compares them.
    st.builds(Literal, TEXT, st.just(RDF_LANG_STRING), st.sampled_from(["en", "cy", "en-gb"])),
    st.builds(Literal, TEXT, st.builds(lambda i: i.value, IRIS)),
)


@given(TERMS)
def test_a_term_survives_the_trip_through_pyoxigraph(term: Term) -> None:
    assert to_term(to_node(term)) == term


def test_an_invalid_iri_is_refused_on_the_way_in() -> None:
    with pytest.raises(ValueError):
        to_node(IRI("not an iri"))
    with pytest.raises(TypeError, match="unsupported term"):
        to_term("a string")
