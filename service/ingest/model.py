"""Builders for the modelling patterns of docs/terms.md, shared by every converter.

Each builder adds the triples of one pattern, with its label and provenance, to a `Triples` set. They are
the only place where the converter spells the standard terms, so the data stays uniform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from service import iris
from service.ingest.turtle import Lit, Triples, date, en, plain
from service.iris import PREFIXES

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
ORG = PREFIXES["org"]
TIME = PREFIXES["time"]
PROV = PREFIXES["prov"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
SCHEMA = PREFIXES["schema"]
FOAF = PREFIXES["foaf"]
OWL = PREFIXES["owl"]
NHS = iris.DEF

A = RDF + "type"
LABEL = RDFS + "label"
DERIVED = PROV + "wasDerivedFrom"


def day_after(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def long_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


@dataclass
class Caveat:
    """How sure a source is of a fact: `confidence` High/Medium/Low, `evidence` Stated/Inferred, a note."""

    confidence: str | None = None
    evidence: str | None = None
    note: str | None = None

    def add_to(self, g: Triples, node: str) -> None:
        if self.confidence:
            g.add(node, NHS + "confidence", NHS + f"{self.confidence}Confidence")
        if self.evidence:
            g.add(node, NHS + "evidence", NHS + self.evidence)
        if self.note:
            g.add(node, SKOS + "editorialNote", en(self.note))


def cite(g: Triples, node: str, sources: Iterable[str]) -> None:
    for src in sources:
        g.add(node, DERIVED, src)


@dataclass
class Organisation:
    iri: str
    cls: str  # local name of an nhs: class
    label: str
    sources: list[str]
    ods: str | None = None
    gss: str | None = None
    former_gss: list[str] = field(default_factory=list)  # codes ONS gave the body before `gss`
    founded: str | None = None
    dissolved: str | None = None
    end_status: str | None = None  # "Current" or "EndUnknown" when dissolved is None
    alt_labels: list[str] = field(default_factory=list)
    name_known: bool = True
    caveat: Caveat | None = None
    unit_of: str | None = None  # org:unitOf, for organisational units

    def add_to(self, g: Triples) -> None:
        s = self.iri
        g.add(s, A, NHS + self.cls)
        for p in (LABEL, SKOS + "prefLabel", SCHEMA + "name"):
            g.add(s, p, en(self.label))
        for alt in self.alt_labels:
            if alt != self.label:
                g.add(s, SKOS + "altLabel", en(alt))
        if not self.name_known:
            g.add(s, NHS + "nameStatus", NHS + "NameUnknown")
        if self.ods:
            g.add(s, NHS + "odsCode", plain(self.ods))
            g.add(s, RDFS + "seeAlso", ods_record(self.ods))
        if self.gss:
            g.add(s, NHS + "gssCode", plain(self.gss))
            g.add(s, DCT + "spatial", geography(self.gss))
        for code in self.former_gss:  # the areas it covered before (nhs:gssCode is the latest code only)
            g.add(s, DCT + "spatial", geography(code))
        if self.founded:
            g.add(s, SCHEMA + "foundingDate", date(self.founded))
        if self.dissolved:
            g.add(s, SCHEMA + "dissolutionDate", date(self.dissolved))
        elif self.end_status:
            g.add(s, NHS + "endStatus", NHS + self.end_status)
        if self.unit_of:
            g.add(s, ORG + "unitOf", self.unit_of)
        if self.caveat:
            self.caveat.add_to(g, s)
        cite(g, s, self.sources)


def ods_record(code: str) -> str:
    return f"https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/{code}"


def geography(gss: str) -> str:
    return f"http://statistics.data.gov.uk/id/statistical-geography/{gss}"


def add_interval(g: Triples, start: str | None, end: str | None) -> str:
    """The shared interval node for [start, end] (inclusive), with its instants; returns its IRI."""
    node = iris.interval(start, end)
    g.add(node, A, TIME + "Interval")
    words = f"{long_date(start) if start else 'an unknown date'} to "
    words += long_date(end) if end else "an open end"
    g.add(node, LABEL, en(words))
    for day, link in ((start, "hasBeginning"), (end, "hasEnd")):
        if day:
            g.add(node, TIME + link, add_instant(g, day))
    return node


def add_instant(g: Triples, day: str) -> str:
    node = iris.instant(day)
    g.add(node, A, TIME + "Instant")
    g.add(node, LABEL, en(long_date(day)))
    g.add(node, TIME + "inXSDDate", date(day))
    return node


@dataclass
class Relation:
    """A dated relation: an org:Membership (or sub-class) from `member` to `organisation`."""

    iri: str
    cls: str  # PracticeMembership, ClusterMembership, PartnershipMembership, Accountability, PostHolding
    member: str
    organisation: str
    role: str  # local name of an nhs: role
    label: str
    sources: list[str]
    start: str | None
    end: str | None
    end_status: str | None = None
    caveat: Caveat | None = None
    legal_basis: str | None = None
    post: str | None = None

    def add_to(self, g: Triples) -> None:
        s = self.iri
        g.add(s, A, NHS + self.cls)
        g.add(s, LABEL, en(self.label))
        g.add(s, ORG + "member", self.member)
        g.add(s, ORG + "organization", self.organisation)
        g.add(s, ORG + "role", NHS + self.role)
        g.add(s, ORG + "memberDuring", add_interval(g, self.start, self.end))
        if self.start:
            g.add(s, SCHEMA + "startDate", date(self.start))
        if self.end:
            g.add(s, SCHEMA + "endDate", date(self.end))
        elif self.end_status:
            g.add(s, NHS + "endStatus", NHS + self.end_status)
        if self.legal_basis:
            g.add(s, NHS + "legalBasis", self.legal_basis)
        if self.post:
            g.add(s, NHS + "post", self.post)
        if self.caveat:
            self.caveat.add_to(g, s)
        cite(g, s, self.sources)


@dataclass
class ChangeEvent:
    iri: str
    cls: str  # Establishment, Abolition, Merger, Split, Renaming, Reorganisation
    label: str
    day: str
    sources: list[str]
    originals: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    part_of: str | None = None
    description: str | None = None
    caveat: Caveat | None = None

    def add_to(self, g: Triples) -> None:
        s = self.iri
        g.add(s, A, NHS + self.cls)
        g.add(s, LABEL, en(self.label))
        g.add(s, DCT + "date", date(self.day))
        for o in self.originals:
            g.add(s, ORG + "originalOrganization", o)
        for r in self.results:
            g.add(s, ORG + "resultingOrganization", r)
        for law in self.legal_basis:
            g.add(s, NHS + "legalBasis", law)
        if self.part_of:
            g.add(self.part_of, DCT + "hasPart", s)
        if self.description:
            g.add(s, DCT + "description", en(self.description))
        if self.caveat:
            self.caveat.add_to(g, s)
        cite(g, s, self.sources)


@dataclass
class KnownGap:
    """An nhs:KnownGap: the sources consulted do not say `kind` (a local name of nhs:GapKinds) about `body`
    from `start` to `end` (inclusive; None while the gap is open). See docs/terms.md, "Known gaps"."""

    iri: str
    body: str
    kind: str  # AccountabilityUnknown, NameUnknownGap, ParentUnknown
    label: str
    description: str
    start: str
    end: str | None
    sources: list[str]

    def add_to(self, g: Triples) -> None:
        s = self.iri
        g.add(s, A, NHS + "KnownGap")
        g.add(s, LABEL, en(self.label))
        g.add(s, DCT + "description", en(self.description))
        g.add(s, NHS + "gapIn", self.body)
        g.add(s, NHS + "gapKind", NHS + self.kind)
        g.add(s, SCHEMA + "startDate", date(self.start))
        if self.end:
            g.add(s, SCHEMA + "endDate", date(self.end))
        cite(g, s, self.sources)


@dataclass
class Source:
    iri: str
    cls: str  # DataFile, NewsArticle, WebPage, Legislation
    title: str
    publisher: str | None = None
    issued: str | None = None  # ISO date, or year / year-month as the source gives it
    licence: str | None = None
    url: str | None = None
    description: str | None = None
    upstream: str | None = None

    def add_to(self, g: Triples) -> None:
        s = self.iri
        g.add(s, A, NHS + self.cls)
        g.add(s, LABEL, en(self.title))
        g.add(s, DCT + "title", en(self.title))
        if self.publisher:
            g.add(s, DCT + "publisher", plain(self.publisher))
        if self.issued:
            g.add(s, DCT + "issued", _partial_date(self.issued))
        if self.licence:
            g.add(s, DCT + "license", self.licence)
        if self.url:
            g.add(s, SCHEMA + "url", self.url)
        if self.description:
            g.add(s, DCT + "description", en(self.description))
        if self.upstream:
            g.add(s, DCT + "source", self.upstream)


def _partial_date(text: str) -> Lit:
    kinds = {10: "date", 7: "gYearMonth", 4: "gYear"}
    return Lit(text, PREFIXES["xsd"] + kinds.get(len(text), "string"))


OGL = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
