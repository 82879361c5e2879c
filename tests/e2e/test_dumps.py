"""A client of the published dumps, end to end: it reads /.well-known/void as RDF (rdflib), downloads every
dump the description names from a live `nhskg serve`, checks each one's size and sha256, loads it into a
fresh pyoxigraph store and finds as many triples as the endpoint counts by SPARQL, per graph and overall."""

from __future__ import annotations

import gzip
import hashlib
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Graph

from tests.live import LiveServer, live_server
from tests.void_fixtures import void_project

pytestmark = pytest.mark.e2e
DUMPS = """
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
SELECT ?dataset ?url ?size ?sha256 ?triples ?media WHERE {
  ?dataset void:dataDump ?url ; void:triples ?triples ; dcat:distribution ?d .
  ?d dcat:downloadURL ?url ; dcat:byteSize ?size ; dcat:mediaType ?media ;
     spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sha256 ] .
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("dumps-e2e")
    settings = void_project(folder)
    env = {"NHSKG_ROOT": str(settings.root), "NHSKG_CACHE_DIR": str(settings.cache)}
    with live_server(env, ["--workers", "1"], log=folder / "server.log") as running:
        yield running


def _get(url: str, accept: str = "*/*") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as response:
        body: bytes = response.read()
        return body


def _count(server: LiveServer, query: str) -> int:
    url = f"{server.sparql}?{urllib.parse.urlencode({'query': query})}"
    rows = json.loads(_get(url, "application/sparql-results+json"))["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def test_every_dump_the_description_names_has_its_size_sha256_and_triples(server: LiveServer) -> None:
    description = Graph().parse(data=_get(f"{server.url}/.well-known/void", "text/turtle"), format="turtle")
    dumps = list(description.query(DUMPS))
    assert len(dumps) == 1 + 4  # the whole dataset; the graphs ontology, links, pcts and inferred
    whole_seen = False
    for dataset, url, size, sha256, triples, media in dumps:  # type: ignore[misc]
        assert str(url).startswith(server.url + "/dumps/")
        body = _get(str(url))
        assert len(body) == int(size) and hashlib.sha256(body).hexdigest() == str(sha256)
        store = ox.Store()
        if str(media).endswith("/application/n-quads"):
            whole_seen = True
            store.load(gzip.decompress(body), ox.RdfFormat.N_QUADS)
            everything = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
            assert len(store) == int(triples) == _count(server, everything)
        else:
            store.load(body, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(dataset)))
            in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{dataset}> {{ ?s ?p ?o }} }}"
            assert len(store) == int(triples) == _count(server, in_graph)
    assert whole_seen


def test_the_service_description_points_to_the_dataset_and_its_description(server: LiveServer) -> None:
    sd = Graph().parse(data=_get(server.sparql, "text/turtle"), format="turtle")
    rows = list(
        sd.query(
            """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?dataset ?void WHERE { ?s sd:defaultDataset ?dataset . ?dataset rdfs:seeAlso ?void }"""
        )
    )
    assert [(str(d), str(v)) for d, v in rows] == [  # type: ignore[misc]
        ("https://w3id.org/nhs-commissioning/dataset", f"{server.url}/.well-known/void")
    ]
