"""Helpers of the converter tests: load converter output into the service's store and query it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from service import iris
from service.ingest.turtle import Lit, Obj, Triples
from service.store import OxigraphStore
from service.terms import IRI, XSD_STRING, Literal, Term, Triple

PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in iris.PREFIXES.items())


def _term(obj: Obj) -> Term:
    if isinstance(obj, Lit):
        return Literal(obj.value, obj.datatype or XSD_STRING, obj.lang)
    return IRI(obj)


def _triples(triples: Triples) -> Iterator[Triple]:
    for s, p, o in triples:
        yield Triple(IRI(s), IRI(p), _term(o))


def load(outputs: Mapping[str, Triples]) -> OxigraphStore:
    """A store with each output stem in its named graph (graph/{stem}), as the build loads data/ttl."""
    store = OxigraphStore.in_memory()
    for stem, triples in outputs.items():
        store.add_triples(_triples(triples), iris.graph(stem))
    return store


def select(store: OxigraphStore, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT (our prefixes declared), each value as text, unbound as ''."""
    result = store.query(PREFIXES + query)
    names = result.variables
    return [tuple(row[n].value if n in row else "" for n in names) for row in result.rows()]
