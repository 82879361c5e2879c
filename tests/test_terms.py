"""RDF terms (service/terms.py): the one N-Triples form of each term, read back by pyoxigraph's parser
through the store, must be the term itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.store import OxigraphStore
from service.terms import IRI, RDF_LANG_STRING, XSD_STRING, BNode, Literal, Term

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
IRIS = st.builds(
    IRI, st.from_regex(r"http://example\.org/[a-z0-9/-]{0,12}(#[a-z0-9-]{0,6})?", fullmatch=True)
)
OBJECTS = st.one_of(
    IRIS,
    st.builds(Literal, TEXT),
    st.builds(Literal, TEXT, st.just(RDF_LANG_STRING), st.sampled_from(["en", "cy", "en-gb"])),
    st.builds(Literal, TEXT, st.just("http://example.org/datatype")),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(OBJECTS, min_size=1, max_size=8, unique=True))
def test_n3_is_read_back_as_the_same_term(objects: list[Term]) -> None:
    subject, predicate = IRI("http://example.org/s"), IRI("http://example.org/p")
    data = "".join(f"{subject.n3()} {predicate.n3()} {o.n3()} .\n" for o in objects)
    store = OxigraphStore.in_memory()
    store.update(f"INSERT DATA {{ GRAPH <http://example.org/g> {{ {data} }} }}")
    assert {row["o"] for row in store.select("SELECT ?o WHERE { ?s ?p ?o }")} == set(objects)


def test_a_language_makes_a_language_string_and_xsd_string_is_written_plain() -> None:
    assert Literal("x", language="en").datatype == RDF_LANG_STRING
    assert Literal("x") == Literal("x", XSD_STRING) and Literal("x").n3() == '"x"'
    assert Literal('a "b"\n\\', "http://e/d").n3() == '"a \\"b\\"\\n\\\\"^^<http://e/d>'


def test_characters_an_iri_may_not_hold_are_escaped() -> None:
    assert IRI("http://e/a b<c>").n3() == "<http://e/a\\u0020b\\u003Cc\\u003E>"


def test_a_blank_node_label_never_starts_with_a_digit() -> None:
    assert BNode("abc").n3() == "_:abc" and BNode("0f3").n3() == "_:b0f3"
    assert BNode("0f3").value == "0f3"
