"""The reconciliation types: each kind of body the ontology defines (its classes under org:Organization),
with our class IRIs as their ids."""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.build.catalogue import words
from service.web.pages.ontology import Vocabulary

ORGANIZATION = iris.PREFIXES["org"] + "Organization"


@dataclass(frozen=True, slots=True)
class Kind:
    iri: str
    name: str
    description: str
    broader: tuple[str, ...]  # its direct super-classes that are kinds too
    alt_names: tuple[str, ...] = ()


def body_kinds(vocabulary: Vocabulary) -> list[Kind]:
    """Our classes whose instances are organisations, by name."""
    classes = [
        t for t in vocabulary.ours() if t.is_class and ORGANIZATION in vocabulary.ancestors(t.iri) and t.label
    ]
    ours = {t.iri for t in classes}
    kinds = [
        Kind(
            t.iri,
            t.label,
            t.definition,
            tuple(sorted(p for p in t.parents if p in ours)),
            tuple(t.alt_labels),
        )
        for t in classes
    ]
    return sorted(kinds, key=lambda k: k.name)


def kind_json(kind: Kind, by_iri: dict[str, Kind]) -> dict[str, object]:
    """A type as the API writes it (schemas/type.json): id, name, description, broader types."""
    written: dict[str, object] = {"id": kind.iri, "name": kind.name}
    if kind.description:
        written["description"] = kind.description
    if kind.broader:
        written["broader"] = [kind_json(by_iri[b], by_iri) for b in kind.broader if b in by_iri]
    return written


def kinds_of(classes: set[str], vocabulary: Vocabulary, kinds: list[Kind]) -> list[Kind]:
    """The most specific kinds among an entity's classes."""
    by_iri = {k.iri: k for k in kinds}
    return [by_iri[c] for c in vocabulary.most_specific(classes & set(by_iri)) if c in by_iri]


def suggest_kinds(kinds: list[Kind], prefix: str) -> list[Kind]:
    """Kinds whose name, alternative name or local name has words starting with the prefix's words."""
    wanted = words(prefix)

    def fits(kind: Kind) -> bool:
        texts = [kind.name, *kind.alt_names, kind.iri.rsplit("#", 1)[-1]]
        return any(all(any(w.startswith(p) for w in words(t)) for p in wanted) for t in texts)

    return [k for k in kinds if fits(k)] if wanted else list(kinds)
