"""Content negotiation: pure Accept-header parsing and the media-type tables of the service.

`negotiate(accept_header, offers)` is the general entry point (the pages use it too): it returns the offer
the client likes best, ties going to the server's order of preference, or None when nothing offered is
acceptable. Format names ("json", "turtle", ...) are the ones `service.store` serialises by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Media type -> format name, in the server's order of preference (the first is the default).
SOLUTION_MEDIA_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
# Other names clients use for the same formats; accepted, never preferred.
SOLUTION_ALIASES: dict[str, str] = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
GRAPH_ALIASES: dict[str, str] = {
    "application/x-turtle": "turtle",
    "text/n3": "turtle",  # Turtle is N3's RDF subset: what SPARQLWrapper's N3 asks for
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/plain": "ntriples",
}
# What `format=` may say besides a media type (Fuseki's and Virtuoso's short names).
FORMAT_NAMES: dict[str, str] = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "sparql": "xml",  # Fuseki's name for SPARQL XML results
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "trig": "trig",
    "nquads": "nquads",
    "nq": "nquads",
    "n-quads": "nquads",
}
MEDIA_TYPE_OF: dict[str, str] = {
    **{name: mt for mt, name in SOLUTION_MEDIA_TYPES.items()},
    **{name: mt for mt, name in GRAPH_MEDIA_TYPES.items()},
}


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    quality: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return min(max(q, 0.0), 1.0) if q == q else 0.0  # NaN is not a quality
    return 1.0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements are skipped, as RFC 9110 allows."""
    ranges: list[MediaRange] = []
    for element in (header or "").split(","):
        media, *params = element.split(";")
        main, slash, sub = media.strip().lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(main, sub, _quality(params)))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """How much the client wants `media_type`: the quality of the most specific range matching it."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type.lower()) and (best is None or r.specificity > best.specificity):
            best = r
    return best.quality if best is not None else 0.0


def negotiate(accept_header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers (ties go to the earlier offer), or None if none is acceptable.

    No Accept header, or one with no usable element, accepts anything: the first offer wins.
    """
    if not offers:
        return None
    ranges = parse_accept(accept_header)
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def _choose(
    accept_header: str | None, preferred: Mapping[str, str], aliases: Mapping[str, str]
) -> str | None:
    offered = [*preferred, *(a for a in aliases if a not in preferred)]
    chosen = negotiate(accept_header, offered)
    if chosen is None:
        return None
    return preferred.get(chosen) or aliases[chosen]


def solution_format(accept_header: str | None) -> str | None:
    """The format name for SELECT/ASK results the client accepts best."""
    return _choose(accept_header, SOLUTION_MEDIA_TYPES, SOLUTION_ALIASES)


def graph_format(accept_header: str | None) -> str | None:
    """The format name for CONSTRUCT/DESCRIBE results the client accepts best."""
    return _choose(accept_header, GRAPH_MEDIA_TYPES, GRAPH_ALIASES)


def format_override(value: str) -> tuple[str | None, str | None] | None:
    """What `format=` asks for, as (solution format, graph format); None if it names nothing we know.

    A name that fits one kind of result only ("csv", "turtle") leaves the other kind to the Accept header,
    which the caller signals by a None in that position; "json" and "xml" fit both kinds.
    """
    key = value.strip().lower()
    if key in SOLUTION_MEDIA_TYPES or key in GRAPH_MEDIA_TYPES:
        return SOLUTION_MEDIA_TYPES.get(key), GRAPH_MEDIA_TYPES.get(key)
    if key in SOLUTION_ALIASES or key in GRAPH_ALIASES:
        return SOLUTION_ALIASES.get(key), GRAPH_ALIASES.get(key)
    if key not in FORMAT_NAMES:
        return None
    name = FORMAT_NAMES[key]
    both = {"json": ("json", "jsonld"), "xml": ("xml", "rdfxml")}
    if key in both:
        return both[key]
    if name in SOLUTION_MEDIA_TYPES.values():
        return name, None
    return None, name
