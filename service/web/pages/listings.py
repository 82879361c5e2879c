"""Listings and overviews: the instances of a class, the landscape on a day, the sources for /about."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from service import iris
from service.build.catalogue import Catalogue, holds_on, parse_day
from service.build.class_index import ClassIndex
from service.build.overview import Overview, SourceInfo
from service.build.overview import data_sources as data_sources
from service.terms import Row
from service.web.pages.ontology import Vocabulary
from service.web.pages.timeline import CountChart, count_chart, counts_by_year

NHS = iris.DEF
PER_PAGE = 100
COMMISSIONING_BODY = NHS + "CommissioningBody"


@dataclass(frozen=True)
class Listed:
    iri: str
    label: str
    codes: list[str]
    founded: dt.date | None
    dissolved: dt.date | None


@dataclass
class Listing:
    class_iri: str
    total: int
    items: list[Listed]
    page: int
    pages: int


Span = tuple[str, dt.date, dt.date | None]  # an instance with its start and its end (None: still open)


def dated_members(index: ClassIndex, catalogue: Catalogue, class_iri: str) -> list[Span]:
    """A class's instances that have a start, in the index's order: those a day can filter (one with no
    start is alive on no day, see `holds_on`). Made once per class and process (`PagesState.spans`)."""
    spans: list[Span] = []
    for iri in index.members.get(class_iri, []):
        entry = catalogue.entries.get(iri) or index.others.get(iri)
        if entry is not None and entry.founded is not None:
            spans.append((iri, entry.founded, entry.dissolved))
    return spans


def alive_on(spans: list[Span], day: dt.date) -> list[str]:
    """The instances alive on `day`, in order: `holds_on` over the spans, without a lookup per instance."""
    return [iri for iri, start, end in spans if start <= day and (end is None or end >= day)]


def instances(
    index: ClassIndex,
    catalogue: Catalogue,
    class_iri: str,
    at: dt.date | None,
    page: int,
    alive: list[str] | None = None,
) -> Listing:
    """The instances of a class, alive on `at` when given, sorted by label, one page of them: a slice of
    the build's class index (the count and the order are the build's; only a date filters here).
    `alive`: those alive on `at`, where the caller keeps them (else filtered here)."""
    found = index.members.get(class_iri, [])
    if at is not None:
        found = alive if alive is not None else alive_on(dated_members(index, catalogue, class_iri), at)
    start = (page - 1) * PER_PAGE
    items = []
    for iri in found[start : start + PER_PAGE]:
        e = index.instance(iri, catalogue)
        items.append(Listed(e.iri, e.label or e.iri, list(e.codes), e.founded, e.dissolved))
    return Listing(class_iri, len(found), items, page, max(1, -(-len(found) // PER_PAGE)))


@dataclass(frozen=True)
class TreeNode:
    iri: str
    label: str
    kind: str
    children: list[TreeNode]


@dataclass
class Landscape:
    day: dt.date
    kinds: list[tuple[str, str, int]]  # (class IRI, label, count alive that day)
    tree: list[TreeNode]
    chart: CountChart
    undated: int = 0  # commissioning bodies with no founding date: counted on no day


def kinds_alive(catalogue: Catalogue, vocabulary: Vocabulary, day: dt.date) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for entry in catalogue.entries.values():
        if COMMISSIONING_BODY in entry.classes and (entry.founded or entry.dissolved) and entry.alive_on(day):
            for cls in vocabulary.most_specific(entry.classes)[:1]:
                counts[cls] += 1
    return sorted(((c, vocabulary.label(c) or c, n) for c, n in counts.items()), key=lambda t: -t[2])


def accountability_tree(
    rows: list[Row], catalogue: Catalogue, vocabulary: Vocabulary, day: dt.date
) -> list[TreeNode]:
    """Who was accountable to whom on `day`, as a forest rooted at bodies accountable to no one."""
    children: dict[str, set[str]] = defaultdict(set)
    has_parent: set[str] = set()
    for row in rows:
        start = parse_day(row["start"].value) if "start" in row else None
        end = parse_day(row["end"].value) if "end" in row else None
        if holds_on(start, end, day):
            children[row["to"].value].add(row["body"].value)
            has_parent.add(row["body"].value)

    def node(iri: str, seen: frozenset[str]) -> TreeNode:
        entry = catalogue.entries.get(iri)
        kind = vocabulary.most_specific(entry.classes)[0] if entry and entry.classes else ""
        kids = [node(c, seen | {c}) for c in children.get(iri, ()) if c not in seen]
        kids.sort(key=lambda n: (n.kind, n.label))
        return TreeNode(iri, catalogue.label(iri) or iri, vocabulary.label(kind) or "", kids)

    roots = sorted(r for r in children if r not in has_parent)
    return [node(r, frozenset({r})) for r in roots]


@dataclass(frozen=True)
class History:
    """What the home page's chart counts, the same on every day: how many bodies of each kind existed on
    1 April of each year (made once per process: it walks every commissioning body for every year)."""

    years: list[int]
    counts: dict[str, list[int]]
    labels: dict[str, str]
    undated: int  # commissioning bodies with no founding date


def body_history(catalogue: Catalogue, vocabulary: Vocabulary, this_year: int) -> History:
    years = list(range(1996, this_year + 1))
    bodies = [e for e in catalogue.entries.values() if COMMISSIONING_BODY in e.classes]
    specific = {c for e in bodies for c in vocabulary.most_specific(e.classes)[:1]}
    counts = counts_by_year(bodies, sorted(specific), years)
    labels = {c: vocabulary.label(c) or c for c in counts}
    return History(years, counts, labels, sum(1 for e in bodies if e.founded is None))


def landscape(
    catalogue: Catalogue,
    vocabulary: Vocabulary,
    accountabilities: list[Row],
    day: dt.date,
    history: History | None = None,
) -> Landscape:
    """The home page on `day`; `history` is the process's (made here when not given)."""
    history = history or body_history(catalogue, vocabulary, dt.date.today().year)
    kinds = kinds_alive(catalogue, vocabulary, day)
    chart = count_chart(history.counts, history.labels, history.years, day)
    tree = accountability_tree(accountabilities, catalogue, vocabulary, day)
    return Landscape(day, kinds, tree, chart, history.undated)


@dataclass
class SourcesPage:
    """One page of the data files for /about, and every source by kind."""

    items: list[SourceInfo]
    total: int
    page: int
    pages: int
    kinds: list[tuple[str, int]]


def sources_page(overview: Overview, page: int, per_page: int = PER_PAGE) -> SourcesPage:
    """The data files of `page` (by title), from the build's overview."""
    found = overview.sources
    pages = max(1, -(-len(found) // per_page))
    start = (page - 1) * per_page
    return SourcesPage(found[start : start + per_page], len(found), page, pages, overview.source_kinds)
