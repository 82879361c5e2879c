"""The RDF document about a thing stands alone (service/web/pages/document.py, through /doc/): each format
parses, and a SPARQL query over it finds the labels, the relation nodes and their dates, the description of
the document, and the incoming links page by page with `Link: rel="next"`."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from service import iris
from service.config import Settings
from service.terms import IRI
from service.web.app import create_app
from service.web.pages import document, entity
from tests.pages_fixtures import fixture_store
from tests.sparql_fixtures import parse_rdf

ID = iris.ID
THING = ID + "pct/5NT"
FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}
MANIFEST = {"key": "fixture", "built": "2025-01-01T00:00:00Z"}


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(Settings(), store=fixture_store(), manifest=MANIFEST)


def graph_of(client: FlaskClient, url: str) -> rdflib.Graph:
    """The document at `url` parsed; JSON-LD with its @context fetched from this app, as a processor would."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    if url.split("?")[0].endswith(".jsonld"):
        data = json.loads(text)
        context = client.get(data["@context"].removeprefix("http://localhost"))
        assert context.status_code == 200 and context.mimetype == "application/ld+json"
        data["@context"] = json.loads(context.get_data(as_text=True))["@context"]
        text = json.dumps(data)
    fmt = (
        "json-ld" if url.split("?")[0].endswith(".jsonld") else FORMATS[url[url.rindex(".") :].split("?")[0]]
    )
    return parse_rdf(text, fmt)


def ask(graph: rdflib.Graph, sparql: str) -> list[tuple[rdflib.term.Node, ...]]:
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in iris.PREFIXES.items())
    return [tuple(row) for row in graph.query(prefixes + sparql)]  # type: ignore[arg-type]


@pytest.mark.parametrize("ext", [".ttl", ".nt", ".rdf", ".jsonld"])
def test_every_linked_iri_the_store_labels_is_labelled(client: FlaskClient, ext: str) -> None:
    graph = graph_of(client, f"/doc/pct/5NT{ext}")
    linked = {term for triple in graph for term in triple if isinstance(term, rdflib.URIRef)}
    store = fixture_store()
    labelled_in_store = {
        rdflib.URIRef(row["s"].value)
        for row in store.select(
            "SELECT DISTINCT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    }
    should = linked & labelled_in_store
    missing = {iri for iri in should if (iri, rdflib.RDFS.label, None) not in graph}
    assert len(should) > 30 and not missing
    # Every thing of ours the document names is labelled by the fixture, so by the document too.
    ours = {iri for iri in linked if str(iri).startswith(ID)}
    assert ours and ours <= should


@pytest.mark.parametrize("ext", [".ttl", ".jsonld"])
def test_relation_nodes_carry_their_dates(client: FlaskClient, ext: str) -> None:
    graph = graph_of(client, f"/doc/pct/5NT{ext}")
    rows = ask(
        graph,
        f"""SELECT ?rel ?start ?end WHERE {{
             ?rel a org:Membership ; org:member|org:organization <{THING}> ; schema:startDate ?start .
             OPTIONAL {{ ?rel schema:endDate ?end }} }}""",
    )
    expected = fixture_store().select(
        """SELECT ?rel ?start WHERE {
             ?rel a <http://www.w3.org/ns/org#Membership> ;
                  <http://www.w3.org/ns/org#member>|<http://www.w3.org/ns/org#organization> ?this ;
                  <https://schema.org/startDate> ?start }""",
        {"this": IRI(THING)},
    )
    assert rows and {(str(r[0]), str(r[1])) for r in rows} == {
        (r["rel"].value, r["start"].value) for r in expected
    }


@pytest.mark.parametrize("ext", [".ttl", ".nt", ".rdf", ".jsonld"])
def test_the_document_describes_itself(client: FlaskClient, ext: str) -> None:
    graph = graph_of(client, f"/doc/pct/5NT{ext}")
    rows = ask(
        graph,
        f"SELECT ?doc ?licence ?dataset WHERE {{ ?doc foaf:primaryTopic <{THING}> ;"
        " dcterms:license ?licence ; void:inDataset ?dataset }",
    )
    assert [(str(d), str(lic), str(ds)) for d, lic, ds in rows] == [
        (iris.BASE + "doc/pct/5NT", document.OGL, iris.BASE + "dataset")
    ]


def test_json_ld_is_compact_and_expands_to_the_same_triples(client: FlaskClient) -> None:
    data = json.loads(client.get("/doc/pct/5NT.jsonld").get_data(as_text=True))
    assert data["@context"] == "http://localhost/context.jsonld"
    keys = {key for node in data["@graph"] for key in node}
    assert "rdfs:label" in keys and not any(key.startswith("http") for key in keys)
    assert isomorphic(graph_of(client, "/doc/pct/5NT.jsonld"), graph_of(client, "/doc/pct/5NT.nt"))


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    """Pages of 5 incoming triples (5NT has 17 in the fixture), in an app of its own (documents are kept)."""
    monkeypatch.setattr(entity, "TRIPLES_PER_PAGE", 5)
    yield create_app(Settings(), store=fixture_store(), manifest=MANIFEST).test_client()


def next_link(header: str) -> str | None:
    for part in header.split(", <"):
        url, _, params = part.lstrip("<").partition(">")
        if 'rel="next"' in params:
            return url
    return None


@pytest.mark.parametrize("ext", [".ttl", ".jsonld"])
def test_incoming_links_page_by_page_with_link_next(small_pages: FlaskClient, ext: str) -> None:
    url: str | None = f"/doc/pct/5NT{ext}"
    seen: list[tuple[str, str]] = []
    pages = 0
    while url is not None:
        graph = graph_of(small_pages, url)
        seen += [
            (str(s), str(p))
            for s, p in graph.subject_predicates(rdflib.URIRef(THING))
            if p != rdflib.FOAF.primaryTopic  # the document's own description, on every page
        ]
        url = next_link(small_pages.get(url).headers["Link"])
        pages += 1
    # The fixture's own answer, not the service's.
    everything = fixture_store().select("SELECT ?s ?p WHERE { ?s ?p ?this }", {"this": IRI(THING)})
    assert pages == 4 and len(seen) == len(set(seen)) == len(everything) == 17
    assert set(seen) == {(r["s"].value, r["p"].value) for r in everything}


def test_a_document_of_one_page_has_no_next(client: FlaskClient) -> None:
    assert next_link(client.get("/doc/pct/5NT.ttl").headers["Link"]) is None
