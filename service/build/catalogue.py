"""The catalogue: what every page needs to know about the things a reader looks for, held in memory.

Built once per process (`build_catalogue`, at app start) from one query over organisations, people, change
events, posts and sources: their labels, alternative and former names, codes, classes and dates. It feeds
the search index (service/build/search.py) and labels every link on every page, so pages do not ask the
store for the label of each neighbour.
"""

from __future__ import annotations

import datetime as dt
import gc
import pickle
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from service import iris, queries
from service.store import Store
from service.terms import IRI, Literal, Row

RDF_TYPE = iris.PREFIXES["rdf"] + "type"
RDFS = iris.PREFIXES["rdfs"]
SCHEMA = iris.PREFIXES["schema"]
SKOS = iris.PREFIXES["skos"]
ORG = iris.PREFIXES["org"]
NHS = iris.DEF


def query(name: str) -> str:
    """The text of service/queries/pages/{name}.rq."""
    return queries.text(f"pages/{name}")


def fold(text: str) -> str:
    """Lower case without accents: what search compares."""
    if text.isascii():  # most names: the same answer without looking at each character (10 times faster)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


WORD = re.compile(r"[^\W_]+")  # a run of letters and digits (\w less the underscore)


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def holds_on(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Whether a fact (or a body's life) from `start` to `end` (inclusive) holds on `day`. A fact with no
    start never counts as begun: it is shown on no day, never as if it had always held. No end: still open."""
    return start is not None and start <= day and (end is None or end >= day)


def parse_day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass
class Entry:
    iri: str
    label: str = ""
    alt_labels: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    founded: dt.date | None = None
    dissolved: dt.date | None = None
    former_names: list[str] = field(default_factory=list)  # nhs:hadName names other than the label
    end_unknown: bool = False  # nhs:endStatus nhs:EndUnknown: it ended, no source says when

    def alive_on(self, day: dt.date) -> bool:
        """Existed on `day`: founded on or before it and not dissolved before it. A body with no founding
        date is alive on no day (see `holds_on`)."""
        return holds_on(self.founded, self.dissolved, day)


# The layout of a saved catalogue: a pickle of another layout (an older build's, in a shared cache) is
# not loaded but built again from the store. Raise it when Entry or Catalogue or catalogue.rq change.
LAYOUT = 2


@dataclass
class Catalogue:
    entries: dict[str, Entry]
    # 0 for the class, so that a pickle from before layouts were recorded reads as out of date.
    layout: int = 0

    def label(self, iri: str) -> str | None:
        entry = self.entries.get(iri)
        return entry.label if entry and entry.label else None

    def of_class(self, class_iri: str) -> list[Entry]:
        return [e for e in self.entries.values() if class_iri in e.classes]


def _apply(entry: Entry, predicate: str, obj: IRI | Literal) -> None:
    if predicate == RDF_TYPE:
        entry.classes.add(obj.value)
    elif predicate == RDFS + "label":
        if not entry.label or (isinstance(obj, Literal) and obj.language == "en"):
            entry.label = obj.value
    elif predicate == SKOS + "altLabel":
        entry.alt_labels.append(obj.value)
    elif predicate in (NHS + "odsCode", NHS + "gssCode"):
        entry.codes.append(obj.value)
    elif predicate == SCHEMA + "foundingDate":
        entry.founded = parse_day(obj.value)
    elif predicate == SCHEMA + "dissolutionDate":
        entry.dissolved = parse_day(obj.value)
    elif predicate == NHS + "hadName" and obj.value not in entry.former_names:
        # Every name use's name; catalogue_from_rows drops the label's once the label is known.
        entry.former_names.append(obj.value)
    elif predicate == NHS + "endStatus":
        entry.end_unknown = obj.value == NHS + "EndUnknown"


def catalogue_from_rows(rows: Iterable[Row]) -> Catalogue:
    entries: dict[str, Entry] = {}
    for row in rows:
        s, p, o = row["s"], row["p"], row["o"]
        if isinstance(s, IRI) and isinstance(p, IRI) and isinstance(o, IRI | Literal):
            entry = entries.get(s.value)
            if entry is None:
                entry = entries[s.value] = Entry(s.value)
            _apply(entry, p.value, o)
    for entry in entries.values():
        current = fold(entry.label)
        entry.former_names = [n for n in entry.former_names if fold(n) != current]
    return Catalogue(entries, layout=LAYOUT)


def build_catalogue(store: Store) -> Catalogue:
    return catalogue_from_rows(store.select(query("catalogue")))


CATALOGUE_FILE = "catalogue.pickle"


def save_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Keep the catalogue beside a built store: the build makes it once (3-4 s over 1.3M triples) and
    every web worker loads it in a fraction of that, so a restart is quick."""
    with path.open("wb") as handle:
        pickle.dump(catalogue, handle, protocol=pickle.HIGHEST_PROTOCOL)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: unpickling creates objects that all live on, and every
    collection meanwhile would walk them all again (loading the catalogue takes 0.14 s instead of 0.34 s,
    and grows with the data instead of faster than it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_catalogue(store: Store, saved: Path | None) -> Catalogue:
    """The catalogue the build saved beside the store (our own file, written by `nhskg build`), else
    (none saved, or saved in another layout) one built from the store now."""
    if saved is not None and saved.is_file():
        with saved.open("rb") as handle, gc_paused():
            catalogue = pickle.load(handle)  # noqa: S301 - our own build artefact, never user input
        if isinstance(catalogue, Catalogue) and catalogue.layout == LAYOUT:
            return catalogue
    return build_catalogue(store)
