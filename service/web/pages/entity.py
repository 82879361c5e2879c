"""The data of an entity page: one function (`entity_view`) feeds the HTML page and every RDF format.

Works for every kind of thing (organisations, people, memberships, events, sources, intervals): sections
with nothing to show are empty. Dates are `datetime.date`; `at` is the as-of day or None.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from service import iris, queries
from service.build.catalogue import Catalogue, holds_on, parse_day, query
from service.build.coverage import Gap, gaps_of
from service.build.validation.saved import Finding, SavedReport, warnings_for
from service.store import Store
from service.terms import IRI, BNode, Term, Triple
from service.web.pages.dated import Link as Link
from service.web.pages.dated import Relation as Relation
from service.web.pages.dated import day_of, relation_from_row
from service.web.pages.lineage import Lineage, lineage_of
from service.web.pages.ontology import Vocabulary
from service.web.pages.spans import When, end_of, start_of
from service.web.pages.structure import EventDetail, Units, event_detail, units_of
from service.web.urls import curie, outbound_kind

RDF_TYPE = iris.PREFIXES["rdf"] + "type"
RDFS = iris.PREFIXES["rdfs"]
SCHEMA = iris.PREFIXES["schema"]
NHS = iris.DEF
EDITORIAL_NOTE = iris.PREFIXES["skos"] + "editorialNote"
T = TypeVar("T")
NOTE = iris.PREFIXES["skos"] + "note"
MEMBERS_PER_PAGE = 50
TRIPLES_PER_PAGE = 200


@dataclass(frozen=True)
class Statement:
    subject: Link
    predicate: Link
    object: Term
    object_label: str | None


@dataclass
class Page(Generic[T]):
    """One page (from 1) of a long list: its items, and how many there are in all."""

    items: list[T]
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class AsOf:
    day: dt.date
    alive: bool | None  # None: no founding date, so not known to have begun by the day
    relations: list[Relation]  # active that day
    undated: int = 0  # relations with no start: shown on no day


@dataclass
class EntityView:
    iri: str
    label: str
    types: list[Link]
    identifiers: list[tuple[str, str]]  # (name, value)
    outbound: list[Link]  # external records: ODS, ONS, Wikidata, ...
    founded: dt.date | None
    dissolved: dt.date | None
    events: list[tuple[str, Link, When]]  # (role, event, date)
    relations: list[Relation]
    lineage: Lineage
    members: Page[Relation]
    sources: dict[str, list[str]]  # source IRI -> facts it backs
    outgoing: list[Statement]
    incoming: Page[Statement]
    warnings: list[Finding]  # SHACL results about it, from the saved validation report
    as_of: AsOf | None
    labels: dict[str, str] = field(default_factory=dict)
    name_unknown: bool = False  # nhs:nameStatus nhs:NameUnknown: no source found names it
    gaps: list[Gap] = field(default_factory=list)  # what the sources do not say (nhs:KnownGap)
    event: EventDetail | None = None  # for a change event: when, before, after, legal basis
    units: Units | None = None  # for an integrated care board: its sub-ICB locations and practices on a day

    def label_of(self, iri: str) -> str:
        return self.labels.get(iri, iri)

    @property
    def kind(self) -> Link | None:
        """The most specific class (ours first), shown as what the thing is; the rest on request."""
        return self.types[0] if self.types else None

    def _value(self, predicate: str) -> str | None:
        return next((s.object.value for s in self.outgoing if s.predicate.iri == predicate), None)

    @property
    def began(self) -> When:
        return start_of(self.founded, self._value(NHS + "approximateStart"))

    @property
    def ended(self) -> When:
        return end_of(self.dissolved, self._value(NHS + "approximateEnd"), self._value(NHS + "endStatus"))

    @property
    def posts(self) -> list[Relation]:
        """The posts a person held, with their dates."""
        return [r for r in self.relations if r.kind == "PostHolding" and r.as_member(self.iri)]

    @property
    def is_organisation(self) -> bool:
        return any(t.iri == iris.PREFIXES["org"] + "Organization" for t in self.types)

    @property
    def statements(self) -> list[Statement]:
        """The outgoing statements a reader sees: curators' notes (skos:editorialNote) stay in the RDF,
        and so does the skos:note the build's reasoning infers from each (editorialNote is a sub-property)."""
        return [s for s in self.outgoing if not self.curators(s.predicate.iri, s.object)]

    def curators(self, predicate: str, value: Term) -> bool:
        """A curator's note about it, or the skos:note copy of one: kept out of the HTML and its JSON-LD."""
        if predicate == NOTE:
            return any(s.predicate.iri == EDITORIAL_NOTE and s.object == value for s in self.outgoing)
        return predicate == EDITORIAL_NOTE


class Labeller:
    """Labels from the catalogue and the vocabulary, then from the rows at hand, then one query."""

    def __init__(self, store: Store, catalogue: Catalogue, vocabulary: Vocabulary) -> None:
        self.store, self.catalogue, self.vocabulary = store, catalogue, vocabulary
        self.known: dict[str, str] = {}

    def note(self, iri: str, label: Term | None) -> None:
        if label is not None and iri not in self.known:
            self.known[iri] = label.value

    def __call__(self, iri: str, ask: bool = False) -> str:
        found = self.known.get(iri) or self.catalogue.label(iri) or self.vocabulary.label(iri)
        if found is None and ask:
            rows = self.store.select(query("labels"), {"this": IRI(iri)})
            found = rows[0]["label"].value if rows else None
        if found is None:
            found = curie(iri)
        self.known[iri] = found
        return found

    def link(self, iri: str, ask: bool = False) -> Link:
        return Link(iri, self(iri, ask))


def outgoing(store: Store, iri: str, labels: Labeller) -> list[Statement]:
    rows = store.select(query("outgoing"), {"this": IRI(iri)})
    seen: set[tuple[str, Term]] = set()
    out = []
    for row in rows:
        p, o = row["p"].value, row["o"]
        if (p, o) in seen:
            continue
        seen.add((p, o))
        if isinstance(o, IRI):
            labels.note(o.value, row.get("label"))
        out.append(
            Statement(Link(iri, ""), labels.link(p), o, labels(o.value) if isinstance(o, IRI) else None)
        )
    out.sort(key=lambda s: (s.predicate.iri != RDF_TYPE, s.predicate.label.lower(), s.object.value))
    return out


def incoming(store: Store, iri: str, page: int, labels: Labeller) -> Page[Statement]:
    this = {"this": IRI(iri)}
    total_rows = store.select(query("incoming_count"), this)
    total = int(total_rows[0]["n"].value) if total_rows else 0
    offset = (page - 1) * TRIPLES_PER_PAGE
    sparql = queries.paged(query("incoming"), TRIPLES_PER_PAGE, offset)
    items = []
    for row in store.select(sparql, this):
        s, p = row["s"], row["p"].value
        labels.note(s.value, row.get("label"))
        subject = labels.link(s.value) if isinstance(s, IRI) else Link(f"_:{s.value}", f"_:{s.value}")
        items.append(Statement(subject, labels.link(p), IRI(iri), None))
    items.sort(key=lambda s: (s.predicate.label.lower(), s.subject.label.lower()))
    return Page(items, page, total, TRIPLES_PER_PAGE)


def relations(store: Store, iri: str, labels: Labeller) -> list[Relation]:
    found: dict[str, Relation] = {}
    for row in store.select(query("relations"), {"this": IRI(iri)}):
        rel = row["rel"].value
        cls = row.get("cls")
        kind = cls.value[len(NHS) :] if cls is not None else "Membership"
        if rel in found and kind == "Membership":
            continue
        member, organisation = labels.link(row["member"].value), labels.link(row["org"].value)
        found[rel] = relation_from_row(row, kind, member, organisation)
    return sorted(found.values(), key=lambda r: (r.start or dt.date.min, r.kind, r.other(iri).label))


def members(store: Store, iri: str, at: dt.date | None, page: int, labels: Labeller) -> Page[Relation]:
    found: dict[str, Relation] = {}
    for row in store.select(query("members"), {"this": IRI(iri)}):
        rel, cls = row["rel"].value, row.get("cls")
        if rel in found and cls is None:
            continue
        kind = cls.value[len(NHS) :] if cls is not None else "Membership"
        member = labels.link(row["member"].value)
        found[rel] = relation_from_row(row, kind, member, Link(iri, ""))
    # Filtered here, not in SPARQL: pyoxigraph reports a substituted variable as unbound to BOUND().
    kept = [r for r in found.values() if at is None or r.active_on(at)]
    ordered = sorted(kept, key=lambda r: (r.member.label.lower(), r.start or dt.date.min))
    start = (page - 1) * MEMBERS_PER_PAGE
    return Page(ordered[start : start + MEMBERS_PER_PAGE], page, len(ordered), MEMBERS_PER_PAGE)


def events(store: Store, iri: str, labels: Labeller) -> list[tuple[str, Link, When]]:
    """The events it went into or came out of, each dated as far as the sources date it."""
    found = set()
    for r in store.select(query("events"), {"this": IRI(iri)}):
        approximate = r.get("approxDate")
        date = start_of(day_of(r, "date"), approximate.value if approximate is not None else None)
        date = date if date.iso else When("date unknown", None)
        found.add((r["role"].value, labels.link(r["event"].value), date))
    return sorted(found, key=lambda e: (e[2].iso or "", e[0], e[1].label))


def sources(store: Store, iri: str) -> dict[str, list[str]]:
    backs: dict[str, list[str]] = defaultdict(list)
    for row in store.select(query("sources"), {"this": IRI(iri)}):
        fact = row.get("fact")
        backs[row["source"].value].append(fact.value if fact is not None else iri)
    return {src: sorted(facts) for src, facts in sorted(backs.items())}


def shacl_warnings(report: SavedReport | None, iri: str) -> list[Finding]:
    """The results of the build's validation report about `iri` (severity, shape name, message): the
    report is saved beside the store and indexed by focus node when the pages load it."""
    return warnings_for(report, iri)


def document_triples(view: EntityView) -> list[Triple]:
    """The RDF of the document: every outgoing triple and the current page of incoming ones."""
    this = IRI(view.iri)
    out: list[Triple] = [Triple(this, IRI(s.predicate.iri), s.object) for s in view.outgoing]
    for s in view.incoming.items:
        if isinstance(s, Statement):
            subject: IRI | BNode = (
                BNode(s.subject.iri[2:]) if s.subject.iri.startswith("_:") else IRI(s.subject.iri)
            )
            out.append(Triple(subject, IRI(s.predicate.iri), this))
    return out


IDENTIFIERS = {NHS + "odsCode": "ODS code", NHS + "gssCode": "GSS code"}
OUTBOUND = {
    RDFS + "seeAlso",
    iris.PREFIXES["dcterms"] + "spatial",
    iris.PREFIXES["owl"] + "sameAs",
    SCHEMA + "sameAs",
    SCHEMA + "url",
}


def _types(statements: list[Statement], vocabulary: Vocabulary, labels: Labeller) -> list[Link]:
    classes = {s.object.value for s in statements if s.predicate.iri == RDF_TYPE}
    first = vocabulary.most_specific(classes)
    rest = sorted(classes - set(first))
    return [labels.link(c) for c in first + rest]


def _outbound(statements: list[Statement]) -> list[Link]:
    found = []
    for s in statements:
        if s.predicate.iri in OUTBOUND and isinstance(s.object, IRI):
            found.append(Link(s.object.value, outbound_kind(s.object.value) or s.predicate.label))
    return sorted(set(found), key=lambda link: (link.label, link.iri))


def _as_of(
    view_relations: list[Relation], founded: dt.date | None, dissolved: dt.date | None, at: dt.date
) -> AsOf:
    active = [r for r in view_relations if r.active_on(at)]
    undated = sum(1 for r in view_relations if r.start is None)
    alive: bool | None = holds_on(founded, dissolved, at)
    if founded is None and (dissolved is None or dissolved >= at):
        alive = None  # not known to have begun: neither shown as existing nor said not to
    return AsOf(at, alive, active, undated)


def _name_unknown(statements: list[Statement]) -> bool:
    """nhs:nameStatus nhs:NameUnknown: no source found names it."""
    return any(
        s.predicate.iri == NHS + "nameStatus" and s.object.value == NHS + "NameUnknown" for s in statements
    )


def entity_view(
    store: Store,
    catalogue: Catalogue,
    vocabulary: Vocabulary,
    iri: str,
    at: dt.date | None = None,
    members_page: int = 1,
    triples_page: int = 1,
    report: SavedReport | None = None,
    today: dt.date | None = None,
) -> EntityView:
    """Everything the page (HTML or RDF) about `iri` shows."""
    labels = Labeller(store, catalogue, vocabulary)
    out = outgoing(store, iri, labels)
    classes = {s.object.value for s in out if s.predicate.iri == RDF_TYPE}
    values = {s.predicate.iri: s.object.value for s in out}
    founded, dissolved = (
        parse_day(values.get(SCHEMA + "foundingDate")),
        parse_day(values.get(SCHEMA + "dissolutionDate")),
    )
    rels = relations(store, iri, labels)
    backing = sources(store, iri)
    for source in backing:
        labels(source)
    return EntityView(
        iri=iri,
        label=labels(iri, ask=True),
        types=_types(out, vocabulary, labels),
        identifiers=[
            (IDENTIFIERS[s.predicate.iri], s.object.value) for s in out if s.predicate.iri in IDENTIFIERS
        ],
        outbound=_outbound(out),
        founded=founded,
        dissolved=dissolved,
        events=events(store, iri, labels),
        relations=rels,
        lineage=lineage_of(store, catalogue, iri, labels),
        members=members(store, iri, at, members_page, labels),
        sources=backing,
        outgoing=out,
        incoming=incoming(store, iri, triples_page, labels),
        warnings=shacl_warnings(report, iri),
        as_of=_as_of(rels, founded, dissolved, at) if at is not None else None,
        labels=labels.known,
        name_unknown=_name_unknown(out),
        gaps=gaps_of(store, iri),
        event=event_detail(iri, classes, ((s.predicate.iri, s.object) for s in out), labels),
        units=units_of(store, iri, classes, (at, dissolved, today or dt.date.today()), labels),
    )


def exists(store: Store, iri: str) -> bool:
    return store.ask(query("exists"), {"this": IRI(iri)})
