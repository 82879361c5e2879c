"""The writers of a page's RDF (service/web/pages/rdf.py): whatever the triples, each format parses back
(with rdflib) to the same graph, and the output does not depend on the order the triples came in."""

from __future__ import annotations

import json

import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from service import iris
from service.terms import IRI, RDF_LANG_STRING, XSD_STRING, BNode, Literal, Term, Triple
from service.web.pages.rdf import (
    WRITERS,
    compact_jsonld,
    embeddable_jsonld,
    jsonld_context,
    rdfxml,
    serialize,
    turtle,
)
from tests.sparql_fixtures import parse_rdf

XSD = iris.PREFIXES["xsd"]
RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
NAMESPACES = [*iris.PREFIXES.values(), "http://example.org/other/"]
# Local names that a prefix can shorten, and ones it cannot (a slash, a leading digit, a dot at the end).
LOCAL = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True), st.sampled_from(["a/b", "1x", "x."])
)
IRIS = st.builds(lambda ns, local: IRI(ns + local), st.sampled_from(NAMESPACES), LOCAL)
# A predicate must end in an XML name to be written as RDF/XML.
PREDICATES = st.builds(
    lambda ns, local: IRI(ns + local),
    st.sampled_from(NAMESPACES),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,8}", fullmatch=True),
)
# pyoxigraph's blank node ids may start with a digit, which no XML name may.
BNODES = st.builds(BNode, st.from_regex(r"[A-Za-z0-9]{1,7}", fullmatch=True))
# Text XML 1.0 can carry: no C0 control but tab, newline and carriage return.
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"), max_size=20)
LITERALS = st.one_of(
    st.builds(Literal, TEXT),
    st.builds(Literal, TEXT, st.just(RDF_LANG_STRING), st.sampled_from(["en", "cy", "en-GB"])),
    st.builds(Literal, st.integers().map(str), st.just(XSD + "integer")),
    st.builds(Literal, st.dates().map(str), st.just(XSD + "date")),
    st.builds(Literal, TEXT, st.just("http://example.org/datatype")),
)
TRIPLES = st.lists(
    st.builds(Triple, st.one_of(IRIS, BNODES), PREDICATES, st.one_of(IRIS, BNODES, LITERALS)), max_size=12
)


def rdflib_term(term: Term) -> rdflib.term.Node:
    """The oracle: our term as rdflib builds it, without going through any writer of ours."""
    if isinstance(term, IRI):
        return rdflib.URIRef(term.value)
    if isinstance(term, BNode):
        return rdflib.BNode(term.id)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = None if term.datatype == XSD_STRING else rdflib.URIRef(term.datatype)
    return rdflib.Literal(term.value, datatype=datatype)


def expected(triples: list[Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return graph


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@settings(max_examples=60, deadline=None)
@given(triples=TRIPLES)
def test_each_format_parses_back_to_the_same_graph(fmt: str, triples: list[Triple]) -> None:
    written = serialize(triples, fmt)
    assert isomorphic(parse_rdf(written, RDFLIB[fmt]), expected(triples)), written


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@given(triples=TRIPLES, data=st.data())
def test_the_output_is_the_same_whatever_the_order_and_repeats(
    fmt: str, triples: list[Triple], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(triples + triples[:2]))
    assert serialize(shuffled, fmt) == serialize(triples, fmt)


@given(triples=TRIPLES)
def test_embeddable_jsonld_cannot_close_its_script_element(triples: list[Triple]) -> None:
    embedded = embeddable_jsonld(triples)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == json.loads(serialize(triples, "jsonld"))


PCT = IRI(iris.org("pct", "5NT"))
LABEL = IRI(iris.PREFIXES["rdfs"] + "label")
TYPE = IRI(iris.PREFIXES["rdf"] + "type")


def test_turtle_shortens_with_the_projects_prefixes_and_puts_the_type_first() -> None:
    triples = [
        Triple(PCT, LABEL, Literal("Manchester PCT", language="en")),
        Triple(PCT, TYPE, IRI(iris.DEF + "PrimaryCareTrust")),
        Triple(PCT, IRI(iris.PREFIXES["schema"] + "foundingDate"), Literal("2006-10-01", XSD + "date")),
    ]
    text = turtle(triples)
    assert "@prefix nhs: <https://w3id.org/nhs-commissioning/def#> ." in text
    body = text.split("\n\n", 1)[1]
    assert body.splitlines() == [
        "<https://w3id.org/nhs-commissioning/id/pct/5NT>",
        "    a nhs:PrimaryCareTrust ;",
        '    rdfs:label "Manchester PCT"@en ;',
        '    schema:foundingDate "2006-10-01"^^xsd:date .',
    ]


def test_rdfxml_refuses_a_predicate_that_is_no_xml_name() -> None:
    with pytest.raises(ValueError, match="as an XML name"):
        rdfxml([Triple(PCT, IRI("http://example.org/1"), Literal("x"))])


def test_an_empty_page_is_an_empty_graph_in_every_format() -> None:
    for fmt, name in RDFLIB.items():
        assert len(parse_rdf(serialize([], fmt), name)) == 0


@settings(max_examples=80, deadline=None)
@given(triples=TRIPLES)
def test_compact_jsonld_with_the_published_context_is_the_same_graph(triples: list[Triple]) -> None:
    written = json.loads(compact_jsonld(triples, "https://example.org/context.jsonld"))
    assert written["@context"] == "https://example.org/context.jsonld"
    written["@context"] = jsonld_context()["@context"]  # what a processor fetches from the URL
    assert isomorphic(parse_rdf(json.dumps(written), "json-ld"), expected(triples)), written
