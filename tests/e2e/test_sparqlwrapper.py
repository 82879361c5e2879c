"""SPARQLWrapper against a live server, in every result format and every RDF format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import RDF, URIRef
from SPARQLWrapper import CSV, JSON, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.Wrapper import JSONLD

from tests.live import LiveServer
from tests.sparql_fixtures import parse_rdf

pytestmark = pytest.mark.e2e
CCG = "https://w3id.org/nhs-commissioning/def#ClinicalCommissioningGroup"
SELECT = f"SELECT ?s WHERE {{ ?s a <{CCG}> }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{CCG}> }} WHERE {{ ?s a <{CCG}> }}"
CODES = ["00C", "00D", "00K"]


def wrapper(server: LiveServer, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.sparql)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


def _codes(values: list[str]) -> list[str]:
    return sorted(v.rsplit("/", 1)[-1] for v in values)


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_json(protocol_server: LiveServer, method: str) -> None:
    data = wrapper(protocol_server, SELECT, JSON, method).queryAndConvert()
    assert _codes([b["s"]["value"] for b in data["results"]["bindings"]]) == CODES  # type: ignore[index]


def test_select_xml(protocol_server: LiveServer) -> None:
    document = wrapper(protocol_server, SELECT, XML).query().response.read()
    uris = [e.text or "" for e in ET.fromstring(document).iter("{http://www.w3.org/2005/sparql-results#}uri")]  # noqa: S314
    assert _codes(uris) == CODES


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_select_csv_tsv(protocol_server: LiveServer, fmt: str, delimiter: str) -> None:
    text = wrapper(protocol_server, SELECT, fmt).query().response.read().decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0] in (["s"], ["?s"])
    assert _codes([r[0].strip("<>") for r in rows[1:]]) == CODES


def test_ask(protocol_server: LiveServer) -> None:
    data = wrapper(protocol_server, f"ASK {{ ?s a <{CCG}> }}", JSON).queryAndConvert()
    assert data == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [(TURTLE, "turtle"), (N3, "turtle"), (RDFXML, "xml"), (JSONLD, "json-ld")]
)
def test_construct_in_every_rdf_format(protocol_server: LiveServer, fmt: str, rdflib_format: str) -> None:
    body = wrapper(protocol_server, CONSTRUCT, fmt).query().response.read()
    graph = parse_rdf(body, rdflib_format)
    assert _codes([str(s) for s in graph.subjects(RDF.type, URIRef(CCG))]) == CODES


def test_describe(protocol_server: LiveServer) -> None:
    iri = "https://w3id.org/nhs-commissioning/id/ccg/00K"
    body = wrapper(protocol_server, f"DESCRIBE <{iri}>", TURTLE).query().response.read()
    graph = parse_rdf(body, "turtle")
    assert (URIRef(iri), RDF.type, URIRef(CCG)) in graph


def test_service_description_through_sparqlwrapper_headers(protocol_server: LiveServer) -> None:
    sparql = SPARQLWrapper(protocol_server.sparql)
    sparql.setQuery(SELECT)
    sparql.setReturnFormat(JSON)
    assert json.loads(sparql.query().response.read())["head"]["vars"] == ["s"]
