"""/dumps, /.well-known/void, /void, /dataset and /graph/{name} (service/web/downloads.py) over a built
fixture project, through Flask's test client."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph

from service.build import builder, dumps
from service.config import Settings
from service.web.app import create_app
from service.web.downloads import NO_DUMPS
from service.web.pages.rdf import jsonld_context
from tests.sparql_fixtures import parse_rdf
from tests.void_fixtures import void_project

RDF_TYPES = [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]
RDF_TYPES += [("application/rdf+xml", "xml")]
VOID_COUNT = (
    "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?n WHERE { ?d void:uriSpace ?s ; void:triples ?n }"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    settings = void_project(tmp_path_factory.mktemp("downloads"))
    return settings, builder.build(settings).path


@pytest.fixture(scope="module")
def app(built: tuple[Settings, Path]) -> Iterator[Flask]:
    settings, folder = built
    yield create_app(settings.with_overrides(store_path=folder))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def parsed(data: bytes, rdflib_format: str) -> Graph:
    """The RDF of a response; compact JSON-LD with the published context in place of its URL, which is
    what a processor fetches."""
    if rdflib_format == "json-ld":
        document = json.loads(data)
        document["@context"] = jsonld_context()["@context"]
        data = json.dumps(document).encode()
    return parse_rdf(data, rdflib_format)


@pytest.mark.parametrize("path", ["/.well-known/void", "/void"])
@pytest.mark.parametrize(("accept", "rdflib_format"), RDF_TYPES)
def test_the_description_in_each_rdf_format(
    client: FlaskClient, path: str, accept: str, rdflib_format: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert response.headers["Vary"] == "Accept" and "ETag" in response.headers
    graph = parsed(response.data, rdflib_format)
    manifest_triples = builder.read_manifest(Path(client.application.extensions["nhskg"].built))["triples"]
    assert [str(row[0]) for row in graph.query(VOID_COUNT)] == [str(manifest_triples)]  # type: ignore[index]


def test_an_extension_names_one_format_and_an_unknown_one_is_404(client: FlaskClient) -> None:
    assert client.get("/void.nt").mimetype == "application/n-triples"
    assert client.get("/void.xyz").status_code == 404


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.shas: list[str] = []
        self._in_sha = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        self._in_sha = tag == "code" and found.get("class") == "sha256"

    def handle_data(self, data: str) -> None:
        if self._in_sha:
            self.shas.append(data)
            self._in_sha = False


def test_the_html_page_lists_every_dump_with_its_sha256(
    client: FlaskClient, built: tuple[Settings, Path]
) -> None:
    response = client.get("/void", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Links()
    page.feed(response.get_data(as_text=True))
    published = dumps.load_published(built[1])
    assert published is not None
    assert sorted(page.shas) == sorted(d.sha256 for d in published.dumps)
    assert {f"http://localhost/dumps/{d.file}" for d in published.dumps} <= set(page.hrefs)


def test_a_dump_is_sent_with_its_digest_validators_and_ranges(
    client: FlaskClient, built: tuple[Settings, Path]
) -> None:
    published = dumps.load_published(built[1])
    assert published is not None
    whole = published.whole()
    response = client.get(f"/dumps/{whole.file}")
    assert response.status_code == 200 and response.mimetype == "application/gzip"
    assert hashlib.sha256(response.data).hexdigest() == whole.sha256 and len(response.data) == whole.bytes
    assert response.headers["ETag"] == f'"{whole.sha256}"' and "Last-Modified" in response.headers
    digest = base64.b64encode(bytes.fromhex(whole.sha256)).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    part = client.get(f"/dumps/{whole.file}", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == response.data[10:20]
    again = client.get(f"/dumps/{whole.file}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    turtle = client.get("/dumps/graph/links.ttl")
    turtle.close()  # a file werkzeug sends is closed with its response
    assert turtle.mimetype == "text/turtle" and turtle.headers["Content-Type"].count("charset") == 1
    for sent in (response, part, again):
        sent.close()


def test_unknown_dumps_are_404(client: FlaskClient) -> None:
    assert client.get("/dumps/graph/nothing.ttl").status_code == 404
    assert client.get("/dumps/published.json").status_code == 404  # the record is not a dump
    assert client.get("/dumps/../manifest.json").status_code == 404


def test_a_build_without_dumps_says_so(built: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, folder = built
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    shutil.rmtree(old / dumps.FOLDER)
    client = create_app(settings.with_overrides(store_path=old)).test_client()
    response = client.get("/dumps/nhs-commissioning.nq.gz")
    assert response.status_code == 404 and NO_DUMPS in response.get_data(as_text=True)
    assert client.get("/void", headers={"Accept": "text/html"}).status_code == 200
    description = Graph().parse(data=client.get("/void.ttl").data, format="turtle")
    assert not list(description.query("SELECT ?d WHERE { ?x <http://rdfs.org/ns/void#dataDump> ?d }"))


def test_the_dataset_iri_redirects_to_its_description(client: FlaskClient) -> None:
    response = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/.well-known/void")


@pytest.mark.parametrize(("accept", "rdflib_format"), RDF_TYPES)
def test_a_named_graph_dereferences_to_its_description(
    client: FlaskClient, accept: str, rdflib_format: str
) -> None:
    response = client.get("/graph/links", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    graph = parsed(response.data, rdflib_format)
    query = """PREFIX void: <http://rdfs.org/ns/void#> SELECT ?n ?dump WHERE {
      <https://w3id.org/nhs-commissioning/graph/links> void:triples ?n ; void:dataDump ?dump }"""
    assert [(str(n), str(d)) for n, d in graph.query(query)] == [
        ("5", "http://localhost/dumps/graph/links.ttl")
    ]  # type: ignore[misc]


def test_a_named_graph_in_html_and_an_unknown_one(client: FlaskClient) -> None:
    page = client.get("/graph/links", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"Named graph links" in page.data
    assert client.get("/graph/nothing").status_code == 404
