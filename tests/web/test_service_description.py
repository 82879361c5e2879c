"""The SPARQL service description (service/web/service_description.py) built as a graph, written in each
format, parsed back and queried. (tests/web/test_sparql.py checks that GET /sparql serves it.)"""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from service.config import Settings
from service.web.service_description import describe, serialize
from tests.sparql_fixtures import parse_rdf

ENDPOINT = "http://example.org/sparql"
G1, G2 = "http://example.org/graph/one", "http://example.org/graph/two"
COUNTS = {G1: 5, G2: 7}
MANIFEST: dict[str, object] = {"classes": {"http://example.org/A": 3, "http://example.org/B": 1}}
PREFIXES = """
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
PREFIX void: <http://rdfs.org/ns/void#>
"""
# rdflib's names for our format names.
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml", "trig": "trig"}


def description(settings: Settings | None = None) -> Graph:
    triples = describe(ENDPOINT, settings or Settings(), COUNTS, MANIFEST)
    return parse_rdf(b"".join(serialize(triples, "turtle")), "turtle")


def values(graph: Graph, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in graph.query(PREFIXES + query))  # type: ignore[union-attr]


def test_the_service_names_its_endpoint_language_and_ten_result_formats() -> None:
    g = description()
    assert values(g, "SELECT ?e ?l WHERE { ?s a sd:Service ; sd:endpoint ?e ; sd:supportedLanguage ?l }") == [
        (ENDPOINT, "http://www.w3.org/ns/sparql-service-description#SPARQL11Query")
    ]
    formats = values(g, "SELECT ?f WHERE { ?s sd:resultFormat ?f }")
    assert len(formats) == 10 and ("http://www.w3.org/ns/formats/Turtle",) in formats


def test_federation_is_announced_only_when_some_endpoint_is_allowed() -> None:
    query = "SELECT ?f WHERE { ?s sd:feature ?f }"
    union = ("http://www.w3.org/ns/sparql-service-description#UnionDefaultGraph",)
    federated = ("http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery",)
    assert values(description(), query) == [union]
    assert values(description(Settings(service_allowlist=("http://x/",))), query) == [federated, union]


def test_the_default_graph_counts_the_sum_of_the_named_graphs_and_the_classes() -> None:
    g = description()
    default = (
        "SELECT ?n ?c WHERE { ?s sd:defaultDataset/sd:defaultGraph [ void:triples ?n ; void:classes ?c ] }"
    )
    assert values(g, default) == [("12", "2")]
    partitions = "SELECT ?cls ?n WHERE { ?d void:classPartition [ void:class ?cls ; void:entities ?n ] }"
    assert values(g, partitions) == [("http://example.org/A", "3"), ("http://example.org/B", "1")]
    named = "SELECT ?name ?n WHERE { ?s sd:defaultDataset/sd:namedGraph [ sd:name ?name ; sd:graph ?g ] ."
    named += " ?g void:triples ?n }"
    assert values(g, named) == [(G1, "5"), (G2, "7")]


def test_a_manifest_without_classes_still_describes_the_graphs() -> None:
    triples = describe(ENDPOINT, Settings(), COUNTS, {})
    g = parse_rdf(b"".join(serialize(triples, "ntriples")), "nt")
    assert values(g, "SELECT ?c WHERE { ?d void:classes ?c }") == [("0",)]
    assert values(g, "SELECT ?p WHERE { ?d void:classPartition ?p }") == []


@pytest.mark.parametrize("fmt", sorted(RDFLIB))
def test_every_format_writes_the_same_graph(fmt: str) -> None:
    triples = describe(ENDPOINT, Settings(), COUNTS, MANIFEST)
    written = parse_rdf(b"".join(serialize(triples, fmt)), RDFLIB[fmt])
    assert len(written) == len(set(triples)) and isomorphic(written, description())


def test_the_default_dataset_is_ours_and_points_to_its_void() -> None:
    void_url = "http://example.org/.well-known/void"
    triples = describe(ENDPOINT, Settings(), COUNTS, MANIFEST, void_url)
    g = parse_rdf(b"".join(serialize(triples, "turtle")), "turtle")
    see_also = "<http://www.w3.org/2000/01/rdf-schema#seeAlso>"
    query = f"SELECT ?d ?v WHERE {{ ?s sd:defaultDataset ?d . ?d {see_also} ?v }}"
    assert values(g, query) == [("https://w3id.org/nhs-commissioning/dataset", void_url)]
