"""The class index: every class's instances in the order the class pages list them, made once per build.

A class page (`/class/org:Membership`) shows how many things a class has and one page of them sorted by
label. Asking the store for all 62,311 memberships with their labels and dates on every request took 4-7 s;
the index holds each class's instances already sorted, so a page is a slice. Things the catalogue knows
(organisations, people, events, sources) are labelled and dated by it; the others (relations, intervals,
gaps) are kept here with their label and their `schema:startDate`/`schema:endDate` as founding and
dissolution, as the listing shows them.

`nhskg build` saves it beside the store (`save_index`); a process serving a build made before the index
existed makes it from the store once and saves it there for the next one (`load_index`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from service.build.catalogue import Catalogue, gc_paused, holds_on, parse_day, query
from service.store import Store
from service.terms import IRI, Literal

INDEX_FILE = "classes.pickle"


@dataclass(frozen=True, slots=True)
class Instance:
    """What a class page shows of one instance (slots: the index holds tens of thousands)."""

    iri: str
    label: str = ""
    founded: dt.date | None = None
    dissolved: dt.date | None = None
    codes: tuple[str, ...] = ()


@dataclass
class ClassIndex:
    members: dict[str, list[str]]  # class IRI -> its instances' IRIs, by label (case-folded), then IRI
    others: dict[str, Instance] = field(default_factory=dict)  # instances the catalogue does not hold

    def count(self, class_iri: str) -> int:
        return len(self.members.get(class_iri, ()))

    def instance(self, iri: str, catalogue: Catalogue) -> Instance:
        """What the listing shows of an instance: from the catalogue's entry, else the index's own."""
        entry = catalogue.entries.get(iri)
        if entry is not None:
            return Instance(iri, entry.label, entry.founded, entry.dissolved, tuple(entry.codes))
        return self.others.get(iri) or Instance(iri)

    def alive_on(self, iri: str, catalogue: Catalogue, day: dt.date) -> bool:
        """Whether the instance existed (or held) on `day`; see `holds_on`."""
        entry = catalogue.entries.get(iri) or self.others.get(iri)
        return entry is not None and holds_on(entry.founded, entry.dissolved, day)


def _literal_by_subject(store: Store, name: str) -> dict[str, str]:
    """`?s -> ?o` from one of the index's single-pattern queries; an English label before any other."""
    found: dict[str, str] = {}
    for row in store.select(query(name)):
        s, o = row["s"], row["o"]
        if isinstance(s, IRI) and isinstance(o, Literal) and (s.value not in found or o.language == "en"):
            found[s.value] = o.value
    return found


def build_index(store: Store, catalogue: Catalogue) -> ClassIndex:
    """The index of `store`: four single-pattern queries (types, labels, starts, ends), sorted here; joining
    them in one query with OPTIONALs was several times slower."""
    # One string object per IRI and one date object per day, however many classes or things share it:
    # the index is pickled and loaded by every worker (310,781 class memberships on the real data).
    same: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for row in store.select(query("class_members")):
        s, cls = row["s"], row["cls"]
        if isinstance(s, IRI) and isinstance(cls, IRI):
            members.setdefault(cls.value, []).append(same.setdefault(s.value, s.value))
    uncatalogued = {iri for iri in same if iri not in catalogue.entries}
    labels = _literal_by_subject(store, "class_member_labels")
    starts = _literal_by_subject(store, "class_member_starts")
    ends = _literal_by_subject(store, "class_member_ends")
    days: dict[str, dt.date | None] = {}

    def day(iri: str, dates: dict[str, str]) -> dt.date | None:
        text = dates.get(iri)
        return days.setdefault(text, parse_day(text)) if text else None

    others = {
        iri: Instance(iri, labels.get(iri, ""), day(iri, starts), day(iri, ends)) for iri in uncatalogued
    }
    index = ClassIndex({}, others)

    def order(iri: str) -> tuple[str, str]:
        return ((index.instance(iri, catalogue).label or iri).lower(), iri)

    index.members = {cls: sorted(set(iris), key=order) for cls, iris in members.items()}
    return index


def save_index(index: ClassIndex, path: Path) -> None:
    """Write atomically: a process completing an older build may race another doing the same."""
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    with partial.open("wb") as handle:
        pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def load_index(store: Store, catalogue: Catalogue, folder: Path | None) -> ClassIndex:
    """The index the build saved in `folder`, else one made from the store now (and saved in `folder`,
    when there is one and it is writable, for the processes after this one)."""
    path = folder / INDEX_FILE if folder is not None else None
    if path is not None and path.is_file():
        with path.open("rb") as handle, gc_paused():
            index = pickle.load(handle)  # noqa: S301 - our own build artefact, never user input
        if isinstance(index, ClassIndex):
            return index
    index = build_index(store, catalogue)
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only build folder: this process keeps its own
            save_index(index, path)
    return index
