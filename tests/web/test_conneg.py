"""Content negotiation: an Accept-header table, and the laws a choice must obey (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.web import conneg

OFFERS = ["text/turtle", "application/ld+json", "text/html"]

NEGOTIATE = [
    (None, "text/turtle"),
    ("", "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/html", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
    ("text/*;q=0.3, application/ld+json;q=0.2", "text/turtle"),
    ("text/*, text/turtle;q=0", "text/html"),
    ("image/png", None),
    ("TEXT/HTML", "text/html"),
    ("garbage", "text/turtle"),
    ("text/html;q=abc, application/ld+json", "application/ld+json"),
]


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATE)
def test_negotiate_table(accept: str | None, expected: str | None) -> None:
    assert conneg.negotiate(accept, OFFERS) == expected


SOLUTIONS = [
    (None, "json"),
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/json", "json"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/csv;q=0.5, text/tab-separated-values", "tsv"),
    ("application/xml", "xml"),
    ("text/turtle", None),
]


@pytest.mark.parametrize(("accept", "expected"), SOLUTIONS)
def test_solution_formats(accept: str | None, expected: str | None) -> None:
    assert conneg.solution_format(accept) == expected


GRAPHS = [
    (None, "turtle"),
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/trig", "trig"),
    ("application/n-quads", "nquads"),
    ("application/json", "jsonld"),
    ("application/sparql-results+json", None),
]


@pytest.mark.parametrize(("accept", "expected"), GRAPHS)
def test_graph_formats(accept: str | None, expected: str | None) -> None:
    assert conneg.graph_format(accept) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("json", ("json", "jsonld")),
        ("csv", ("csv", None)),
        ("ttl", (None, "turtle")),
        ("text/turtle", (None, "turtle")),
        ("application/sparql-results+xml", ("xml", None)),
        ("sparql", ("xml", None)),  # Fuseki's name for SPARQL XML results
        ("srj", ("json", None)),
        ("xml", ("xml", "rdfxml")),
        ("nonsense", None),
    ],
)
def test_format_override(value: str, expected: tuple[str | None, str | None] | None) -> None:
    assert conneg.format_override(value) == expected


MEDIA_TYPES = st.sampled_from([*conneg.SOLUTION_MEDIA_TYPES, *conneg.GRAPH_MEDIA_TYPES, "text/html", "*/*"])
QUALITIES = st.sampled_from(["", ";q=0", ";q=0.1", ";q=0.5", ";q=1", ";q=0.999"])
ACCEPT = st.lists(st.tuples(MEDIA_TYPES, QUALITIES), max_size=6).map(
    lambda items: ", ".join(t + q for t, q in items)
)
OFFER_LISTS = st.lists(st.sampled_from([*conneg.GRAPH_MEDIA_TYPES, "text/html"]), min_size=1, unique=True)


@given(ACCEPT, OFFER_LISTS)
def test_choice_is_an_acceptable_offer(accept: str, offers: list[str]) -> None:
    chosen = conneg.negotiate(accept, offers)
    ranges = conneg.parse_accept(accept)
    if chosen is not None:
        assert chosen in offers
        assert not ranges or conneg.quality(ranges, chosen) > 0
    else:
        assert all(conneg.quality(ranges, o) == 0 for o in offers)


@given(ACCEPT, OFFER_LISTS)
def test_no_offer_is_preferred_to_the_choice(accept: str, offers: list[str]) -> None:
    chosen = conneg.negotiate(accept, offers)
    ranges = conneg.parse_accept(accept)
    if chosen is not None and ranges:
        assert all(conneg.quality(ranges, o) <= conneg.quality(ranges, chosen) for o in offers)


@given(st.text(max_size=80))
def test_any_header_is_survived(header: str) -> None:
    assert conneg.negotiate(header, OFFERS) in [*OFFERS, None]
