"""The catalogue: what every page needs to know about the things a reader looks for, held in memory.

Built once per process (`build_catalogue`, at app start) from one query over organisations, people, change
events, posts and sources: their labels, alternative labels, codes, classes and dates. It feeds the search
index and labels every link on every page, so pages do not ask the store for the label of each neighbour.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import pickle
import unicodedata
from collections import defaultdict
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
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()


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

    def alive_on(self, day: dt.date) -> bool:
        """Existed on `day`: founded on or before it and not dissolved before it. A body with no founding
        date is alive on no day (see `holds_on`)."""
        return holds_on(self.founded, self.dissolved, day)


@dataclass
class Hit:
    entry: Entry
    score: int
    matched: str  # what matched: the label, an alternative label or a code


@dataclass
class Catalogue:
    entries: dict[str, Entry]
    # Search structures: sorted distinct words, word -> entry IRIs, folded code -> entry IRIs.
    vocabulary: list[str] = field(default_factory=list)
    by_word: dict[str, set[str]] = field(default_factory=dict)
    by_code: dict[str, set[str]] = field(default_factory=dict)

    def label(self, iri: str) -> str | None:
        entry = self.entries.get(iri)
        return entry.label if entry and entry.label else None

    def of_class(self, class_iri: str) -> list[Entry]:
        return [e for e in self.entries.values() if class_iri in e.classes]

    def search(self, q: str, limit: int = 20) -> list[Hit]:
        return search(self, q, limit)


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


def catalogue_from_rows(rows: Iterable[Row]) -> Catalogue:
    entries: dict[str, Entry] = {}
    for row in rows:
        s, p, o = row["s"], row["p"], row["o"]
        if isinstance(s, IRI) and isinstance(p, IRI) and isinstance(o, IRI | Literal):
            entry = entries.get(s.value)
            if entry is None:
                entry = entries[s.value] = Entry(s.value)
            _apply(entry, p.value, o)
    catalogue = Catalogue(entries)
    _index(catalogue)
    return catalogue


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
    one built from the store now."""
    if saved is not None and saved.is_file():
        with saved.open("rb") as handle, gc_paused():
            catalogue = pickle.load(handle)  # noqa: S301 - our own build artefact, never user input
        if isinstance(catalogue, Catalogue):
            return catalogue
    return build_catalogue(store)


def _index(catalogue: Catalogue) -> None:
    by_word: dict[str, set[str]] = defaultdict(set)
    by_code: dict[str, set[str]] = defaultdict(set)
    for entry in catalogue.entries.values():
        for text in [entry.label, *entry.alt_labels]:
            for word in words(text):
                by_word[word].add(entry.iri)
        for code in entry.codes:
            by_code[fold(code)].add(entry.iri)
    catalogue.by_word = dict(by_word)
    catalogue.by_code = dict(by_code)
    catalogue.vocabulary = sorted(by_word)


def _with_prefix(catalogue: Catalogue, prefix: str) -> set[str]:
    """Entries having a word that starts with `prefix` (bisect over the sorted vocabulary)."""
    found: set[str] = set()
    start = bisect.bisect_left(catalogue.vocabulary, prefix)
    for word in catalogue.vocabulary[start:]:
        if not word.startswith(prefix):
            break
        found |= catalogue.by_word[word]
    return found


def _score(entry: Entry, folded_query: str, query_words: list[str]) -> tuple[int, str]:
    """Rank: code, whole label, label prefix, all words as whole words, word prefixes; labels before alts."""
    if any(fold(code) == folded_query for code in entry.codes):
        return 1000, "code"
    best, matched = 0, entry.label
    for weight, text in [(100, entry.label)] + [(90, alt) for alt in entry.alt_labels]:
        folded, text_words = fold(text), words(text)
        if folded == folded_query:
            score = 9 * weight
        elif folded.startswith(folded_query):
            score = 8 * weight
        elif all(w in text_words for w in query_words):
            score = 6 * weight
        elif all(any(t.startswith(w) for t in text_words) for w in query_words):
            score = 4 * weight
        else:
            score = 0
        if score > best:
            best, matched = score, text
    return best, matched


def search(catalogue: Catalogue, q: str, limit: int = 20) -> list[Hit]:
    """The best matches for `q` over labels, alternative labels and codes, best first."""
    folded_query, query_words = fold(q).strip(), words(q)
    if not query_words:
        return []
    candidates = set(catalogue.by_code.get(folded_query, set()))
    word_sets = [_with_prefix(catalogue, w) for w in query_words]
    candidates |= set.intersection(*word_sets) if word_sets else set()
    hits = []
    for iri in candidates:
        entry = catalogue.entries[iri]
        score, matched = _score(entry, folded_query, query_words)
        if score:
            # Organisations before events, posts and sources; then shorter (more exact) labels.
            score += 300 if ORG + "Organization" in entry.classes else 0
            hits.append(Hit(entry, score, matched))
    hits.sort(key=lambda h: (-h.score, len(h.entry.label), h.entry.label, h.entry.iri))
    return hits[:limit]
