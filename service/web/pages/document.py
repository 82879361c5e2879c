"""The RDF document about a thing, made to stand alone: what a machine reads at `/doc/{path}.ttl` and in
every other RDF format.

Beside the triples of the view (`entity.document_triples`: every triple about the thing, one page of those
pointing at it), the document carries
- the membership, accountability and post-holding nodes it names (all the thing's relations, and those of
  the incoming links on the page), with their triples (dates, parties, sources), so that a reader needs no
  second request to learn when a relation held; a node's link back to the thing stays on the page of
  incoming links that holds it, so that the pages split those links exactly;
- every `rdfs:label` the store has for an IRI the document links (subjects, properties, classes, objects);
- a description of the document itself: `foaf:primaryTopic` the thing, `dcterms:license` (the Open
  Government Licence v3, as the sources' own records say), `void:inDataset` the dataset.
A page beyond the first is its own document (`doc/{path}?page=N`), `dcterms:isPartOf` the first.
"""

from __future__ import annotations

from service import iris, queries
from service.store import Store
from service.terms import IRI, Triple
from service.web.pages import entity
from service.web.pages.entity import EntityView, document_triples

RDF_TYPE = IRI(iris.PREFIXES["rdf"] + "type")
FOAF = iris.PREFIXES["foaf"]
DCTERMS = iris.PREFIXES["dcterms"]
VOID = iris.PREFIXES["void"]
OGL = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DATASET = "dataset"  # the dataset's IRI, relative to the canonical base


def document_iri(base: str, path: str, page: int = 1) -> str:
    """The canonical IRI of the document about `{base}id/{path}` (of one page of it beyond the first)."""
    return f"{base}doc/{path}" + (f"?page={page}" if page > 1 else "")


def standalone_triples(store: Store, view: EntityView, base: str, path: str) -> list[Triple]:
    """The view's triples, the relation nodes they name, the labels of what they link, and the document."""
    triples = document_triples(view)
    this = IRI(view.iri)
    # A triple pointing at the thing is on one page only, the page of the incoming links that holds it.
    triples += [t for t in relation_nodes(store, _node_candidates(view, triples)) if t.object != this]
    triples += about_document(view, base, path)
    triples += labels(store, triples)
    return triples


def _node_candidates(view: EntityView, triples: list[Triple]) -> set[str]:
    named = {r.iri for r in view.relations}
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, IRI) and term.value != view.iri:
                named.add(term.value)
    return named


def relation_nodes(store: Store, candidates: set[str]) -> list[Triple]:
    """Every triple of those `candidates` that are relations (org:Membership and its sub-classes)."""
    if not candidates:
        return []
    nodes = tuple(IRI(c) for c in sorted(candidates))
    return store.construct(queries.text("pages/relation_nodes"), {"node": nodes})


def labels(store: Store, triples: list[Triple]) -> list[Triple]:
    """The store's `rdfs:label`s of every IRI in `triples`."""
    linked = {
        term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, IRI)
    }
    if not linked:
        return []
    return store.construct(queries.text("pages/labels_of"), {"this": tuple(IRI(i) for i in sorted(linked))})


def about_document(view: EntityView, base: str, path: str) -> list[Triple]:
    page = view.incoming.number
    doc = IRI(document_iri(base, path, page))
    triples = [
        Triple(doc, RDF_TYPE, IRI(FOAF + "Document")),
        Triple(doc, IRI(FOAF + "primaryTopic"), IRI(view.iri)),
        Triple(doc, IRI(DCTERMS + "license"), IRI(OGL)),
        Triple(doc, IRI(VOID + "inDataset"), IRI(base + DATASET)),
    ]
    if page > 1:
        triples.append(Triple(doc, IRI(DCTERMS + "isPartOf"), IRI(document_iri(base, path))))
    return triples


def incoming_pages(store: Store, iri: str) -> int:
    """How many pages of incoming triples the document about `iri` has (at least one)."""
    rows = store.select(queries.text("pages/incoming_count"), {"this": IRI(iri)})
    total = int(rows[0]["n"].value) if rows else 0
    return max(1, -(-total // entity.TRIPLES_PER_PAGE))
