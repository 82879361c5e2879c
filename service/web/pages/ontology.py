"""The vocabulary as the pages see it: terms, their labels and hierarchy, and the /def documentation data.

Built once per process from the ontology in the store (`build_vocabulary`); usage counts are computed on the
first request for /def (they scan the whole store) and kept for the life of the process.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from service import iris
from service.build.catalogue import query
from service.build.overview import Usage as Usage
from service.build.overview import usage_counts as usage_counts
from service.store import Store
from service.terms import IRI, Literal

RDF = iris.PREFIXES["rdf"]
RDFS = iris.PREFIXES["rdfs"]
OWL = iris.PREFIXES["owl"]
SKOS = iris.PREFIXES["skos"]
CLASS_KINDS = {OWL + "Class", RDFS + "Class"}


@dataclass
class Term:
    iri: str
    kinds: set[str] = field(default_factory=set)
    label: str = ""
    definition: str = ""
    alt_labels: list[str] = field(default_factory=list)
    parents: set[str] = field(default_factory=set)  # rdfs:subClassOf / rdfs:subPropertyOf
    children: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    ranges: set[str] = field(default_factory=set)
    inverse: str | None = None

    @property
    def is_class(self) -> bool:
        return bool(self.kinds & CLASS_KINDS)

    @property
    def local_name(self) -> str:
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Vocabulary:
    terms: dict[str, Term]

    def label(self, iri: str) -> str | None:
        term = self.terms.get(iri)
        return term.label if term and term.label else None

    def ancestors(self, iri: str) -> set[str]:
        seen: set[str] = set()
        todo = [iri]
        while todo:
            term = self.terms.get(todo.pop())
            for parent in term.parents if term else ():
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def most_specific(self, classes: set[str]) -> list[str]:
        """The classes that are not a super-class of another of them; ours (nhs:) first."""
        implied: set[str] = set()
        for c in classes:
            if c in self.terms:
                implied |= self.ancestors(c)
        kept = [c for c in classes if c not in implied]
        return sorted(kept, key=lambda c: (not c.startswith(iris.DEF), c))

    def ours(self) -> list[Term]:
        return sorted((t for t in self.terms.values() if t.iri.startswith(iris.DEF)), key=lambda t: t.iri)


def _add(term: Term, p: str, o: IRI | Literal) -> None:
    value = o.value
    if p == RDF + "type":
        term.kinds.add(value)
    elif p == RDFS + "label" and (not term.label or (isinstance(o, Literal) and o.language == "en")):
        term.label = value
    elif p in (SKOS + "definition", RDFS + "comment") and not term.definition:
        term.definition = value
    elif p == SKOS + "altLabel":
        term.alt_labels.append(value)
    elif p in (RDFS + "subClassOf", RDFS + "subPropertyOf") and isinstance(o, IRI):
        term.parents.add(value)
    elif p == RDFS + "domain" and isinstance(o, IRI):
        term.domains.add(value)
    elif p == RDFS + "range" and isinstance(o, IRI):
        term.ranges.add(value)
    elif p == OWL + "inverseOf" and isinstance(o, IRI):
        term.inverse = value


def build_vocabulary(store: Store) -> Vocabulary:
    terms: dict[str, Term] = {}
    for row in store.select(query("terms")):
        s, p, o = row["term"], row["p"], row["o"]
        if isinstance(s, IRI) and isinstance(o, IRI | Literal):
            _add(terms.setdefault(s.value, Term(s.value)), p.value, o)
    children: dict[str, set[str]] = defaultdict(set)
    for term in terms.values():
        for parent in term.parents:
            children[parent].add(term.iri)
    for parent, kids in children.items():
        if parent in terms:
            terms[parent].children = kids
    return Vocabulary(terms)
