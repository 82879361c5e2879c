"""The preview card: what a client shows beside a candidate, in a small frame (the manifest's size)."""

from __future__ import annotations

from dataclasses import dataclass

from service.build.catalogue import Catalogue
from service.web.pages.ontology import Vocabulary
from service.web.reconcile.kinds import Kind, kinds_of

WIDTH, HEIGHT = 400, 160


@dataclass(frozen=True, slots=True)
class Card:
    iri: str
    name: str
    kinds: tuple[str, ...]
    founded: str | None
    dissolved: str | None
    codes: tuple[str, ...]
    other_names: tuple[str, ...]  # former and alternative names


def card(catalogue: Catalogue, vocabulary: Vocabulary, kinds: list[Kind], iri: str) -> Card | None:
    """The card of one of our entities, or None if the catalogue does not know it."""
    entry = catalogue.entries.get(iri)
    if entry is None:
        return None
    others = tuple(dict.fromkeys(a for a in entry.alt_labels if a.casefold() != entry.label.casefold()))
    return Card(
        iri,
        entry.label or iri,
        tuple(k.name for k in kinds_of(entry.classes, vocabulary, kinds)),
        entry.founded.isoformat() if entry.founded else None,
        entry.dissolved.isoformat() if entry.dissolved else None,
        tuple(dict.fromkeys(entry.codes)),
        others,
    )


def description(card: Card) -> str:
    """One line telling namesakes apart: kind, life and codes (`Primary Care Trust, 2006-10-01 to
    2013-03-31, 5NT`). A body with no recorded end is described as such, never as current."""
    life = f"{card.founded or 'founding date unknown'} to {card.dissolved or 'no recorded end'}"
    return ", ".join(p for p in [" / ".join(card.kinds), life, " ".join(card.codes)] if p)
