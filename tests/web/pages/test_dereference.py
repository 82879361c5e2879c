"""Cool URIs: /id/ answers 303 to a document chosen by Accept; each format describes the thing."""

from __future__ import annotations

import json
import warnings
from urllib.parse import urlsplit

import pytest
import rdflib
from flask.testing import FlaskClient

from service import iris

PCT = iris.ID + "pct/5NT"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        (None, "/doc/pct/5NT"),
        ("*/*", "/doc/pct/5NT"),
        (BROWSER, "/doc/pct/5NT"),
        ("text/html", "/doc/pct/5NT"),
        ("text/turtle", "/doc/pct/5NT.ttl"),
        ("application/ld+json", "/doc/pct/5NT.jsonld"),
        ("application/json", "/doc/pct/5NT.jsonld"),
        ("application/n-triples", "/doc/pct/5NT.nt"),
        ("application/rdf+xml", "/doc/pct/5NT.rdf"),
        ("text/turtle;q=0.5, application/ld+json", "/doc/pct/5NT.jsonld"),
        ("text/html;q=0.1, text/turtle;q=0.9", "/doc/pct/5NT.ttl"),
    ],
)
def test_id_redirects_by_accept(client: FlaskClient, accept: str | None, location: str) -> None:
    response = client.get("/id/pct/5NT", headers={"Accept": accept} if accept else {})
    assert response.status_code == 303
    assert response.headers["Location"] == location
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("url", "accept", "status", "media_type"),
    [
        ("/doc/pct/5NT", None, 200, "text/html"),
        ("/doc/pct/5NT", "text/turtle", 200, "text/turtle"),
        ("/doc/pct/5NT.html", "text/turtle", 200, "text/html"),
        ("/doc/pct/5NT.ttl", "text/html", 200, "text/turtle"),
        ("/doc/pct/5NT.jsonld", None, 200, "application/ld+json"),
        ("/doc/pct/5NT.nt", None, 200, "application/n-triples"),
        ("/doc/pct/5NT.rdf", None, 200, "application/rdf+xml"),
        ("/id/pct/5NT", "image/png", 406, None),
        ("/id/pct/ZZZ", "text/html", 404, "text/html"),
        ("/doc/pct/ZZZ.ttl", None, 404, None),
        ("/id/pct/5N%20T", None, 400, None),
        ("/id/pct/%3Cscript%3E", None, 400, None),
        ("/doc/pct/5NT?at=2012-13-45", None, 400, None),
        ("/doc/pct/5NT?page=0", None, 400, None),
        ("/def", None, 200, "text/html"),
        ("/def", "text/turtle", 200, "text/turtle"),
        ("/def.ttl", None, 200, "text/turtle"),
        ("/def.jsonld", None, 200, "application/ld+json"),
        ("/def.nt", None, 200, "application/n-triples"),
        ("/def.rdf", None, 200, "application/rdf+xml"),
        ("/def.xyz", None, 404, None),
    ],
)
def test_status_and_type(
    client: FlaskClient, url: str, accept: str | None, status: int, media_type: str | None
) -> None:
    response = client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == status
    if media_type:
        assert response.mimetype == media_type


def test_alternates_and_vary(client: FlaskClient) -> None:
    response = client.get("/doc/pct/5NT")
    links = response.headers["Link"]
    for ext, media_type in [
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".rdf", "application/rdf+xml"),
    ]:
        assert f'</doc/pct/5NT{ext}>; rel="alternate"; type="{media_type}"' in links
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("ext", "fmt"), [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")]
)
def test_rdf_describes_the_thing(client: FlaskClient, ext: str, fmt: str) -> None:
    graph = rdflib.Graph()
    data = client.get(f"/doc/pct/5NT{ext}").data
    if fmt == "json-ld":  # compact, naming the published context: fetched here, as a processor would
        document = json.loads(data)
        document["@context"] = json.loads(client.get(urlsplit(document["@context"]).path).data)["@context"]
        data = json.dumps(document).encode()
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser still builds a ConjunctiveGraph, which it deprecates.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=data, format=fmt)
    rows = graph.query(
        """SELECT ?label ?ods ?sha WHERE {
             ?pct a nhs:PrimaryCareTrust ; rdfs:label ?label ; nhs:odsCode ?ods ; org:reportsTo ?sha .
             ?ccg nhs:succeeds ?pct . }""",
        initNs={"nhs": iris.DEF, "org": iris.PREFIXES["org"], "rdfs": iris.PREFIXES["rdfs"]},
    )
    found = {(str(r[0]), str(r[1]), str(r[2])) for r in rows}  # type: ignore[index]
    assert found == {("Manchester Primary Care Trust", "5NT", iris.ID + "sha/Q31")}
    assert all(str(s).startswith("https://") or isinstance(s, rdflib.BNode) for s in graph.subjects())


def test_rdf_keeps_canonical_iris_under_another_host(client: FlaskClient) -> None:
    response = client.get("/doc/pct/5NT.nt", base_url="http://example.test:9999")
    assert PCT.encode() in response.data
    assert b"example.test" not in response.data


def test_html_links_point_at_this_host(client: FlaskClient) -> None:
    html = client.get("/doc/pct/5NT", base_url="http://example.test:9999").get_data(as_text=True)
    assert 'href="/doc/sha/Q31"' in html
    assert 'href="https://w3id.org/nhs-commissioning/id/sha/Q31"' not in html


def test_ontology_rdf_parses(client: FlaskClient) -> None:
    graph = rdflib.Graph()
    graph.parse(data=client.get("/def.ttl").data, format="turtle")
    classes = set(graph.subjects(rdflib.RDF.type, rdflib.OWL.Class))
    assert rdflib.URIRef(iris.DEF + "PrimaryCareTrust") in classes


@pytest.mark.parametrize(
    "path",
    [
        "/doc/person/jane-example",
        "/doc/source/ods-epcmem-2019-08",
        "/doc/interval/2006-10-01--2013-03-31",
        "/doc/event/2013-04-01/manchester-ccgs-established",
        "/doc/pct/5NT/membership/pct-cluster/nhs-greater-manchester/2011-10-01",
        "/doc/practice/P84010?at=2010-01-01",
        "/doc/ccg/14L?at=2020-01-01&members_page=1",
    ],
)
def test_every_kind_of_thing_has_a_page(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 200
