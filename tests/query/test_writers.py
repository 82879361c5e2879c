"""The streaming result writers: the JSON term writer against json.dumps of the W3C form; the cap's marker
as strict parsers read it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib import RDF, Graph, URIRef

from service.query.writers import (
    TRUNCATED_LINK,
    Capped,
    graph_note,
    json_term_text,
    write_solutions,
    write_triples,
)
from service.terms import IRI, RDF_LANG_STRING, XSD_STRING, BNode, Literal, Term, Triple

RESULTS = "http://www.w3.org/2005/sparql-results#"

TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
DATATYPES = st.sampled_from([XSD_STRING, "http://www.w3.org/2001/XMLSchema#date", 'x:é"\\'])
TERMS = st.one_of(
    st.builds(IRI, TEXT),
    st.builds(BNode, TEXT),
    st.builds(Literal, TEXT, DATATYPES, st.none()),
    st.builds(Literal, TEXT, st.just(RDF_LANG_STRING), st.sampled_from(["en", "cy", "en-GB"])),
)


def w3c_form(term: Term) -> dict[str, str]:
    """SPARQL 1.1 Query Results JSON Format, section 3.2.2."""
    if isinstance(term, IRI):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": term.label}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype != XSD_STRING:
        out["datatype"] = term.datatype
    return out


@given(TERMS)
def test_a_json_term_is_what_json_dumps_writes_for_its_w3c_form(term: Term) -> None:
    text = json_term_text(term)
    assert text == json.dumps(w3c_form(term))
    assert json.loads(text) == w3c_form(term)


def test_turtle_writes_rdf_type_as_a_only_where_it_is_the_verb() -> None:
    """`a` stands for rdf:type as a predicate only: as an object (a property partition's void:property)
    it must stay an IRI, or the Turtle does not parse."""
    rdf_type = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        Triple(IRI("http://example.org/s"), rdf_type, IRI("http://example.org/C")),
        Triple(BNode("p0"), IRI("http://rdfs.org/ns/void#property"), rdf_type),
    ]
    prefixes = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "void": "http://rdfs.org/ns/void#"}
    text = b"".join(write_triples("turtle", triples, prefixes)).decode()
    parsed = Graph().parse(data=text, format="turtle")
    assert len(parsed) == 2
    assert len(list(parsed.subjects(URIRef("http://rdfs.org/ns/void#property"), RDF.type))) == 1


ROWS: list[dict[str, Term]] = [
    {"s": IRI(f"http://e/{i}"), "o": Literal(f'a "quoted"\t{i}', language="en")} for i in range(5)
]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("limit", [3, 5])
def test_a_cut_answer_says_so_in_its_head_and_strict_parsers_read_it(fmt: str, limit: int) -> None:
    rows = Capped(ROWS, limit)
    body = b"".join(write_solutions(fmt, ["s", "o"], rows))
    assert rows.truncated == (limit < len(ROWS))
    parsed = ox.parse_query_results(
        body,
        {
            "json": ox.QueryResultsFormat.JSON,
            "xml": ox.QueryResultsFormat.XML,
            "tsv": ox.QueryResultsFormat.TSV,
        }[fmt],
    )
    assert isinstance(parsed, ox.QuerySolutions)
    assert [s["o"].value for s in parsed] == [r["o"].value for r in ROWS[:limit]]  # type: ignore[union-attr]
    if fmt == "json":
        assert ("link" in json.loads(body)["head"]) == rows.truncated
        assert json.loads(body).get("head", {}).get("link", [TRUNCATED_LINK]) == [TRUNCATED_LINK]
    if fmt == "xml":
        links = [e.get("href") for e in ET.fromstring(body).iter(f"{{{RESULTS}}}link")]  # noqa: S314 - our own output
        assert links == ([TRUNCATED_LINK] if rows.truncated else [])


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_a_cut_graph_answer_begins_with_a_comment_its_parsers_skip(fmt: str) -> None:
    note = graph_note(fmt, 3)
    triples = Capped([Triple(IRI(f"http://e/{i}"), IRI("http://e/p"), Literal(str(i))) for i in range(3)], 3)
    body = note + b"".join(write_triples(fmt, triples, {"e": "http://e/"}))
    assert note.startswith(b"# truncated")
    assert len(rdflib.Graph().parse(data=body, format={"ntriples": "nt", "turtle": "turtle"}[fmt])) == 3
    assert graph_note("jsonld", 3) == b""
